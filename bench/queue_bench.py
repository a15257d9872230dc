"""Benchmark: the reviewer queue at 100k and at 1M applications (PostgreSQL; issue: queue).

In one run, on one database (``daftar_bench``): load 100,000 bench cases
(``generate_applications.py``), measure, add 900,000 more, measure again. Measured for a reviewer
of Tehran, through ``selectors.queue`` exactly as the API calls it, for three variants
(``status=submitted,document_review`` sorted by age; the same sorted by deadline; the same with
``overdue=1``):

* ``page``: the first page, 25 rows with applicant and district (``list(qs[:25])``);
* ``count``: the exact filtered count the API's paginator asks for (``qs.count()``);
* ``count_capped``: a count that stops at 10,001 rows (``SELECT count(*) FROM (… LIMIT 10001)``);
* ``count_estimate``: the planner's row estimate (``EXPLAIN``), for comparison.

Each figure is the median of ``--runs`` runs after ``--warmup`` runs, interleaved, warm cache.
``queue_growth_1m_vs_100k`` is the worst variant's (page + count at 1M) / (page + count at 100k)
with the model's indexes (target ≤ 1.5). The same figures are then taken with the proposed
indexes (``PROPOSED_INDEXES``, created in daftar_bench only and dropped afterwards), and the
``EXPLAIN (ANALYZE, BUFFERS)`` plans at 1M are stored. Writes bench/results/queue.json.

Skipped (exit 0) when no PostgreSQL server answers. A database holding more than the small size
is dropped and re-created (only databases named daftar_bench…).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# This file shares its name with the standard library's ``queue`` (which psycopg and Django's
# thread pools import): keep its directory off the front of the path, last for the generator.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

import generate_applications as gen

PAGE = 25
CAP = 10_000
TARGET = 1.5
REVIEWER_MOBILE = "09129990001"
VARIANTS: dict[str, dict[str, str]] = {
    "age": {"status": "submitted,document_review", "sort": "age"},
    "deadline": {"status": "submitted,document_review", "sort": "deadline"},
    "overdue": {"status": "submitted,document_review", "overdue": "1", "sort": "age"},
}
# History: app_queue_age/app_queue_due put status between the municipality and the sort key, so
# they return rows in order for ONE status only; with status IN (two or more) PostgreSQL read
# every matching row and sorted them (1M: 2 s a page). The experiment below (``--proposed``)
# showed partial indexes without status fix it; the model now declares them (app_queue_*_any).
PROPOSED_INDEXES = {
    "bench_queue_age_any": (
        "CREATE INDEX bench_queue_age_any ON applications_application (municipality_id, submitted_at, id)"
        " WHERE NOT (status = 'draft')"
    ),
    "bench_queue_due_any": (
        "CREATE INDEX bench_queue_due_any ON applications_application (municipality_id, due_at, id)"
        " WHERE NOT (status = 'draft')"
    ),
}
KINDS = ("page", "count", "count_capped", "count_estimate")
_INDEX_RE = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)")
_SEQ_RE = re.compile(r"Seq Scan on (\w+)")


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1))  # type: ignore[union-attr]
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu_model"] = model.group(1).strip() if model else None
    except (OSError, AttributeError):
        pass
    return info


def postgres_info() -> dict[str, Any]:
    from django.db import connection

    names = [
        "shared_buffers",
        "work_mem",
        "effective_cache_size",
        "random_page_cost",
        "max_parallel_workers_per_gather",
        "jit",
    ]
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        out: dict[str, Any] = {"version": cur.fetchone()[0]}
        out["settings"] = {}
        for name in names:
            cur.execute("SELECT current_setting(%s)", [name])
            out["settings"][name] = cur.fetchone()[0]
    return out


def table_sizes() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM applications_application),"
            " pg_table_size('applications_application'), pg_indexes_size('applications_application')"
        )
        rows, heap, indexes = cur.fetchone()
    return {"applications": rows, "heap_mb": round(heap / 2**20), "indexes_mb": round(indexes / 2**20)}


def reviewer() -> Any:
    """A reviewer of Tehran (and nothing else), fetched fresh."""
    from daftar.accounts.constants import Role
    from daftar.accounts.models import User
    from daftar.accounts.services import role_grant, user_get_or_create
    from daftar.municipalities.models import Municipality

    user, _ = user_get_or_create(mobile=REVIEWER_MOBILE)
    role_grant(user=user, role=Role.REVIEWER, municipality=Municipality.objects.get(slug="tehran"), actor=None)
    return User.objects.get(pk=user.pk)


def queries(actor: Any, params: dict[str, str]) -> dict[str, Callable[[], Any]]:
    """The four queries of one variant, each returning what it found (rows or a number)."""
    from daftar.applications.selectors import queue, queue_count

    def page() -> Any:
        return len(list(queue(actor, params)[:PAGE]))

    def count() -> Any:
        return queue(actor, params).count()

    def count_capped() -> Any:
        return queue_count(queue(actor, params), CAP)[0]

    def count_estimate() -> Any:
        plan = json.loads(queue(actor, params).order_by().values("id").explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])

    return {"page": page, "count": count, "count_capped": count_capped, "count_estimate": count_estimate}


def captured(fn: Callable[[], Any]) -> tuple[str, Any]:
    """The (single) SQL statement ``fn`` runs, with its parameters."""
    from django.db import connection

    seen: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return seen[-1]


def explain(fn: Callable[[], Any]) -> str:
    from django.db import connection

    sql, params = captured(fn)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


def plan_summary(plan: str) -> dict[str, Any]:
    """The scans of an EXPLAIN ANALYZE plan (and whether it sorts), and its server-side time."""
    scans = [f"{kind} {name}" for kind, name in _INDEX_RE.findall(plan)] + [
        f"Seq Scan {name}" for name in _SEQ_RE.findall(plan)
    ]
    sort = " + Sort" if re.search(r"^\s*(->\s*)?Sort ", plan, re.MULTILINE) else ""
    executed = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {"plan": ", ".join(dict.fromkeys(scans)) + sort, "server_ms": float(executed.group(1)) if executed else None}


def measure(actor: Any, runs: int, warmup: int) -> dict[str, Any]:
    """Median milliseconds of each query of each variant (rounds interleaved), and what it found."""
    fns = {variant: queries(actor, params) for variant, params in VARIANTS.items()}
    times: dict[str, dict[str, list[float]]] = {v: {k: [] for k in KINDS} for v in VARIANTS}
    found: dict[str, dict[str, Any]] = {v: {} for v in VARIANTS}
    for round_no in range(warmup + runs):
        for variant, kinds in fns.items():
            for kind, fn in kinds.items():
                start = time.perf_counter()
                found[variant][kind] = fn()
                elapsed = (time.perf_counter() - start) * 1000
                if round_no >= warmup:
                    times[variant][kind].append(elapsed)
    out: dict[str, Any] = {}
    for variant, kinds in fns.items():
        ms = {kind: round(statistics.median(times[variant][kind]), 2) for kind in KINDS}
        out[variant] = {
            "page_ms": ms["page"],
            "count_ms": ms["count"],
            "count_capped_ms": ms["count_capped"],
            "count_estimate_ms": ms["count_estimate"],
            "page_plus_count_ms": round(ms["page"] + ms["count"], 2),
            "page_plus_capped_count_ms": round(ms["page"] + ms["count_capped"], 2),
            "rows_on_page": found[variant]["page"],
            "count": found[variant]["count"],
            "count_capped": found[variant]["count_capped"],
            "count_estimate": found[variant]["count_estimate"],
            "explain_analyze": {kind: plan_summary(explain(kinds[kind])) for kind in ("page", "count", "count_capped")},
        }
    return out


def full_plans(actor: Any) -> dict[str, dict[str, str]]:
    out = {}
    for variant, params in VARIANTS.items():
        fns = queries(actor, params)
        out[variant] = {kind: explain(fns[kind]) for kind in ("page", "count", "count_capped")}
    return out


def proposed_indexes(create: bool) -> dict[str, Any]:
    """Drop the proposed indexes and, if ``create``, build them; their build time and sizes."""
    from django.db import connection

    start = time.perf_counter()
    sizes = {}
    with connection.cursor() as cur:
        for name, ddl in PROPOSED_INDEXES.items():
            cur.execute(f"DROP INDEX IF EXISTS {name}")
            if create:
                cur.execute(ddl)
                cur.execute("SELECT pg_relation_size(%s::regclass)", [name])
                sizes[name] = round(cur.fetchone()[0] / 2**20, 1)
    return {"build_s": round(time.perf_counter() - start, 1), "size_mb": sizes}


def growth(small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    keys = {
        "page": "page_ms",
        "count": "count_ms",
        "count_capped": "count_capped_ms",
        "page_plus_count": "page_plus_count_ms",
        "page_plus_capped_count": "page_plus_capped_count_ms",
    }
    return {
        variant: {name: round(large[variant][key] / small[variant][key], 2) for name, key in keys.items()}
        for variant in VARIANTS
    }


def stage(title: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {title}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="reviewer queue benchmark (PostgreSQL)")
    parser.add_argument("--database-url", default=gen.bench_url(), help="default: BENCH_DATABASE_URL or daftar_bench")
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--proposed", action="store_true", help="also measure PROPOSED_INDEXES (an experiment)")
    args = parser.parse_args(argv)
    if args.runs < 7 or args.large <= args.small:
        parser.error("--runs must be at least 7 and --large above --small")
    gen.check_bench_url(args.database_url)
    if not gen.server_reachable(args.database_url):
        print(f"queue benchmark skipped: no PostgreSQL at {gen.database_name(args.database_url)!r}'s server")
        return 0

    from django.db import connections

    gen.database_ensure(args.database_url)
    gen.boot(args.database_url)
    setup = gen.prepare()
    if gen.bench_count() > args.small:
        stage(f"{gen.database_name(args.database_url)} holds more than {args.small:,} cases: re-creating it")
        connections.close_all()
        gen.database_ensure(args.database_url, fresh=True)
        setup = gen.prepare()
    proposed_indexes(create=False)  # leftovers of an interrupted run
    actor = reviewer()
    small, large = label(args.small), label(args.large)
    load: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    results: dict[str, dict[str, Any]] = {"model_indexes": {}, "proposed_indexes": {}}
    index_build: dict[str, Any] = {}
    plans: dict[str, Any] = {}

    def at(size: str) -> None:
        sizes[size] = table_sizes()
        stage(f"measuring at {size} ({sizes[size]['applications']:,} applications), model's indexes")
        results["model_indexes"][size] = measure(actor, args.runs, args.warmup)
        if size == large:
            plans["model_indexes"] = full_plans(actor)
        if args.proposed:
            index_build[size] = proposed_indexes(create=True)
            stage(f"measuring at {size} with the proposed indexes (built in {index_build[size]['build_s']} s)")
            results["proposed_indexes"][size] = measure(actor, args.runs, args.warmup)
            if size == large:
                plans["proposed_indexes"] = full_plans(actor)
            proposed_indexes(create=False)

    have = gen.bench_count()
    stage(f"loading {args.small - have:,} cases")
    load[small] = gen.add(setup, args.small - have) if have < args.small else {"added": 0, "reused": have}
    at(small)
    stage(f"adding {args.large - args.small:,} cases")
    load[large] = gen.add(setup, args.large - args.small)
    at(large)

    model = growth(results["model_indexes"][small], results["model_indexes"][large])
    headline = max(g["page_plus_capped_count"] for g in model.values())
    result: dict[str, Any] = {
        "benchmark": "reviewer queue: first page (25 rows) and filtered count, at two table sizes",
        "database": gen.database_name(args.database_url),
        "sizes": {"small": args.small, "large": args.large},
        "actor": "a reviewer of Tehran (Tehran holds ~90% of the cases)",
        "variants": VARIANTS,
        "page_size": PAGE,
        "count_cap": CAP,
        "runs": args.runs,
        "warmup": args.warmup,
        "queue_growth_1m_vs_100k": headline,
        "queue_growth_definition": (
            "max over variants of (page_ms + count_capped_ms) at large / at small, model's indexes;"
            " count_capped is selectors.queue_count, what the API's paginator asks for"
        ),
        "queue_growth_exact_count": max(g["page_plus_count"] for g in model.values()),
        "target_growth_max": TARGET,
        "meets_target": headline <= TARGET,
        "growth": {"model_indexes": model},
        "results": results,
        "tables": sizes,
        "load": load,
        "machine": machine(),
        "postgres": postgres_info(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if args.proposed:
        proposed = growth(results["proposed_indexes"][small], results["proposed_indexes"][large])
        result["growth"]["proposed_indexes"] = proposed
        result["proposed_indexes"] = {"ddl": PROPOSED_INDEXES, "built": index_build}
        result["queue_growth_1m_vs_100k_proposed_exact_count"] = max(g["page_plus_count"] for g in proposed.values())
        result["queue_growth_1m_vs_100k_proposed_capped_count"] = max(
            g["page_plus_capped_count"] for g in proposed.values()
        )
        result["meets_target_proposed_capped_count"] = result["queue_growth_1m_vs_100k_proposed_capped_count"] <= TARGET
    result["plans_at_large"] = plans
    out = ROOT / "bench" / "results" / "queue.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k not in ("plans_at_large", "results")}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"written: {out.relative_to(ROOT)}")
    return 0 if result["meets_target"] else 2


if __name__ == "__main__":
    sys.exit(main())
