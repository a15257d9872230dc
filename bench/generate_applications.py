"""Bench data: N applicants and N application cases in a PostgreSQL database of its own.

    python bench/generate_applications.py --count 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/daftar_bench
    python bench/generate_applications.py --add 900000 --database-url …   # grow the same database

Creates the database when missing, migrates it, loads the demo (Tehran, 22 districts, users,
rules, an open call), adds a second municipality (Karaj, 10 districts, its own call) and then
appends applicants (Users ``0990xxxxxxx``) and one case each, 90% in Tehran and 10% in Karaj,
with a realistic mix of statuses (table ``STATUS_MIX``), ``submitted_at`` spread over the last
year, a running deadline (``due_at``) on clocked states — about a third of them past, i.e.
overdue — unique tracking codes, random scores, and facts/results produced by Tehran's real
rule set. Rows go in with PostgreSQL ``COPY`` (psycopg 3), in batches of ``--batch`` rows,
one transaction each; ``VACUUM (ANALYZE)`` at the end. ``--count N`` tops the database up to N
bench cases (a no-op when it holds N already); ``--add N`` appends N more. Same seed, same rows.

It refuses any database whose name does not start with ``daftar_bench``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's ``queue`` (psycopg imports it): not on the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/daftar_bench"
MOBILE_PREFIX = "0990"  # bench applicants: 0990 and seven digits (10 million numbers)
KARAJ_SHARE = 0.10
KARAJ_DISTRICTS = 10
VARIANTS = 512  # distinct facts/results pairs, evaluated once with Tehran's rules
DAY = 86400.0

# (status, share in %) — mostly in review, some drafts and closed cases.
STATUS_MIX = [
    ("draft", 8),
    ("submitted", 20),
    ("document_review", 18),
    ("correction_requested", 5),
    ("exam", 10),
    ("interview", 6),
    ("site_inspection", 5),
    ("final_review", 4),
    ("approved", 2),
    ("licence_issued", 4),
    ("rejected", 10),
    ("withdrawn", 5),
    ("expired", 3),
]
# Statuses with a running clock (workflow.CLOCKED) plus the applicant's correction clock.
WITH_DEADLINE = {
    "submitted",
    "document_review",
    "correction_requested",
    "exam",
    "interview",
    "site_inspection",
    "final_review",
    "approved",
}
ASSESSED = {"interview", "site_inspection", "final_review", "approved", "licence_issued"}
FIRST_NAMES = ["علی", "محمد", "زهرا", "فاطمه", "حسین", "مریم", "رضا", "سارا", "مهدی", "نرگس", "امیر", "لیلا"]
LAST_NAMES = ["محمدی", "حسینی", "رضایی", "کریمی", "احمدی", "موسوی", "جعفری", "صادقی", "رحیمی", "نوری"]
# Tracking codes: the product's alphabet and shape (XXXX-XXXX-XX), from a bijection of the row
# number so that they are unique without a look-up and look random.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_SPACE = len(_ALPHABET) ** 10
_MULT, _SHIFT = 6_364_136_223_846_793 % _SPACE, 1_442_695_040_888_963 % _SPACE  # _MULT coprime to 31

USER_COLUMNS = (
    "id, password, last_login, is_superuser, mobile, person_type, nationality, national_code, national_id,"
    " legal_name, first_name, last_name, birth_date, is_active, is_staff, date_joined, ownership_mobile,"
    " ownership_national_code, ownership_reference"
)
APP_COLUMNS = (
    "id, status, facts, results, eligible, score_total, score, tracking_code, created_at, updated_at,"
    " submitted_at, status_changed_at, due_at, overdue, escalated_at, acknowledged_at, decision_reason,"
    " failed_conditions, assessment, licence_number, acknowledged_by_id, applicant_id, call_id, district_id,"
    " municipality_id"
)


def bench_url() -> str:
    """BENCH_DATABASE_URL; else daftar_bench on DATABASE_URL's PostgreSQL server; else the local one."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = urlsplit(os.environ.get("DATABASE_URL", ""))
    if base.scheme in ("postgres", "postgresql", "pgsql") and base.netloc:
        return urlunsplit((base.scheme, base.netloc, "/daftar_bench", base.query, ""))
    return DEFAULT_URL


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def check_bench_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"not a PostgreSQL URL: {url}")
    if not database_name(url).startswith("daftar_bench"):
        raise SystemExit(f"refusing database {database_name(url)!r}: bench databases are named daftar_bench…")


def _server_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.replace("pgsql", "postgresql"), parts.netloc, "/postgres", parts.query, ""))


def server_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_server_url(url), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def database_ensure(url: str, *, fresh: bool = False) -> None:
    """Create the bench database (dropping it first when ``fresh``); only daftar_bench… names."""
    import psycopg
    from psycopg import sql

    check_bench_url(url)
    name = database_name(url)
    with psycopg.connect(_server_url(url), autocommit=True) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def boot(url: str) -> None:
    """Point Django at the bench database and set it up (before any model import)."""
    check_bench_url(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # DEBUG off, whatever the shell says
    import django

    django.setup()


@dataclass(frozen=True)
class Place:
    municipality_id: int
    call_id: int
    district_ids: list[int]


@dataclass(frozen=True)
class Setup:
    tehran: Place
    karaj: Place
    variants: list[tuple[str, str, bool | None]]  # (facts JSON, results JSON, eligible)


def prepare(*, verbose: bool = True) -> Setup:
    """Migrate, load the demo and the second municipality (all idempotent)."""
    from django.core.management import call_command
    from django.db import transaction

    from daftar.calls.models import Call
    from daftar.demo.services import demo_load
    from daftar.municipalities.models import District, Municipality, Province
    from daftar.rules.models import LicenceType, RuleSet

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    demo_load()
    with transaction.atomic():
        tehran = Municipality.objects.get(slug="tehran")
        tehran_call = Call.objects.filter(municipality=tehran).order_by("pk").first()
        assert tehran_call is not None, "demo_load() opens Tehran's call"
        province = Province.objects.filter(name_en="Alborz").first() or Province.objects.order_by("pk").first()
        assert province is not None, "provinces_ensure() loads the provinces"
        karaj, _ = Municipality.objects.get_or_create(
            slug="bench-karaj", defaults={"name": "شهرداری کرج (بنچمارک)", "city": "کرج", "province": province}
        )
        for number in range(1, KARAJ_DISTRICTS + 1):
            District.objects.get_or_create(
                municipality=karaj, number=number, defaults={"name": f"منطقهٔ {number}", "illustrative": True}
            )
        licence_type = LicenceType.objects.get(pk=tehran_call.licence_type_id)
        rule_set, _ = RuleSet.objects.get_or_create(
            licence_type=licence_type,
            municipality=karaj,
            version=1,
            defaults={"effective_from": dt.date(2025, 3, 21), "published": True, "note": "bench"},
        )
        now = dt.datetime.now(dt.UTC)
        karaj_call, _ = Call.objects.get_or_create(
            municipality=karaj,
            licence_type=licence_type,
            title="فراخوان کرج (بنچمارک)",
            defaults={
                "rule_set": rule_set,
                "opens_at": now - dt.timedelta(days=400),
                "closes_at": now + dt.timedelta(days=400),
            },
        )

    def place(municipality: Municipality, call: Call) -> Place:
        ids = list(District.objects.filter(municipality=municipality).order_by("number").values_list("pk", flat=True))
        return Place(municipality.pk, call.pk, ids)

    setup = Setup(place(tehran, tehran_call), place(karaj, karaj_call), _variants(tehran_call))
    if verbose:
        print(f"prepared (migrate, demo, Karaj) in {time.perf_counter() - started:.1f} s", flush=True)
    return setup


def _variants(call: Any) -> list[tuple[str, str, bool | None]]:
    """Facts/results pairs as the product stores them, from Tehran's published rule set."""
    from daftar.rules.evaluator import evaluate
    from daftar.rules.selectors import compiled

    sys.path.append(str(ROOT / "bench"))  # last: the standard library comes first
    from rules import generate  # the fact-set generator of the rules benchmark

    rules = compiled(call.rule_set)
    rng = random.Random(1404)
    out = []
    for _ in range(VARIANTS):
        facts = generate(rng)
        verdict = evaluate(rules, facts)
        results = [{"id": c.id, "result": c.result, "reason": c.reason} for c in verdict.conditions]
        out.append((json.dumps(facts, ensure_ascii=False), json.dumps(results, ensure_ascii=False), verdict.eligible))
    return out


_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # 31² two-symbol digits


def tracking_code(n: int) -> str:
    x = (n * _MULT + _SHIFT) % _SPACE
    x, a = divmod(x, 961)
    x, b = divmod(x, 961)
    x, c = divmod(x, 961)
    x, d = divmod(x, 961)
    e = x % 961
    p = _PAIRS
    return f"{p[a]}{p[b]}-{p[c]}{p[d]}-{p[e]}"


_DAYS: dict[int, str] = {}


def _ts(epoch: float) -> str:
    """COPY text for a UTC timestamp (faster than datetime.isoformat)."""
    whole = int(epoch)
    day, sec = divmod(whole, 86400)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
    hour, sec = divmod(sec, 3600)
    minute, sec = divmod(sec, 60)
    return f"{date} {hour:02d}:{minute:02d}:{sec:02d}.{int((epoch - whole) * 1e6):06d}+00"


def bench_count() -> int:
    """Bench cases already in the database (one per bench applicant)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT max(mobile) FROM accounts_user WHERE mobile LIKE %s", [MOBILE_PREFIX + "%"])
        top = cur.fetchone()[0]
    return 0 if top is None else int(top[len(MOBILE_PREFIX) :]) + 1


# The cases are COPied into a temporary table with the number of their facts/results variant,
# then inserted from there: the JSON is parsed (and compressed) once per variant, not per row.
STAGE_TABLE = """
CREATE TEMP TABLE IF NOT EXISTS bench_stage (
    id bigint, status varchar(24), variant int, score_total numeric(7, 2), tracking_code varchar(16),
    created_at timestamptz, submitted_at timestamptz, status_changed_at timestamptz, due_at timestamptz,
    overdue boolean, acknowledged_at timestamptz, decision_reason text, failed_conditions jsonb, assessment jsonb,
    licence_number varchar(32), applicant_id bigint, call_id bigint, district_id bigint, municipality_id bigint
) ON COMMIT DELETE ROWS"""
STAGE_COLUMNS = (
    "id, status, variant, score_total, tracking_code, created_at, submitted_at, status_changed_at, due_at,"
    " overdue, acknowledged_at, decision_reason, failed_conditions, assessment, licence_number, applicant_id,"
    " call_id, district_id, municipality_id"
)
VARIANT_TABLE = """
CREATE TEMP TABLE IF NOT EXISTS bench_variant (n int PRIMARY KEY, facts jsonb, results jsonb, eligible boolean)
WITH (toast_tuple_target = 128)"""
INSERT_CASES = f"""
INSERT INTO applications_application ({APP_COLUMNS})
SELECT s.id, s.status, v.facts, v.results, v.eligible, s.score_total, NULL, s.tracking_code, s.created_at,
       s.status_changed_at, s.submitted_at, s.status_changed_at, s.due_at, s.overdue, NULL, s.acknowledged_at,
       s.decision_reason, s.failed_conditions, s.assessment, s.licence_number, NULL, s.applicant_id, s.call_id,
       s.district_id, s.municipality_id
FROM bench_stage s JOIN bench_variant v ON v.n = s.variant
ORDER BY s.id"""  # noqa: S608


def _rows(
    places: tuple[Place, Place], start: int, n: int, user_base: int, app_base: int, now: float
) -> tuple[str, str]:
    """COPY text (users, staged cases) for bench rows ``start … start+n-1``; seeded by ``start``."""
    tehran, karaj = places
    rng = random.Random(start)
    rand, uniform = rng.random, rng.uniform
    mix = [s for s, share in STATUS_MIX for _ in range(share)]
    users, apps = [], []
    for k in range(n):
        i = start + k
        uid, aid = user_base + k + 1, app_base + k + 1
        place = karaj if rand() < KARAJ_SHARE else tehran
        district = place.district_ids[int(rand() * len(place.district_ids))]
        status = mix[int(rand() * 100)]
        variant = int(rand() * VARIANTS)
        created = now - uniform(0, 365 * DAY)
        joined = created - uniform(0, 30 * DAY)
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // 7) % len(LAST_NAMES)]
        users.append(
            f"{uid}\t!bench\t\\N\tf\t{MOBILE_PREFIX}{i:07d}\tnatural\tIR\t\t\t\t{first}\t{last}\t\\N\tt\tf\t{_ts(joined)}\t\t\t\n"
        )
        submitted: float | None = None
        code = r"\N"
        if status != "draft" and not (status == "expired" and rand() < 0.5):  # half the expired never submitted
            submitted = min(now - 60, created + uniform(0, 3 * DAY))
            code = tracking_code(i)
        due: float | None = None
        if status in WITH_DEADLINE and submitted is not None:
            changed = max(submitted, now - uniform(0, 30 * DAY))
            due = changed + uniform(10 * DAY, 30 * DAY)  # ~1/3 of deadlines are past: overdue
        elif submitted is not None:
            changed = min(now - 60, submitted + uniform(0, 120 * DAY))
        else:
            changed = created
        acknowledged = r"\N"
        if status not in ("draft", "submitted") and rand() < 0.6:
            acknowledged = _ts(min(now - 30, changed + uniform(0, 2 * DAY)))
        score_total = r"\N" if submitted is None else f"{uniform(30, 100):.2f}"
        assessment = f'{{"exam": {{"score": {uniform(60, 100):.1f}, "passed": true}}}}' if status in ASSESSED else "{}"
        rejected = status == "rejected"
        apps.append(
            "\t".join(
                (
                    str(aid),
                    status,
                    str(variant),
                    score_total,
                    code,
                    _ts(created),
                    r"\N" if submitted is None else _ts(submitted),
                    _ts(changed),
                    r"\N" if due is None else _ts(due),
                    "t" if due is not None and due < now else "f",
                    acknowledged,
                    "شرط S10.1 احراز نشد." if rejected else "",
                    '["S10.1"]' if rejected else "[]",
                    assessment,
                    f"LIC-{i:08d}" if status == "licence_issued" else "",
                    str(uid),
                    str(place.call_id),
                    str(district),
                    str(place.municipality_id),
                )
            )
            + "\n"
        )
    return "".join(users), "".join(apps)


def _is_superuser(cur: Any) -> bool:
    return bool(_scalar(cur, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))


def add(setup: Setup, n: int, *, batch: int = 50_000, verbose: bool = True) -> dict[str, Any]:
    """Append ``n`` bench applicants and cases; returns the timings.

    A child process generates batch k+1 while this one loads batch k (two cores: Python and the
    PostgreSQL backend each keep one busy). Each batch is one transaction. As superuser, the
    foreign-key triggers are skipped during the load (``session_replication_role = replica``)
    and the new rows' references are checked afterwards with one query instead.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connection, transaction

    start_index = bench_count()
    if start_index + n > 10**7:
        raise SystemExit("the 0990xxxxxxx range holds 10 million bench applicants")
    now = time.time()
    started = time.perf_counter()
    connection.ensure_connection()
    pg = connection.connection
    with pg.cursor() as cur:
        cur.execute(STAGE_TABLE)
        cur.execute(VARIANT_TABLE)
        cur.execute("TRUNCATE bench_variant")
        with cur.copy("COPY bench_variant (n, facts, results, eligible) FROM STDIN") as copy:
            for number, (facts, results, eligible) in enumerate(setup.variants):
                copy.write_row((number, facts, results, eligible))
        skip_fk_triggers = _is_superuser(cur)
        user_base = _scalar(cur, "SELECT coalesce(max(id), 0) FROM accounts_user")
        app_base = _scalar(cur, "SELECT coalesce(max(id), 0) FROM applications_application")
    places = (setup.tehran, setup.karaj)
    starts = list(range(0, n, batch))
    done = 0
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        pending = [
            pool.submit(_rows, places, start_index + s, min(batch, n - s), user_base + s, app_base + s, now)
            for s in starts[:2]
        ]
        for index, s in enumerate(starts):
            users, apps = pending.pop(0).result()
            if index + 2 < len(starts):
                s2 = starts[index + 2]
                pending.append(
                    pool.submit(_rows, places, start_index + s2, min(batch, n - s2), user_base + s2, app_base + s2, now)
                )
            with transaction.atomic(), pg.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
                if skip_fk_triggers:
                    cur.execute("SET LOCAL session_replication_role = replica")
                with cur.copy(f"COPY accounts_user ({USER_COLUMNS}) FROM STDIN") as copy:
                    copy.write(users.encode())
                with cur.copy(f"COPY bench_stage ({STAGE_COLUMNS}) FROM STDIN") as copy:
                    copy.write(apps.encode())
                cur.execute(INSERT_CASES)
            done += min(batch, n - s)
            if verbose:
                elapsed = time.perf_counter() - started
                print(f"  {done:>9,} / {n:,} cases  {done / elapsed:>9,.0f} rows/s", flush=True)
    with transaction.atomic(), pg.cursor() as cur:
        for table in ("accounts_user", "applications_application"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    load_s = time.perf_counter() - started
    t = time.perf_counter()
    dangling = references_check(app_base) if skip_fk_triggers else 0
    check_s = time.perf_counter() - t
    if dangling:
        raise SystemExit(f"{dangling} new cases reference missing rows")
    t = time.perf_counter()
    analyze()
    analyze_s = time.perf_counter() - t
    result = {
        "added": n,
        "total": start_index + n,
        "load_s": round(load_s, 1),
        "references_check_s": round(check_s, 1),
        "vacuum_analyze_s": round(analyze_s, 1),
        "rows_per_s": round(n / load_s) if load_s else None,
        "fk_triggers_skipped": skip_fk_triggers,
    }
    if verbose:
        print(json.dumps(result), flush=True)
    return result


def references_check(after_id: int) -> int:
    """New cases whose applicant, call, district or municipality does not exist (should be 0)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT count(*) FROM applications_application a
            LEFT JOIN accounts_user u ON u.id = a.applicant_id
            LEFT JOIN calls_call c ON c.id = a.call_id
            LEFT JOIN municipalities_district d ON d.id = a.district_id AND d.municipality_id = a.municipality_id
            WHERE a.id > %s AND (u.id IS NULL OR c.id IS NULL OR d.id IS NULL OR c.municipality_id <> a.municipality_id)
            """,
            [after_id],
        )
        return int(cur.fetchone()[0])


def _scalar(cur: Any, query: str) -> Any:
    row = cur.execute(query).fetchone()
    assert row is not None
    return row[0]


def analyze() -> None:
    """VACUUM (ANALYZE): fresh statistics and a visibility map, as autovacuum leaves a settled table."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) accounts_user, applications_application")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", default=bench_url(), help="default: BENCH_DATABASE_URL or daftar_bench")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--count", type=int, help="top the database up to this many bench cases")
    group.add_argument("--add", type=int, help="append this many bench cases")
    parser.add_argument("--batch", type=int, default=50_000, help="rows per COPY transaction")
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the bench database first")
    args = parser.parse_args(argv)
    database_ensure(args.database_url, fresh=args.fresh)
    boot(args.database_url)
    setup = prepare()
    have = bench_count()
    n = args.add if args.add is not None else max(0, args.count - have)
    print(f"{database_name(args.database_url)}: {have:,} bench cases, adding {n:,}", flush=True)
    if n:
        add(setup, n, batch=args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
