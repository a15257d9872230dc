"""Loading the demo data; idempotent (running it twice changes nothing the second time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.models import User
from daftar.accounts.services import role_grant, user_get_or_create
from daftar.calls.models import Call, CallState
from daftar.calls.selectors import calls_list
from daftar.calls.services import call_create
from daftar.inquiries.adapters import SimulatorAdapter
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.models import District, Municipality, Province
from daftar.municipalities.services import provinces_ensure
from daftar.rules.models import LicenceType
from daftar.rules.services import rules_load_fixture
from daftar.runtime.inserts import insert_rows

from .authority import demo_authority_load
from .data import DEMO_BIRTH_DATE, DEMO_CALL_DAYS, DEMO_PERSON_TYPE, DEMO_USERS, TEHRAN, TEHRAN_DISTRICTS
from .offices import demo_offices_load
from .oversight import demo_oversight_load
from .review import demo_review_load
from .scorecard import demo_scorecards_load


@dataclass(frozen=True)
class DemoLogin:
    mobile: str
    role: str
    name: str


def demo_load(*, offices: bool = True) -> list[DemoLogin]:
    """Create Tehran, its districts and the demo users with their roles (no duplicates), and,
    unless ``offices=False``, the three demo offices with their licences, hours, tariffs and
    history (``daftar.demo.offices``)."""
    with transaction.atomic():
        provinces_ensure()
        province = Province.objects.get(name_fa=TEHRAN["province"])
        tehran, _ = Municipality.objects.get_or_create(
            slug=TEHRAN["slug"], defaults={"name": TEHRAN["name"], "city": TEHRAN["city"], "province": province}
        )
        present = set(tehran.districts.values_list("number", flat=True))
        insert_rows(  # the missing ones in one statement, each with its save signals
            *(
                District(municipality=tehran, number=n, name=f"منطقهٔ {persian_digits(n)}", illustrative=True)
                for n in range(1, TEHRAN_DISTRICTS + 1)
                if n not in present
            )
        )
        logins = []
        for mobile, role, first, last, national_code in DEMO_USERS:
            user, created = user_get_or_create(mobile=mobile)
            if created:
                # the demo's pairs are proven by the simulator's mobile-ownership answer (its rule
                # passes every 0912 number), whatever backend is configured: no outside call here
                proof = SimulatorAdapter().mobile_owner(mobile, national_code, timeout=0)
                User.objects.filter(pk=user.pk).update(
                    first_name=first,
                    last_name=last,
                    national_code=national_code,
                    person_type=DEMO_PERSON_TYPE,
                    birth_date=dt.date.fromisoformat(DEMO_BIRTH_DATE),
                    ownership_verified_at=timezone.now() if proof.passed else None,
                    ownership_reference=proof.reference if proof.passed else "",
                    ownership_mobile=mobile if proof.passed else "",
                    ownership_national_code=national_code if proof.passed else "",
                )
            if role != Role.APPLICANT:
                role_grant(user=user, role=role, municipality=tehran, actor=None)
            logins.append(DemoLogin(mobile=mobile, role=Role(role).label, name=f"{first} {last}"))
        rules_load_fixture()  # the e-city office licence, its documents and Tehran's rules (S9-S12)
        demo_call_ensure(tehran)
        if offices:
            open_now = calls_list(municipality_slug=tehran.slug, state=CallState.OPEN)
            demo_call = open_now.filter(licence_type__code="e-city-office").order_by("pk").first()
            demo_offices = demo_offices_load(tehran, demo_call)
            demo_authority_load(tehran, demo_call)  # the licensing authority's desk (issue 18)
            demo_oversight_load(demo_offices)  # the supervisor's reports and visits (issue 18)
            demo_review_load(tehran, demo_call)  # the reviewer's documents to review (issue 19)
            demo_scorecards_load(tehran)  # the offices' scorecards of the last ended period (issue 22 §2)
    return logins


def demo_call_ensure(tehran: Municipality) -> Call | None:
    """An open call for the e-city office licence in Tehran, unless one is open already."""
    licence_type = LicenceType.objects.get(code="e-city-office")
    open_now = calls_list(municipality_slug=tehran.slug, state=CallState.OPEN).filter(licence_type=licence_type)
    if open_now.exists():
        return None
    now = timezone.now()
    year = to_jalali(now, digits=True)[:4]
    return call_create(
        municipality=tehran,
        licence_type=licence_type,
        title=f"فراخوان واگذاری مجوز دفاتر خدمات الکترونیک شهر تهران — {year}",
        description="فراخوان نمایشی: در هر منطقه یک دفتر. مهلت‌ها و سهمیه‌ها نمونه‌اند.",  # one office a district (P4)
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=DEMO_CALL_DAYS),
        quotas={d.pk: 1 for d in tehran.districts.all()},
        actor=None,
    )
