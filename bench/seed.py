"""Seed the HTTP benchmark's users, tokens and cases into a bench database (issue 7).

    python bench/seed.py --readers 200 --writers 20000 --spike 1000 --bookers 250 --out var/bench/seed.json
    python bench/seed.py --captchas 1000 --out var/bench/captchas.json

A script of the bench, not a command of the product: Django is set up from the environment
(``DJANGO_SETTINGS_MODULE``, ``DATABASE_URL``…, as ``manage.py`` would be). Used by
``bench/http_bench.py`` against its own database (``daftar_bench_http``): it refuses any
database whose name does not start with ``daftar_bench``. The fault-injection tests' stack
(``faultstack.py``) makes its applicants with ``Seeder.users`` and ``Seeder.tokens``. Loads the
demo if missing (Tehran, the open call, offices, tariffs, licences), then appends new
applicants (mobiles ``099`` + eight digits, numbered after the ones already there, so a second
run adds fresh users and never touches the first run's):

* readers: a complete profile, a knox API token and a draft in the open call with every
  required document (current, pending review) and its timeline (``create`` event);
* writers: a token and no case (each ``POST /api/v1/applications`` needs a new applicant);
* spike: like readers (their drafts are complete, so ``submit`` is accepted);
* bookers: a complete profile and a token (appointment contention trials).

Tokens are made as knox makes them (``knox.models.get_digest_token``) and written in clear to
the output file (the bench's load scripts read them); the rows go in with ``bulk_create``.
``--captchas N`` creates N login captchas with known answers (rows of django-simple-captcha, as
``GET /api/v1/auth/captcha`` would; the answer is what the image shows) for the login spike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

MOBILE_PREFIX = "099"  # bench applicants: 099 and eight digits
BATCH = 2000


def national_code(index: int) -> str:
    """A valid, unique national code for bench user ``index``."""
    body = f"8{index:08d}"
    if body[3:9] == "000000":  # not a valid code: the same digits under the unused lead 7, one changed
        body = f"7{body[1:3]}9{body[4:]}"
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(total if total < 2 else 11 - total)


class SeedError(Exception):
    """The bench database cannot be seeded (the message says why)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed the HTTP benchmark's applicants, tokens and cases.")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--writers", type=int, default=20000)
    parser.add_argument("--spike", type=int, default=1000)
    parser.add_argument("--bookers", type=int, default=250)
    parser.add_argument("--captchas", type=int, default=0, help="only create N captchas with known answers")
    parser.add_argument("--out", required=True)
    options = vars(parser.parse_args(argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    try:
        Seeder().run(options)
    except SeedError as exc:
        print(f"bench seed: {exc}", file=sys.stderr)
        return 1
    return 0


class Seeder:
    """Bench applicants, tokens and cases (see the module's docstring)."""

    def run(self, options: dict[str, Any]) -> None:
        name = str(connection.settings_dict["NAME"])
        if connection.vendor != "postgresql" or not name.startswith("daftar_bench"):
            raise SeedError(f"refusing database {name!r}: bench/seed.py writes only to PostgreSQL daftar_bench…")
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if options["captchas"]:
            data: dict[str, Any] = {"captchas": self.captchas(options["captchas"])}
        else:
            data = self.seed(options)
        data["seconds"] = round(time.perf_counter() - started, 1)
        out.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"bench seed: written {out} in {data['seconds']} s")

    def captchas(self, count: int) -> list[dict[str, str]]:
        from captcha.models import CaptchaStore

        expires = timezone.now() + dt.timedelta(minutes=30)
        rows = []
        for _ in range(count):
            answer = "".join(secrets.choice("23456789") for _ in range(5))
            rows.append(
                CaptchaStore(challenge=answer, response=answer, hashkey=secrets.token_hex(20), expiration=expires)
            )
        CaptchaStore.objects.bulk_create(rows, batch_size=BATCH)
        return [{"key": r.hashkey, "value": r.response} for r in rows]

    def seed(self, options: dict[str, Any]) -> dict[str, Any]:
        from daftar.accounts.models import User
        from daftar.calls.models import Call, CallState
        from daftar.calls.selectors import calls_list
        from daftar.demo.services import demo_load
        from daftar.licences.models import Licence, LicenceStatus
        from daftar.municipalities.models import Municipality
        from daftar.offices.models import Office

        if not Municipality.objects.filter(slug="tehran").exists() or not Office.objects.exists():
            demo_load()
        call: Call | None = (
            calls_list(municipality_slug="tehran", state=CallState.OPEN)
            .filter(licence_type__code="e-city-office")
            .select_related("municipality", "licence_type", "rule_set")
            .order_by("pk")
            .first()
        )
        if call is None:
            raise SeedError("no open call in Tehran: load the demo first (manage.py load_demo)")
        districts = list(call.districts.values_list("district_id", flat=True).order_by("district_id"))
        start = User.objects.filter(mobile__startswith=MOBILE_PREFIX).count()
        groups: dict[str, list[User]] = {}
        counts = {k: options[k] for k in ("readers", "writers", "spike", "bookers")}
        index = start
        for group, count in counts.items():
            groups[group] = self.users(index, count)
            index += count
        tokens = {group: self.tokens(users) for group, users in groups.items()}
        cases = {
            "readers": self.cases(call, districts, groups["readers"]),
            "spike": self.cases(call, districts, groups["spike"]),
        }
        licence = Licence.objects.filter(status=LicenceStatus.ACTIVE).order_by("pk").first()
        offices = [
            {"id": o.pk, "counters": o.counters}
            for o in Office.objects.filter(active=True).order_by("pk").only("pk", "counters")
        ]
        return {
            "call": call.pk,
            "districts": districts,
            "licence_number": licence.number if licence else None,
            "offices": offices,
            "readers": [
                {"mobile": u.mobile, "token": t, "application": a}
                for u, t, a in zip(groups["readers"], tokens["readers"], cases["readers"], strict=True)
            ],
            "writers": [
                {"mobile": u.mobile, "token": t} for u, t in zip(groups["writers"], tokens["writers"], strict=True)
            ],
            "spike": [
                {"mobile": u.mobile, "token": t, "application": a}
                for u, t, a in zip(groups["spike"], tokens["spike"], cases["spike"], strict=True)
            ],
            "bookers": [
                {"mobile": u.mobile, "token": t} for u, t in zip(groups["bookers"], tokens["bookers"], strict=True)
            ],
        }

    def users(self, first: int, count: int) -> list[Any]:
        from daftar.accounts.models import User

        password = make_password(None)
        rows = [
            User(
                mobile=f"{MOBILE_PREFIX}{i:08d}",
                password=password,
                first_name="کاربر",
                last_name=f"آزمون {i}",
                national_code=national_code(i),
                birth_date=dt.date(1985, 3, 21),
            )
            for i in range(first, first + count)
        ]
        with transaction.atomic():
            User.objects.bulk_create(rows, batch_size=BATCH)
        mobiles = [u.mobile for u in rows]
        by_mobile = {u.mobile: u for u in User.objects.filter(mobile__in=mobiles)}
        return [by_mobile[m] for m in mobiles]

    def tokens(self, users: list[Any]) -> list[str]:
        from django.conf import settings
        from knox.models import AuthToken, get_digest_token
        from knox.settings import CONSTANTS

        expiry = timezone.now() + max(settings.REST_KNOX["TOKEN_TTL"], dt.timedelta(hours=12))
        clear, rows = [], []
        for user in users:
            digest, token = get_digest_token()
            clear.append(token)
            rows.append(
                AuthToken(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH], digest=digest, user=user, expiry=expiry)
            )
        with transaction.atomic():
            AuthToken.objects.bulk_create(rows, batch_size=BATCH)
        # as a login does (accounts.services.auth_token_create): the benchmark's applicants have
        # just logged in, so their first request finds the token remembered
        from daftar.accounts.authentication import remember_new_token

        for row in rows:
            remember_new_token(row)
        return clear

    def cases(self, call: Any, districts: list[int], users: list[Any]) -> list[int]:
        """A draft per user, made like the first one (through the service: verdict, event,
        audit, SMS), then copied for the others with their event and documents."""
        from daftar.applications import services
        from daftar.applications.models import Application, CaseEvent
        from daftar.demo.data import ELIGIBLE_FACTS as GOOD_FACTS
        from daftar.documents.models import Document
        from daftar.documents.samples import pdf_bytes, png_bytes
        from daftar.rules.models import DocumentRequirement

        if not users:
            return []
        template = services.application_create(
            call=call, district_id=districts[0], facts_raw=dict(GOOD_FACTS), actor=users[0]
        )
        requirements = list(
            DocumentRequirement.objects.filter(licence_type_id=call.licence_type_id, required=True, stage="submission")
        )
        files = {}
        for req in requirements:
            pdf = "application/pdf" in req.accepted_types
            content = pdf_bytes() if pdf else png_bytes()
            name = default_storage.save(f"bench/{req.code}.{'pdf' if pdf else 'png'}", ContentFile(content))
            files[req.code] = (name, "application/pdf" if pdf else "image/png", len(content))
        now = timezone.now()
        apps = [template] + [
            Application(
                call=call,
                applicant=user,
                municipality_id=call.municipality_id,
                district_id=districts[i % len(districts)],
                facts=template.facts,
                results=template.results,
                eligible=template.eligible,
            )
            for i, user in enumerate(users[1:], start=1)
        ]
        with transaction.atomic():
            Application.objects.bulk_create(apps[1:], batch_size=BATCH)
            CaseEvent.objects.bulk_create(
                [CaseEvent(application=a, actor=a.applicant, action="create", to_status="draft") for a in apps[1:]],
                batch_size=BATCH,
            )
            documents = []
            for app in apps:
                for req in requirements:
                    name, mime, size = files[req.code]
                    documents.append(
                        Document(
                            application=app,
                            doc_type=req.code,
                            file=name,
                            original_name=name.rsplit("/", 1)[-1],
                            mime=mime,
                            size=size,
                            sha256="0" * 64,
                            pages=1 if mime == "application/pdf" else None,
                            uploaded_by=app.applicant,
                            uploaded_at=now,
                        )
                    )
            Document.objects.bulk_create(documents, batch_size=BATCH)
        return [a.pk for a in apps]


if __name__ == "__main__":
    sys.exit(main())
