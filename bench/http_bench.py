"""Benchmark: the production-like stack over HTTP on loopback (issue 7).

    python bench/http_bench.py                 # the full run (~10 minutes on 2 cores)
    python bench/http_bench.py --smoke         # the whole harness in tiny sizes (CI)

Starts ``scripts/run_prod.sh`` itself on its own database (``daftar_bench_http``; any other name
is refused) and Redis database 4, port 8011; waits until it answers; seeds applicants, tokens and
cases with ``bench/seed.py``; then drives load from separate processes: ``wrk`` with the
scripts in ``bench/lua/`` (bounded in connections and seconds) and, for the login spike, this
script's own asyncio client started as a child process (``--spike-client``). Figures:

* ``hello_rps`` (``GET /api/v1/hello``), ``read_rps`` (an applicant's own case with token auth),
  ``public_read_ratio_vs_hello`` (mean of the tariff table and a licence verification),
  ``write_rps`` (a new applicant's draft: audit row, outbox SMS): each the median of ``--runs``
  interleaved runs at 2× the connections where hello stops growing by more than 10%
  (saturation found by stepping 1, 2, 4, … 64 connections);
* ``p50_ms``/``p95_ms``/``p99_ms`` ``{"read", "write"}`` from the same runs (medians);
* ``spike``: N applicants at once ask for a login code (seeded captchas, each from its own
  address via ``X-Forwarded-For``, which the production settings trust from one proxy) and
  submit their complete drafts; 5xx rate, 429s with ``Retry-After``, and every 2xx checked in
  the database;
* ``worker_rss_growth_mb``: the stack restarted with one worker; its RSS (``/proc``) after 1,000
  and after 10,000 requests;
* ``page_weight_kb``: home and login with every asset (CSS ``url()`` followed), compressed;
* ``double_bookings``: trials of 50 concurrent bookings of one slot; bookings beyond the office's
  counters, counted in the database;
* ``queries_per_list_page``: in this process (``django.test.Client`` + ``CaptureQueriesContext``
  against the bench database, inside a transaction rolled back afterwards): queries of each list
  endpoint at 10 and at 1,000 rows;
* ``queries_per_page`` (issue 23, first step): the same for the HTML pages people open (finder,
  office page, tariffs, registry, public figures, hall display, the applicant's dashboard, the
  reviewer's queue, the licence register, the violations inbox, the revenue report, the office's
  dashboard, revenue and hall page), each as its person, with the status and size of each answer.

Writes bench/results/http.json (``--out``). The bench stack raises two per-address limits
through the environment (licence verification, captcha, the API's throttle backstop): wrk sends
every request from 127.0.0.1, which a real deployment would see as many addresses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

DB_NAME = "daftar_bench_http"
DEFAULT_DB = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS = "redis://127.0.0.1:6379/4"
WORKER_IDLE_LIMIT = 300.0  # seconds the spike waits at most for the worker's earlier backlog
PORT = 8011
PY = str(ROOT / ".venv" / "bin" / "python")
LUA = ROOT / "bench" / "lua"
WORK = ROOT / "var" / "bench"
STEPS = (1, 2, 4, 8, 16, 32, 64)
TARGETS = {
    "read_ratio_vs_hello": (">=", 0.3),
    "public_read_ratio_vs_hello": (">=", 0.6),
    "write_ratio_vs_hello": (">=", 0.15),
    "spike_5xx_rate": ("<", 0.01),
    "double_bookings": ("==", 0),
    "page_weight_kb": ("<=", 300),
    "worker_rss_growth_mb": ("<=", 10),
}


def _facts() -> dict:
    """The eligible applicant's facts (``daftar.demo.data``), read without setting up Django."""
    from daftar.demo.data import ELIGIBLE_FACTS

    return ELIGIBLE_FACTS


FACTS = _facts()


def stage(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {text}", flush=True)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu_model"] = model.group(1).strip() if model else None
    return info


def git_commit() -> str | None:
    """The checked-out commit, read from .git without running git."""
    head = ROOT / ".git" / "HEAD"
    with contextlib.suppress(OSError):
        ref = head.read_text().strip()
        if not ref.startswith("ref: "):
            return ref
        name = ref[5:]
        loose = ROOT / ".git" / name
        if loose.exists():
            return loose.read_text().strip()
        packed = ROOT / ".git" / "packed-refs"
        for line in packed.read_text().splitlines():
            if line.endswith(" " + name):
                return line.split()[0]
    return None


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else 0.0


# --- the stack -------------------------------------------------------------------------------


class Stack:
    """``scripts/run_prod.sh`` in its own process group, stopped with SIGTERM to that group."""

    def __init__(self, db_url: str, port: int, extra_env: dict[str, str]) -> None:
        self.db_url, self.port, self.extra_env = db_url, port, extra_env
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = WORK / "stack.log"

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}
        env.update(
            {
                "DATABASE_URL": self.db_url,
                "REDIS_URL": REDIS,
                "PORT": str(self.port),
                "RUN_PROD_ACCESS_LOG": "/dev/null",
                "DAFTAR_LOG_LEVEL": "WARNING",
                **self.extra_env,
                **more,
            }
        )
        return env

    def start(self, *, workers: int, threads: int, setup: bool, **more: str) -> None:
        env = self.env(
            WEB_WORKERS=str(workers), WEB_THREADS=str(threads), RUN_PROD_SKIP_SETUP="0" if setup else "1", **more
        )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
            raise SystemExit(f"port {self.port} is taken (a stack left running?): the benchmark would measure it")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 (this repository's script)
                [str(ROOT / "scripts" / "run_prod.sh")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.time() + 600
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the stack exited ({self.proc.returncode}); see {self.log}")
            hello = f"http://127.0.0.1:{self.port}/api/v1/hello"
            with contextlib.suppress(OSError), urllib.request.urlopen(hello, timeout=2) as r:
                if r.status == 200:
                    time.sleep(1)
                    return
            time.sleep(0.5)
        raise SystemExit("the stack did not answer within 10 minutes")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def worker_pids(self) -> list[int]:
        """Gunicorn workers of this stack: processes of its session whose parent is gunicorn."""
        assert self.proc
        sid, out = self.proc.pid, []
        procs: dict[int, tuple[int, str]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[3]) != sid:  # session id
                    continue
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                procs[int(entry.name)] = (int(fields[1]), cmd)
        for pid, (ppid, cmd) in procs.items():
            if "gunicorn" in cmd and ppid in procs and "gunicorn" in procs[ppid][1]:
                out.append(pid)
        return sorted(out)

    def seed(self, *args: str) -> None:
        """``bench/seed.py`` against the stack's database, with the stack's settings."""
        env = self.env(DJANGO_SETTINGS_MODULE="config.settings.production")
        env.update(secret_env())
        subprocess.run([PY, "bench/seed.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def secret_env() -> dict[str, str]:
    return {
        "DAFTAR_SECRET_KEY": (ROOT / "var" / "prod-secret-key").read_text().strip(),
        "DAFTAR_LICENCE_SIGNING_KEY_FILE": str(ROOT / "var" / "keys" / "licence-ed25519.pem"),
        "DAFTAR_SSL_REDIRECT": "0",
        "DAFTAR_SECURE_COOKIES": "0",
        "DAFTAR_HSTS_SECONDS": "0",
        "DAFTAR_SMS_BACKEND": "file",
    }


def database_fresh(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    server = urlunsplit((parts.scheme.replace("pgsql", "postgresql"), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))


# --- wrk ---------------------------------------------------------------------------------------


def wrk(
    base: str,
    path: str,
    script: str,
    conns: int,
    seconds: float,
    data: Path | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    threads = max(1, min(conns, os.cpu_count() or 1))
    env = {
        **os.environ,
        "BENCH_LUA_DIR": str(LUA),
        "BENCH_THREADS": str(threads),
        "BENCH_DATA": str(data or ""),
        "BENCH_BODY": str(WORK / "write_body.json"),
    }
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd += ["-s", str(LUA / script), base + path]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    result = json.loads(line[len("BENCH_JSON ") :])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["conns"] = conns
    return result


def saturation_point(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Where hello stops growing: the fewest connections that reach 90% of the highest rate
    measured (the knee of the curve: one noisy step, such as 2 connections slower than 1, neither
    ends the search early nor pushes it to the last step), and twice it as the load of the
    latency figures and the pages."""
    best = max(step["rps"] for step in steps)
    sat = next(step["conns"] for step in steps if step["rps"] >= 0.9 * best)
    return {"saturation_conns": sat, "load_conns": 2 * sat}


def write_rows(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# --- in-process Django (the bench database) ----------------------------------------------------


def django_setup(db_url: str) -> None:
    os.environ.update(secret_env())
    os.environ.update(
        {"DATABASE_URL": db_url, "REDIS_URL": REDIS, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    )
    os.environ.setdefault("DAFTAR_ALLOWED_HOSTS", "127.0.0.1,localhost")
    import django

    django.setup()


class _Rollback(Exception):
    pass


def _clones(obj: Any, n: int, **fields: Any) -> list[Any]:
    """``n`` unsaved copies of ``obj``; a field given as a callable gets ``callable(i)``."""
    import copy

    from django.db.models.base import ModelState

    from daftar.kernel.lifecycle import unlocked

    out = []
    for i in range(n):
        new = copy.copy(obj)
        new.pk = None
        new.id = None
        new._state = ModelState()
        with unlocked(new):  # bench rows are fixtures: a status is set, not moved (kernel.lifecycle)
            for name, value in fields.items():
                setattr(new, name, value(i) if callable(value) else value)
        out.append(new)
    return out


def list_queries(*, small: int, large: int) -> dict[str, Any]:
    """Queries of each list endpoint's first page at ``small`` and at ``large`` rows in scope.

    In a new municipality made for the measurement (so its scope holds exactly the rows made
    here), inside a transaction rolled back at the end; the cache is cleared before each request
    (a cached answer would hide the queries)."""
    import datetime as dt

    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from knox.models import AuthToken

    from daftar.accounts.constants import Role
    from daftar.accounts.models import User
    from daftar.accounts.services import role_grant
    from daftar.applications.models import Application
    from daftar.appointments.models import Appointment
    from daftar.calls.models import Call, CallDistrict
    from daftar.catalogue.models import Service, Tariff
    from daftar.hall.models import Ticket
    from daftar.ledger.models import Transaction
    from daftar.licences.models import Licence
    from daftar.municipalities.models import District, Municipality
    from daftar.offices.models import Office, OfficeStaff, StaffRole

    out: dict[str, Any] = {}
    pages_out: dict[str, Any] = {}
    stamp = str(int(time.time()))[-6:]
    try:
        with transaction.atomic():
            tehran = Municipality.objects.get(slug="tehran")
            muni = Municipality.objects.create(
                slug=f"bench-q-{stamp}", name="بنچ", city="بنچ", province=tehran.province
            )
            district = District.objects.create(municipality=muni, number=1, name="منطقهٔ ۱")
            call0 = Call.objects.filter(municipality=tehran).order_by("pk").first()
            app0 = Application.objects.filter(municipality=tehran).order_by("pk").first()
            licence0 = Licence.objects.order_by("pk").first()
            office0 = Office.objects.order_by("pk").first()
            tx0 = Transaction.objects.order_by("pk").first()
            tariff0 = Tariff.objects.filter(municipality=tehran).order_by("pk").first()
            service = Service.objects.filter(bookable=True, active=True).order_by("pk").first()
            if not all((call0, app0, licence0, office0, tx0, tariff0, service)):
                raise SystemExit("queries_per_list_page: the demo data is missing")
            assert call0 and app0 and licence0 and office0 and tx0 and tariff0 and service
            call = Call.objects.create(
                municipality=muni, licence_type=call0.licence_type, rule_set=call0.rule_set, title="بنچ",
                opens_at=call0.opens_at, closes_at=call0.closes_at,
            )  # fmt: skip
            CallDistrict.objects.create(call=call, district=district)
            tariff = Tariff.objects.create(municipality=muni, service=tx0.service, amount=tx0.tariff_amount,
                                           effective_from=dt.date(2000, 1, 1))  # fmt: skip
            first_user = User.objects.filter(mobile__startswith="098").count()

            def people(n: int, start: int) -> list[Any]:
                rows = User.objects.bulk_create(
                    [User(mobile=f"098{start + i:08d}", first_name="بنچ", last_name=str(i)) for i in range(n)]
                )
                return rows

            staff = people(4, first_user)
            reviewer, authority, manager, supervisor = staff
            role_grant(user=reviewer, role=Role.REVIEWER, municipality=muni, actor=None)
            role_grant(user=authority, role=Role.LICENSING_AUTHORITY, municipality=muni, actor=None)
            role_grant(user=supervisor, role=Role.SUPERVISOR, municipality=muni, actor=None)
            tokens = {u.pk: AuthToken.objects.create(user=u)[1] for u in staff}
            made = {"apps": 0}
            state: dict[str, Any] = {"office": None, "citizen": None, "next_user": first_user + 4}
            now = timezone.now()

            def grow(total: int) -> None:
                n = total - made["apps"]
                users = people(n, state["next_user"])
                state["next_user"] += n
                base = made["apps"]
                apps = Application.objects.bulk_create(_clones(
                    app0, n, call=call, applicant=lambda i: users[i], municipality=muni, district=district,
                    status="submitted", tracking_code=None, licence_number="",
                    submitted_at=lambda i: now - dt.timedelta(minutes=base + i), due_at=now + dt.timedelta(days=10),
                ))  # fmt: skip
                licences = Licence.objects.bulk_create(_clones(
                    licence0, n, number=lambda i: f"BQ{stamp}-{base + i}", application=lambda i: apps[i],
                    municipality=muni, district=district, holder=lambda i: users[i],
                ))  # fmt: skip
                offices = Office.objects.bulk_create(_clones(
                    office0, n, licence=lambda i: licences[i], municipality=muni, district=district,
                ))  # fmt: skip
                Call.objects.bulk_create(_clones(call, n - (1 if base == 0 else 0)))
                if state["office"] is None:
                    state["office"], state["citizen"], state["case"] = offices[0], users[0], apps[0]
                    OfficeStaff.objects.create(office=offices[0], user=manager, role=StaffRole.MANAGER)
                    tokens[users[0].pk] = AuthToken.objects.create(user=users[0])[1]
                Transaction.objects.bulk_create(_clones(
                    tx0, n, office=state["office"], municipality=muni, district=district, tariff=tariff,
                    payment_ref=lambda i: f"bq-{base + i}", closing=None, recorded_by=manager,
                ))  # fmt: skip
                start = now + dt.timedelta(days=400)
                Appointment.objects.bulk_create([
                    Appointment(
                        office=state["office"], service=service, citizen=state["citizen"],
                        start=start + dt.timedelta(days=base + i), end=start + dt.timedelta(days=base + i, minutes=15),
                        day=(start + dt.timedelta(days=base + i)).date(), counter=1, code=f"Q{stamp}{base + i:06d}",
                    )
                    for i in range(n)
                ])  # fmt: skip
                # the hall queue of the measured office today (issue 23: the hall display)
                today = timezone.localdate()
                Ticket.objects.bulk_create([
                    Ticket(office=state["office"], service=service, day=today, number=base + i + 1,
                           token=f"bq{stamp}{base + i:08d}", issued_at=now - dt.timedelta(seconds=n - i))
                    for i in range(n)
                ])  # fmt: skip
                made["apps"] = total

            def pages() -> dict[str, tuple[int | None, str]]:
                """The HTML pages people open (issue 23), as the signed-in person or anonymous."""
                office = state["office"]
                return {
                    "page home": (None, "/"),
                    "page licence catalogue": (None, "/licences/"),
                    "page licence page": (None, f"/licences/{call.licence_type.code}/"),
                    "page planner": (state["citizen"].pk, "/planner/"),
                    "page finder": (None, f"/offices/?district={district.pk}"),
                    "page office": (None, f"/offices/{office.pk}/"),
                    "page tariffs": (None, f"/tariffs/?municipality={muni.slug}"),
                    "page registry": (None, f"/licences/registry/?municipality={muni.slug}"),
                    "page public figures": (None, f"/figures/{muni.slug}/"),
                    "page hall display": (None, f"/offices/{office.pk}/hall/display/"),
                    "page applicant dashboard": (state["citizen"].pk, "/dashboard/"),
                    "page reviewer queue": (reviewer.pk, "/staff/queue/"),
                    "page reviewer case": (reviewer.pk, f"/applications/{state['case'].pk}/"),
                    "page applicant case": (state["citizen"].pk, f"/applications/{state['case'].pk}/"),
                    "page licence register": (authority.pk, "/desk/authority/licences/"),
                    "page violations inbox": (supervisor.pk, "/desk/supervision/violations/"),
                    "page revenue report": (supervisor.pk, f"/reports/revenue/?municipality={muni.slug}"),
                    "page office dashboard": (manager.pk, f"/offices/{office.pk}/manage/"),
                    "page office revenue": (manager.pk, f"/offices/{office.pk}/revenue/"),
                    "page office hall": (manager.pk, f"/offices/{office.pk}/hall/"),
                }

            def endpoints() -> dict[str, tuple[int | None, str]]:
                office = state["office"]
                return {
                    "GET /api/v1/applications (reviewer queue)": (reviewer.pk, "/api/v1/applications?status=submitted"),
                    "GET /api/v1/calls": (None, f"/api/v1/calls?municipality={muni.slug}"),
                    "GET /api/v1/offices": (None, f"/api/v1/offices?municipality={muni.slug}"),
                    "GET /api/v1/licences": (authority.pk, "/api/v1/licences"),
                    "GET /api/v1/offices/{id}/transactions": (manager.pk, f"/api/v1/offices/{office.pk}/transactions"),
                    "GET /api/v1/appointments (citizen)": (state["citizen"].pk, "/api/v1/appointments"),
                }

            for size in (small, large):
                grow(size)
                for name, (who, url) in endpoints().items():
                    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"} if who else {}
                    client = Client(headers={"host": "127.0.0.1"}, **headers)  # type: ignore[arg-type]
                    client.get(url)  # warm: token auto-refresh, caches of the process
                    cache.clear()
                    with CaptureQueriesContext(connection) as ctx:
                        response = client.get(url)
                    row = out.setdefault(name, {"url": url.replace(str(state["office"].pk), "{id}"), "queries": {}})
                    row["queries"][str(size)] = len(ctx.captured_queries)
                    row.setdefault("status", {})[str(size)] = response.status_code
                    body = response.json() if response.status_code == 200 else {}
                    items = body.get("results", body) if isinstance(body, dict) else body
                    row.setdefault("rows_on_page", {})[str(size)] = len(items) if isinstance(items, list) else None
                for name, (who, url) in pages().items():
                    client = Client(headers={"host": "127.0.0.1"})
                    if who is not None:
                        client.force_login(User.objects.get(pk=who))
                    client.get(url)  # warm: the session, caches of the process
                    cache.clear()
                    with CaptureQueriesContext(connection) as ctx:
                        response = client.get(url)
                    row = pages_out.setdefault(
                        name, {"url": url.replace(str(state["office"].pk), "{id}"), "queries": {}}
                    )
                    row["queries"][str(size)] = len(ctx.captured_queries)
                    row.setdefault("status", {})[str(size)] = response.status_code
                    row.setdefault("bytes", {})[str(size)] = len(response.content)
            for row in pages_out.values():
                q = row["queries"]
                row["same"] = q[str(small)] == q[str(large)]
            out["pages"] = pages_out
            for name, row in out.items():
                if name != "pages":
                    q = row["queries"]
                    row["same"] = q[str(small)] == q[str(large)]
            raise _Rollback
    except _Rollback:
        pass
    return out


# --- page weight ---------------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (
            tag == "link"
            and a.get("href")
            and (a.get("rel") or "") in ("stylesheet", "icon", "preload", "shortcut icon")
        ):
            self.urls.append(("css" if a.get("rel") == "stylesheet" else "other", a["href"] or ""))
        elif tag == "script" and a.get("src"):
            self.urls.append(("js", a["src"] or ""))
        elif tag == "img" and a.get("src") and not (a.get("src") or "").startswith("data:"):
            self.urls.append(("img", a["src"] or ""))


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip", "User-Agent": "daftar-bench"})  # noqa: S310
    with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 (http://127.0.0.1 only)
        return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}


def decoded(body: bytes, headers: dict[str, str]) -> str:
    enc = headers.get("content-encoding", "")
    if enc == "gzip":
        import gzip

        body = gzip.decompress(body)
    elif enc == "br":
        return ""  # not decodable here without brotli: CSS asked again below without br
    return body.decode("utf-8", "replace")


def page_weight(base: str, path: str) -> dict[str, Any]:
    """A first visit: the page and every asset it names (CSS url() followed), bytes on the wire."""
    status, body, headers = fetch(base + path)
    parser = _Assets()
    parser.feed(decoded(body, headers))
    seen: dict[str, dict[str, Any]] = {}
    queue = [(kind, urljoin(base + path, u)) for kind, u in parser.urls]
    while queue:
        kind, url = queue.pop(0)
        if url in seen or not url.startswith(base):
            continue
        st, data, hd = fetch(url)
        seen[url] = {"kind": kind, "bytes": len(data), "encoding": hd.get("content-encoding", ""), "status": st}
        seen[url]["cache_control"] = hd.get("cache-control", "")
        if kind == "css":
            req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
            with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 (http://127.0.0.1 only)
                css = decoded(r.read(), {k.lower(): v for k, v in r.headers.items()})
            # a face's first src is what a browser takes (woff2 first); each face once
            for face in re.findall(r"@font-face\s*{[^}]*}", css):
                first = re.search(r"url\(['\"]?([^'\")]+)['\"]?\)", face)
                if first:
                    queue.append(("font", urljoin(url, first.group(1))))
            rest = re.sub(r"@font-face\s*{[^}]*}", "", css)
            for ref in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", rest):
                if not ref.startswith("data:"):
                    queue.append(("css-asset", urljoin(url, ref)))
    by_kind: Counter[str] = Counter()
    for row in seen.values():
        by_kind[row["kind"]] += row["bytes"]
    total = len(body) + sum(r["bytes"] for r in seen.values())
    return {
        "status": status,
        "html_bytes": len(body),
        "assets": len(seen),
        "bytes_by_kind": dict(by_kind),
        "total_kb": round(total / 1024, 1),
        "files": {urlsplit(u).path: r for u, r in seen.items()},
    }


# --- plain HTTP clients (threads) for RSS and bookings ---------------------------------------------


def request_once(
    conn: Any, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def drive(port: int, requests: list[tuple[str, str, dict[str, str]]], workers: int = 4) -> Counter[int]:
    import http.client

    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    chunks = [requests[i::workers] for i in range(workers)]

    def run(chunk: list[tuple[str, str, dict[str, str]]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: Counter[int] = Counter()
        for method, path, headers in chunk:
            try:
                status, _ = request_once(conn, method, path, headers)
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            local[status] += 1
        with lock:
            statuses.update(local)

    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) / 1024, 1)  # type: ignore[union-attr]


# --- the login + submit spike (a separate process: --spike-client) ---------------------------------


async def _one(port: int, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\n\r\n"
        writer.write(head.encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    status_line, _, rest = raw.partition(b"\r\n")
    status = int(status_line.split()[1])
    hdrs = {}
    for line in rest.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        k, _, v = line.decode("latin-1").partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs


async def _applicant(
    port: int, row: dict[str, Any], index: int, go: asyncio.Event, out: list[dict[str, Any]], arrives: float = 0.0
) -> None:
    await go.wait()
    await asyncio.sleep(arrives)  # the applicant's own moment within the arrival window
    result: dict[str, Any] = {
        "mobile": row["mobile"],
        "application": row["application"],
        "arrived_s": round(arrives, 2),
    }
    address = f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"
    steps = [
        (
            "login",
            "/api/v1/auth/otp/request",
            {"Content-Type": "application/json", "X-Forwarded-For": address},
            json.dumps(
                {"mobile": row["mobile"], "captcha_key": row["captcha_key"], "captcha_value": row["captcha_value"]}
            ),
        ),
        (
            "submit",
            f"/api/v1/applications/{row['application']}/submit",
            {"Content-Type": "application/json", "Authorization": f"Bearer {row['token']}", "X-Forwarded-For": address},
            "{}",
        ),
    ]
    for name, path, headers, body in steps:
        started = time.perf_counter()
        for attempt in range(1, SPIKE_TRIES + 1):
            sent = time.perf_counter()
            try:
                status, hdrs = await asyncio.wait_for(_one(port, "POST", path, headers, body.encode()), timeout=120)
            except (OSError, TimeoutError, ValueError, IndexError) as exc:
                status, hdrs = 0, {}
                result.setdefault(name + "_error", type(exc).__name__)
            if attempt == 1:  # the first answer: what the spike did to the server
                result[name] = status
                result[name + "_retry_after"] = hdrs.get("retry-after")
                result[name + "_ms"] = round((time.perf_counter() - sent) * 1000, 1)
            result[name + "_answers_ms"] = [*result.get(name + "_answers_ms", []), (time.perf_counter() - sent) * 1000]
            result[name + "_final"] = status
            result[name + "_attempts"] = attempt
            if status != 429 or attempt == SPIKE_TRIES:
                break
            # a well-behaved client: back when told, with a little jitter
            wait = float(hdrs.get("retry-after") or 1)
            await asyncio.sleep(wait + random.random())
        result[name + "_done_ms"] = round((time.perf_counter() - started) * 1000, 1)
    # the applicant's whole wait: from their first request to the final answer to their submit
    result["done_ms"] = round(result["login_done_ms"] + result["submit_done_ms"], 1)
    out.append(result)


async def _spike(
    port: int, rows: list[dict[str, Any]], window: float = 0.0, seconds: list[float] | None = None
) -> list[dict[str, Any]]:
    """Every applicant arrives at a moment drawn uniformly from the first ``window`` seconds (0:
    all at once), logs in and submits; each one's wait is counted from their own arrival."""
    seconds = seconds if seconds is not None else [0.0]
    go = asyncio.Event()
    out: list[dict[str, Any]] = []
    moments = random.Random(23).uniform  # the same arrivals every run
    tasks = [
        asyncio.create_task(_applicant(port, row, i, go, out, moments(0, window) if window else 0.0))
        for i, row in enumerate(rows)
    ]
    await asyncio.sleep(0.2)
    go.set()
    began = time.perf_counter()
    await asyncio.gather(*tasks)
    seconds[0] = time.perf_counter() - began  # from the start signal, not the set-up before it
    return out


def _through(r: dict[str, Any]) -> bool:
    """The applicant's code request and submission both ended 2xx."""
    return all(200 <= r.get(s + "_final", r[s]) < 300 for s in ("login", "submit"))


def _percentiles(values: list[float]) -> dict[str, float] | None:
    v = sorted(values)
    if not v:
        return None
    return {"p50": round(v[len(v) // 2], 2), "p95": round(v[max(0, int(len(v) * 0.95) - 1)], 2), "max": round(v[-1], 2)}


def spike_client(argv: list[str]) -> int:
    port, src, dst = int(argv[0]), Path(argv[1]), Path(argv[2])
    window = float(argv[3]) if len(argv) > 3 else 0.0
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    rows = json.loads(src.read_text())
    seconds = [0.0]
    out = asyncio.run(_spike(port, rows, window, seconds))
    dst.write_text(json.dumps({"seconds": round(seconds[0], 2), "results": out}))
    return 0


# --- the benchmark ------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = f"http://127.0.0.1:{args.port}"
        self.stack = Stack(
            args.database_url,
            args.port,
            {
                # wrk sends everything from 127.0.0.1: per-address limits of public reads raised
                "DAFTAR_LICENCE_VERIFY_PER_ADDRESS_HOURLY": "1000000000",
                "DAFTAR_CAPTCHA_PER_ADDRESS_CEILING": "1000000000",
                "DAFTAR_CAPTCHA_CHALLENGE_AFTER": "1000000000",
                # the API's throttle backstop (issue 17) still counts every request, far from its limit
                "DAFTAR_API_ANON_RATE": "1000000000/min",
                "DAFTAR_API_USER_RATE": "1000000000/min",
            },
        )
        # Capacity is measured with the admission gate off; the spike runs on a restarted stack
        # with the gate at the production settings' budgets (or --spike-rates).
        self.gate_off = {f"DAFTAR_ADMISSION_{g}_RPS": "0" for g in ("LOGIN", "SUBMIT", "CREATE")}
        rates = {**SPIKE_RATES, **args.spike_rates}
        self.gate_on = {f"DAFTAR_ADMISSION_{g.upper()}_RPS": str(v) for g, v in rates.items()}
        self.seed: dict[str, Any] = {}
        self.writer_offset = 0
        self.result: dict[str, Any] = {}

    # seeding
    def do_seed(self) -> None:
        a = self.args
        out = WORK / "seed.json"
        self.stack.seed(
            f"--readers={a.readers}",
            f"--writers={a.writers}",
            f"--spike={a.spike + a.probe}",
            f"--bookers={a.bookers}",
            f"--out={out}",
        )
        self.seed = json.loads(out.read_text())
        body = {"call": self.seed["call"], "district": 0, "facts": FACTS}
        (WORK / "write_body.json").write_text(json.dumps(body).replace('"district": 0', '"district": %DISTRICT%'))
        write_rows(WORK / "readers.txt", [f"{r['token']} {r['application']}" for r in self.seed["readers"]])

    def writers_file(self, count: int) -> Path:
        rows = self.seed["writers"][self.writer_offset : self.writer_offset + count]
        districts = self.seed["districts"]
        lines = [f"{r['token']} {districts[i % len(districts)]}" for i, r in enumerate(rows)]
        return write_rows(WORK / "writers.txt", lines)

    def run_write(self, conns: int, seconds: float) -> dict[str, Any]:
        budget = len(self.seed["writers"]) - self.writer_offset
        path = self.writers_file(budget)
        result = wrk(self.base, "/api/v1/applications", "write.lua", conns, seconds, path)
        # each wrk thread takes every n-th row: an uneven split uses rows up to n × the busiest thread's
        threads = max(1, min(conns, os.cpu_count() or 1))
        self.writer_offset += result["requests"] * threads + conns
        result["writers_left"] = len(self.seed["writers"]) - self.writer_offset
        result["outbox_drained_s"] = self.outbox_drained()
        return result

    def run_verify(self, conns: int, seconds: float) -> dict[str, Any]:
        result = wrk(self.base, f"/api/v1/licences/{self.seed['licence_number']}/verify", "get.lua", conns, seconds)
        result["spool_flushed_s"] = self.spool_flushed()
        return result

    def spool_flushed(self, limit: float = 60.0) -> float | None:
        """Wait until the checks' log rows have left the spool for the database (each web process
        flushes its file about a second after the second it was written in), so that bulk insert
        is not counted in the next measurement. Seconds waited."""
        spool = ROOT / "var" / "spool" / "verification-log"
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            if not any(spool.glob("*.jsonl")):
                return round(time.perf_counter() - started, 1)
            time.sleep(0.25)
        return None

    def outbox_drained(self, limit: float = 120.0) -> float | None:
        """Wait until the worker has sent every draft's SMS, so the next measurement does not
        share the cores with it (the drafts' own cost is the write figure's). Seconds waited."""
        from daftar.notifications.models import OutboxMessage

        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            if not OutboxMessage.objects.filter(status="pending").exists():
                return round(time.perf_counter() - started, 1)
            time.sleep(0.5)
        return None

    # measurements
    def saturation(self) -> dict[str, Any]:
        steps = []
        for c in STEPS[: 3 if self.args.smoke else None]:
            r = wrk(self.base, "/api/v1/hello", "get.lua", c, self.args.step_seconds)
            steps.append({"conns": c, "rps": r["rps"], "p50_ms": r["p50_us"] / 1000})
            stage(f"hello at {c} connections: {r['rps']} rps")
        return {"steps": steps, **saturation_point(steps)}

    def throughput(self, conns: int, latency_conns: int) -> dict[str, Any]:
        """Each kind's throughput at ``conns`` (every server thread busy: workers × threads), the
        median of ``runs`` interleaved rounds after one unmeasured warm-up pass (its figures are
        kept as ``cold``: the first read of a case builds its cached body); then read and write
        latencies at ``latency_conns`` (2 × where hello saturates, issue 7)."""

        def kinds(c: int, seconds: float) -> dict[str, Any]:
            return {
                "hello": lambda: wrk(self.base, "/api/v1/hello", "get.lua", c, seconds),
                "read": lambda: wrk(self.base, "/api/v1/applications/0", "read.lua", c, seconds, WORK / "readers.txt"),
                "public_tariffs": lambda: wrk(self.base, "/api/v1/tariffs?municipality=tehran", "get.lua", c, seconds),
                "public_verify": lambda: self.run_verify(c, seconds),
                "write": lambda: self.run_write(c, seconds),
            }

        cold: dict[str, Any] = {}
        for kind, fn in kinds(conns, WARMUP_SECONDS).items():
            r = fn()
            cold[kind] = {"rps": r["rps"], "non_2xx": r["non_2xx_3xx"], "p99_ms": r["p99_us"] / 1000}
            stage(f"warm-up {kind}: {r['rps']} rps (not counted)")
        runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds(conns, 0)}
        for round_no in range(self.args.runs):
            for kind, fn in kinds(conns, self.args.seconds).items():
                r = fn()
                runs[kind].append(r)
                stage(
                    f"round {round_no + 1} {kind}: {r['rps']} rps, non-2xx {r['non_2xx_3xx']},"
                    f" p99 {r['p99_us'] / 1000} ms"
                )
        latency_runs: dict[str, list[dict[str, Any]]] = {"read": [], "write": []}
        for round_no in range(self.args.runs):
            for kind, fn in kinds(latency_conns, self.args.seconds / 2).items():
                if kind in latency_runs:
                    r = fn()
                    latency_runs[kind].append(r)
                    p50 = r["p50_us"] / 1000
                    stage(f"latency round {round_no + 1} {kind} at {latency_conns} connections: p50 {p50} ms")
        out: dict[str, Any] = {
            "conns": conns,
            "latency_conns": latency_conns,
            "seconds": self.args.seconds,
            "warmup_seconds": WARMUP_SECONDS,
            "cold": cold,
            "runs": runs,
            "latency_runs": latency_runs,
        }
        out["rps"] = {k: median([r["rps"] for r in v]) for k, v in runs.items()}
        out["non_2xx"] = {k: sum(r["non_2xx_3xx"] for r in v) for k, v in runs.items()}
        out["non_2xx"].update({f"{k}_latency": sum(r["non_2xx_3xx"] for r in v) for k, v in latency_runs.items()})
        out["latency_ms"] = {
            k: {p: median([r[f"{p}_us"] / 1000 for r in v]) for p in ("p50", "p95", "p99")}
            for k, v in latency_runs.items()
        }
        out["latency_ms_at_full_concurrency"] = {
            k: {p: median([r[f"{p}_us"] / 1000 for r in v]) for p in ("p50", "p95", "p99")} for k, v in runs.items()
        }
        return out

    def _applicants(self, rows: list[dict[str, Any]], window: float) -> dict[str, Any]:
        """``rows`` log in (each with a fresh captcha, as ``GET /api/v1/auth/captcha`` would make
        it) and submit, from the asyncio client, arriving over ``window`` seconds."""
        cap_file = WORK / "captchas.json"
        self.stack.seed(f"--captchas={len(rows)}", f"--out={cap_file}")
        captchas = json.loads(cap_file.read_text())["captchas"]
        rows = [
            {**row, "captcha_key": c["key"], "captcha_value": c["value"]} for row, c in zip(rows, captchas, strict=True)
        ]
        src, dst = WORK / "spike_in.json", WORK / "spike_out.json"
        src.write_text(json.dumps(rows))
        client = [PY, __file__, "--spike-client", str(self.args.port), str(src), str(dst), str(window)]
        subprocess.run(client, check=True)  # noqa: S603
        return json.loads(dst.read_text())  # type: ignore[no-any-return]

    def worker_idle(self, limit: float = WORKER_IDLE_LIMIT) -> dict[str, Any]:
        """Wait (at most ``limit`` seconds) until the worker has nothing queued nor running: the
        inquiries and messages of the parts before, which would otherwise take cores from the
        applicants measured next. A call opens on a working day, not in the middle of another
        crowd's backlog; the wait and what was left are recorded."""
        import redis  # a bench dependency, imported where used (as in ``run``)

        client = redis.Redis.from_url(REDIS)

        def backlog() -> int:
            return int(client.llen("celery")) + int(client.hlen("unacked"))

        began, first = time.monotonic(), backlog()
        left = first
        while left and time.monotonic() - began < limit:
            time.sleep(1.0)
            left = backlog()
        return {"queued_at_start": first, "waited_s": round(time.monotonic() - began, 1), "left": left}

    def capacity(self) -> dict[str, Any]:
        """Issue 23: the admission budgets sized from measured capacity. With the gate off,
        ``--probe`` applicants log in and submit all at once; every core is busy until the last
        answer, so applicants a second = probe ÷ that time, and each of the login and submit
        budgets is ``SPIKE_BUDGET_SHARE`` of it (headroom for the worker sending their SMS and
        for answering the 429s)."""
        rows = self.seed["spike"][: self.args.probe]
        data = self._applicants(rows, 0.0)
        ok = [r for r in data["results"] if 200 <= r.get("submit_final", r["submit"]) < 300]
        rate = len(ok) / data["seconds"] if data["seconds"] else 0.0
        budget = max(1.0, round(rate * SPIKE_BUDGET_SHARE, 1))
        return {
            "applicants": len(rows),
            "completed": len(ok),
            "seconds": data["seconds"],
            "applicants_per_s": round(rate, 2),
            "share": SPIKE_BUDGET_SHARE,
            "budgets": {"login": budget, "submit": budget},
        }

    def spike(self) -> dict[str, Any]:
        rows = self.seed["spike"][self.args.probe :]
        n = len(rows)
        data = self._applicants(rows, self.args.spike_window)
        results = data["results"]
        statuses = {s: Counter(str(r[s]) for r in results) for s in ("login", "submit")}
        # every answer counts: the retries too (a retry goes on only after a 429, so a 5xx or a
        # connection error can only be an answer's final one)
        total = sum(r.get(s + "_attempts", 1) for r in results for s in ("login", "submit"))
        last = [str(r.get(s + "_final", r[s])) for r in results for s in ("login", "submit")]
        fivexx = sum(1 for x in last if x.startswith("5"))
        errors = sum(1 for x in last if x == "0")
        r429 = [(r, s) for r in results for s in ("login", "submit") if r[s] == 429]
        # nothing lost: every 2xx has its row
        from django.utils import timezone

        from daftar.accounts.models import OneTimeCode
        from daftar.applications.models import Application

        ok_submit = [r["application"] for r in results if 200 <= r.get("submit_final", r["submit"]) < 300]
        submitted = set(
            Application.objects.filter(pk__in=ok_submit).exclude(status="draft").values_list("pk", flat=True)
        )
        ok_login = [r["mobile"] for r in results if 200 <= r.get("login_final", r["login"]) < 300]
        since = timezone.now() - dt.timedelta(minutes=30)
        coded = set(
            OneTimeCode.objects.filter(mobile__in=ok_login, created_at__gte=since).values_list("mobile", flat=True)
        )
        lat = {
            s: sorted(ms for r in results for ms in r.get(s + "_answers_ms", [r[s + "_ms"]]))
            for s in ("login", "submit")
        }
        finals = {s: Counter(str(r.get(s + "_final", r[s])) for r in results) for s in ("login", "submit")}
        done = {s: sorted(r.get(s + "_done_ms", r[s + "_ms"]) for r in results) for s in ("login", "submit")}
        tries = {s: Counter(r.get(s + "_attempts", 1) for r in results) for s in ("login", "submit")}
        # no 5xx here can still mean a failure in front of a proxy that gives up after 30/60 s
        slow = {f"over_{t}s": sum(1 for v in lat.values() for ms in v if ms > t * 1000) for t in (10, 30, 60)}
        return {
            "applicants": n,
            "arrival_window_s": self.args.spike_window,
            "requests": total,
            "seconds": data["seconds"],
            "statuses": {k: dict(v) for k, v in statuses.items()},
            "http_5xx": fivexx,
            "connection_errors": errors,
            "spike_5xx_rate": round((fivexx + errors) / total, 4) if total else 0.0,
            "answered_429": len(r429),
            "answered_429_with_retry_after": sum(1 for r, s in r429 if r.get(s + "_retry_after")),
            "submit_2xx": len(ok_submit),
            "submit_2xx_without_row": len(set(ok_submit) - submitted),
            "login_2xx": len(ok_login),
            "login_2xx_without_code_row": len(set(ok_login) - coded),
            "lost": len(set(ok_submit) - submitted) + len(set(ok_login) - coded),
            "requests_slower_than": slow,
            "final_statuses": {k: dict(v) for k, v in finals.items()},
            "attempts": {k: dict(sorted(v.items())) for k, v in tries.items()},
            "retry_policy": f"429 retried after Retry-After + up to 1 s of jitter, {SPIKE_TRIES} tries at most",
            # only those who got through: a wait that ended in a refusal or an error is no wait done
            "time_to_done_s": _percentiles([r["done_ms"] / 1000 for r in results if _through(r)]),
            "not_through": sum(1 for r in results if not _through(r)),
            "time_to_final_answer_ms": {
                s: {"p50": v[len(v) // 2], "p95": v[int(len(v) * 0.95) - 1], "max": v[-1]} for s, v in done.items() if v
            },
            "latency_ms": {
                s: {"p50": v[len(v) // 2], "p95": v[int(len(v) * 0.95) - 1], "max": v[-1]} for s, v in lat.items() if v
            },
        }

    def bookings(self) -> dict[str, Any]:
        import datetime as dt
        import http.client

        from daftar.appointments.models import Appointment
        from daftar.offices.models import Office, OfficeService

        trials, per = self.args.booking_trials, self.args.booking_concurrency
        bookers = self.seed["bookers"]
        office = Office.objects.filter(active=True).order_by("-counters", "pk").first()
        if office is None:
            return {"skipped": "no office"}
        codes = list(
            OfficeService.objects.filter(office=office, service__bookable=True, service__active=True).values_list(
                "service__code", flat=True
            )
        )
        slots: list[tuple[str, dict[str, Any]]] = []
        day = dt.date.today() + dt.timedelta(days=1)
        while len(slots) < trials and day < dt.date.today() + dt.timedelta(days=14) and codes:
            for code in codes:
                with contextlib.suppress(OSError, ValueError):
                    url = f"{self.base}/api/v1/offices/{office.pk}/slots?date={day.isoformat()}&service={code}"
                    with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 (http://127.0.0.1 only)
                        free = [s for s in json.loads(r.read()) if s.get("free") == s.get("capacity") and s["free"] > 0]
                    taken = {s["start"] for _, s in slots}
                    for s in free[::7]:
                        if len(slots) < trials and s["start"] not in taken:
                            slots.append((code, s))
                if len(slots) >= trials:
                    break
            day += dt.timedelta(days=1)
        out: list[dict[str, Any]] = []
        used = 0
        for code, slot in slots:
            tokens = bookers[used : used + per]
            used += per
            statuses: Counter[int] = Counter()
            barrier = threading.Barrier(len(tokens))
            lock = threading.Lock()
            body = json.dumps({"office": office.pk, "service": code, "start": slot["start"]}).encode()

            def book(
                token: str,
                body: bytes = body,
                barrier: threading.Barrier = barrier,
                lock: threading.Lock = lock,
                statuses: Counter[int] = statuses,
            ) -> None:
                conn = http.client.HTTPConnection("127.0.0.1", self.args.port, timeout=60)
                conn.connect()
                barrier.wait()
                try:
                    status, _ = request_once(
                        conn,
                        "POST",
                        "/api/v1/appointments",
                        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                        body,
                    )
                except OSError:
                    status = 0
                with lock:
                    statuses[status] += 1

            threads = [threading.Thread(target=book, args=(t["token"],)) for t in tokens]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            start = dt.datetime.fromisoformat(slot["start"])
            end = dt.datetime.fromisoformat(slot["end"])
            live = Appointment.objects.filter(office=office, start__lt=end, end__gt=start).exclude(status="cancelled")
            rows = list(live.values_list("counter", flat=True))
            same_counter = sum(n - 1 for n in Counter(rows).values() if n > 1)
            out.append(
                {
                    "slot": slot["start"],
                    "service": code,
                    "capacity": office.counters,
                    "requests": len(tokens),
                    "statuses": dict(statuses),
                    "booked_in_db": len(rows),
                    "beyond_capacity": max(0, len(rows) - office.counters),
                    "same_counter_overlaps": same_counter,
                }
            )
            stage(f"booking trial {slot['start']}: {dict(statuses)}, in db {len(rows)} / {office.counters}")
        return {
            "office": office.pk,
            "counters": office.counters,
            "trials": out,
            "double_bookings": sum(t["beyond_capacity"] + t["same_counter_overlaps"] for t in out),
        }

    def rss(self) -> dict[str, Any]:
        self.stack.stop()
        self.stack.start(workers=1, threads=self.args.rss_threads, setup=False)
        pids = self.stack.worker_pids()
        if len(pids) != 1:
            return {"skipped": f"expected one worker, found {pids}"}
        pid = pids[0]
        readers = self.seed["readers"]
        verify = f"/api/v1/licences/{self.seed['licence_number']}/verify"

        def batch(n: int, offset: int) -> list[tuple[str, str, dict[str, str]]]:
            reqs = []
            for i in range(offset, offset + n):
                r = readers[i % len(readers)]
                kind = i % 4
                if kind == 0:
                    reqs.append(
                        ("GET", f"/api/v1/applications/{r['application']}", {"Authorization": f"Bearer {r['token']}"})
                    )
                elif kind == 1:
                    reqs.append(("GET", "/api/v1/tariffs?municipality=tehran", {}))
                elif kind == 2:
                    reqs.append(("GET", verify, {}))
                else:
                    reqs.append(("GET", "/api/v1/hello", {}))
            return reqs

        first, total = self.args.rss_first, self.args.rss_total
        before = rss_mb(pid)
        s1 = drive(self.args.port, batch(first, 0))
        at_first = rss_mb(pid)
        s2 = drive(self.args.port, batch(total - first, first))
        at_total = rss_mb(pid)
        return {
            "worker_pid": pid,
            "threads": self.args.rss_threads,
            "mix": "1/4 each: own case (token), tariff table, licence verification, hello",
            "rss_mb_at_start": before,
            f"rss_mb_after_{first}": at_first,
            f"rss_mb_after_{total}": at_total,
            "statuses": {str(k): v for k, v in (s1 + s2).items()},
            "worker_rss_growth_mb": round(at_total - at_first, 1),
        }

    def read_profile(self) -> dict[str, Any]:
        """cProfile of the read endpoint in this process (django.test.Client, same database)."""
        from django.test import Client

        r = self.seed["readers"][0]
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {r['token']}")
        url = f"/api/v1/applications/{r['application']}"
        assert client.get(url).status_code == 200
        prof = cProfile.Profile()
        n = self.args.profile_requests
        started = time.perf_counter()
        prof.enable()
        for _ in range(n):
            client.get(url)
        prof.disable()
        per_ms = (time.perf_counter() - started) * 1000 / n
        stats = pstats.Stats(prof, stream=io.StringIO())
        site = str(ROOT / ".venv/lib/python3.11/site-packages") + "/"
        rows = []
        for (file, line, func), (_cc, _nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            short = file.replace(site, "").replace(str(ROOT) + "/", "")
            rows.append(
                {
                    "function": f"{short}:{line}({func})",
                    "cumulative_ms_per_request": round(ct * 1000 / n, 3),
                    "own_ms_per_request": round(tt * 1000 / n, 3),
                }
            )
        top = sorted(rows, key=lambda r: -r["cumulative_ms_per_request"])[:60]
        own = sorted(rows, key=lambda r: -r["own_ms_per_request"])[:25]
        ours = [r for r in top if r["function"].startswith("daftar/")]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return {
            "requests": n,
            "ms_per_request_in_process_profiled": round(per_ms, 2),
            "queries": len(ctx.captured_queries),
            "sql": [q["sql"][:300] for q in ctx.captured_queries],
            "top_cumulative": top,
            "top_own_time": own,
            "daftar_cumulative": ours,
        }

    def queries(self) -> dict[str, Any]:
        return list_queries(small=10, large=self.args.list_rows)

    def page_targets(self) -> dict[str, tuple[str, str | None]]:
        """Issue 23's pages on the demo's data: name → (path, session cookie or None). The
        signed-in ones get a session made in this process for the demo person who opens them."""
        from django.conf import settings
        from django.test import Client

        from daftar.accounts.models import User
        from daftar.applications.models import Application
        from daftar.licences.models import Licence
        from daftar.offices.models import Office
        from daftar.rules.models import LicenceType

        office = Office.objects.filter(staff__user__mobile="09120000008").order_by("pk").first()
        licence = Licence.objects.filter(status="active").order_by("pk").first()
        licence_type = LicenceType.objects.filter(is_active=True).order_by("pk").first()
        # a case in Tehran's review, as the demo reviewer opens it
        in_review = (
            Application.objects.filter(municipality__slug="tehran", status__in=("submitted", "document_review"))
            .order_by("pk")
            .first()
        )
        # a demo applicant's case (the bench's own applicants have 099… mobiles)
        case = (
            Application.objects.exclude(applicant__mobile__startswith="099")
            .select_related("applicant")
            .order_by("pk")
            .first()
        )
        if office is None or licence is None or case is None or licence_type is None or in_review is None:
            raise SystemExit("pages: the demo data is missing")

        def session(mobile: str) -> str:
            client = Client()
            client.force_login(User.objects.get(mobile=mobile), backend="django.contrib.auth.backends.ModelBackend")
            return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

        applicant, reviewer, authority, supervisor, manager = (
            session(m) for m in (case.applicant.mobile, "09120000002", "09120000005", "09120000006", "09120000008")
        )
        return {
            "home": ("/", None),
            "finder": ("/offices/", None),
            "office page": (f"/offices/{office.pk}/", None),
            "tariffs": ("/tariffs/", None),
            "verification result": (f"/licences/verify/{licence.number}/", None),
            "registry": ("/licences/registry/", None),
            "public figures": ("/figures/tehran/", None),
            "hall display": (f"/offices/{office.pk}/hall/display/", None),
            "licence catalogue": ("/licences/", None),
            "licence page": (f"/licences/{licence_type.code}/", None),
            "applicant dashboard": ("/dashboard/", applicant),
            "applicant case": (f"/applications/{case.pk}/", applicant),
            "reviewer queue": ("/staff/queue/", reviewer),
            "reviewer case": (f"/applications/{in_review.pk}/", reviewer),
            "licence register": ("/desk/authority/licences/", authority),
            "violations inbox": ("/desk/supervision/violations/", supervisor),
            "revenue report": ("/reports/revenue/", supervisor),
            "office dashboard": (f"/offices/{office.pk}/manage/", manager),
            "office revenue": (f"/offices/{office.pk}/revenue/", manager),
            "planner": ("/planner/", applicant),
        }

    def pages(self, conns: int) -> dict[str, Any]:
        """Issue 23, first measure: each page's requests a second as a ratio to hello measured
        in the same run (hello before and after the pages, their mean), and its p95 at ``conns``
        (2 × where hello saturates). On the demo's data, not yet at national scale."""
        seconds = self.args.seconds
        before = wrk(self.base, "/api/v1/hello", "get.lua", conns, seconds)
        rows: dict[str, Any] = {}
        for name, (path, cookie) in self.page_targets().items():
            headers = {"Cookie": cookie} if cookie else None
            wrk(self.base, path, "get.lua", conns, WARMUP_SECONDS, headers=headers)
            kept_before = page_generations()
            r = wrk(self.base, path, "get.lua", conns, seconds, headers=headers)
            kept_after = page_generations()
            rows[name] = {
                "path": path,
                "signed_in": cookie is not None,
                "rps": r["rps"],
                "p95_ms": round(r["p95_us"] / 1000, 1),
                "non_2xx": r["non_2xx_3xx"],
                # what moved on while it was measured (the sweeps, in this run): a page depending
                # on one of these was built again
                "generations_moved": sorted(k for k, v in kept_after.items() if kept_before.get(k, v) != v),
            }
            stage(f"page {name}: {r['rps']} rps, p95 {rows[name]['p95_ms']} ms, non-2xx {r['non_2xx_3xx']}")
        after = wrk(self.base, "/api/v1/hello", "get.lua", conns, seconds)
        hello = (before["rps"] + after["rps"]) / 2 or 1
        for row in rows.values():
            row["ratio_vs_hello"] = round(row["rps"] / hello, 3)
        public = [r["ratio_vs_hello"] for r in rows.values() if not r["signed_in"]]
        signed = [r["ratio_vs_hello"] for r in rows.values() if r["signed_in"]]
        return {
            "conns": conns,
            "hello_rps": round(hello, 1),
            "pages": rows,
            "public_pages_ratio_min": min(public) if public else None,
            "signed_in_pages_ratio_min": min(signed) if signed else None,
            "pages_p95_max_ms": max(r["p95_ms"] for r in rows.values()) if rows else None,
        }

    # the run
    def run(self) -> dict[str, Any]:
        a = self.args
        WORK.mkdir(parents=True, exist_ok=True)
        if a.fresh:
            stage(f"dropping {DB_NAME}")
            database_fresh(a.database_url)
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        started = time.perf_counter()
        stage(f"starting the stack ({a.workers} workers × {a.threads} threads) on {DB_NAME}")
        self.stack.start(workers=a.workers, threads=a.threads, setup=True, **self.gate_off)
        try:
            if a.national:
                stage("national-scale data (bench/generate_national.py; a no-op once loaded)")
                began = time.perf_counter()
                subprocess.run(  # noqa: S603 (this repository's script)
                    [PY, "bench/generate_national.py", f"--database-url={a.database_url}", f"--scale={a.national}"],
                    cwd=ROOT,
                    check=True,
                )
                res_national = {"scale": a.national, "seconds": round(time.perf_counter() - began, 1)}
                # its rows went in by COPY, behind the page cache's signals: nothing kept survives them
                redis.Redis.from_url(REDIS).flushdb()
            else:
                res_national = {"scale": 0, "note": "the demo's data only"}
            stage("seeding")
            self.do_seed()
            django_setup(a.database_url)
            res: dict[str, Any] = {"national": res_national}
            want = a.parts
            if want & {"saturation", "throughput"}:
                stage("saturation of hello")
                res["saturation"] = self.saturation()
            if "throughput" in want:
                conns = a.workers * a.threads
                latency_conns = res["saturation"]["load_conns"]
                stage(f"throughput at {conns} connections, {a.runs} rounds of {a.seconds} s")
                res["throughput"] = self.throughput(conns, latency_conns)
            if "pages" in want:
                if "saturation" not in res:
                    res["saturation"] = self.saturation()
                conns = res["saturation"]["load_conns"]
                stage("waiting for the worker's backlog of the parts before")
                idle = self.worker_idle()
                stage(f"pages at {conns} connections (issue 23)")
                res["pages"] = {**self.pages(conns), "worker_before": idle}
            if "page_weight" in want:
                stage("page weight")
                res["page_weight"] = {
                    name: page_weight(self.base, path) for name, path in (("home", "/"), ("login", "/login/"))
                }
            if "bookings" in want:
                stage("booking contention")
                res["bookings"] = self.bookings()
            if "read_profile" in want:
                stage("profile of the read endpoint (in process)")
                res["read_profile"] = self.read_profile()
            if "queries" in want:
                stage("queries per list page (in process)")
                res["queries_per_list_page"] = self.queries()
                res["queries_per_page"] = res["queries_per_list_page"].pop("pages")
            if "rss" in want:
                stage("worker memory (one worker)")
                res["rss"] = self.rss()
            if "spike" in want:
                if not a.spike_rates:  # sized from what this machine was measured to process
                    stage("waiting for the worker's backlog of the parts before")
                    idle = self.worker_idle()
                    stage(f"capacity for the spike: {a.probe} applicants at once, the gate off")
                    res["spike_capacity"] = {**self.capacity(), "worker_before": idle}
                    budgets = res["spike_capacity"]["budgets"]
                    self.gate_on.update({f"DAFTAR_ADMISSION_{g.upper()}_RPS": str(v) for g, v in budgets.items()})
                gate = ", ".join(f"{k}={v}" for k, v in self.gate_on.items())
                stage(f"restarting the stack with the admission gate on ({gate})")
                self.stack.stop()
                self.stack.start(workers=a.workers, threads=a.threads, setup=False, **self.gate_on)
                stage("waiting for the worker's backlog of the probe")
                idle = self.worker_idle()
                stage(f"login + submit spike: {a.spike} applicants within {a.spike_window:g} s")
                res["spike"] = {**self.spike(), "worker_before": idle}
                res["spike"]["admission_env"] = self.gate_on
        finally:
            self.stack.stop()
        res["seconds"] = round(time.perf_counter() - started, 1)
        return res


def page_generations() -> dict[str, Any]:
    """The page cache's generations in the stack's Redis (``runtime.pagecache``): name → value."""
    import redis  # a bench dependency, imported where used (as in ``run``)

    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match="*page:g:*", count=1000))
    values = client.mget(keys) if keys else []
    return {k.decode().split("page:g:", 1)[1]: v for k, v in zip(keys, values, strict=True) if v is not None}


def headline(res: dict[str, Any]) -> dict[str, Any]:
    """The summary keys of issue 7 from the parts that ran (a part left out gives None)."""
    out: dict[str, Any] = {}
    if "throughput" in res:
        rps = res["throughput"]["rps"]
        hello = rps["hello"] or 1
        lat = res["throughput"]["latency_ms"]
        out.update(
            {
                "hello_rps": rps["hello"],
                "read_rps": rps["read"],
                "read_ratio_vs_hello": round(rps["read"] / hello, 3),
                "public_read_ratio_vs_hello": round((rps["public_tariffs"] + rps["public_verify"]) / 2 / hello, 3),
                "public_read_rps": {"tariffs": rps["public_tariffs"], "verify": rps["public_verify"]},
                "write_rps": rps["write"],
                "write_ratio_vs_hello": round(rps["write"] / hello, 3),
                "p50_ms": {"read": lat["read"]["p50"], "write": lat["write"]["p50"]},
                "p95_ms": {"read": lat["read"]["p95"], "write": lat["write"]["p95"]},
                "p99_ms": {"read": lat["read"]["p99"], "write": lat["write"]["p99"]},
                "throughput_conns": res["throughput"]["conns"],
                "latency_conns": res["throughput"]["latency_conns"],
            }
        )
    if "spike" in res:
        out["spike_5xx_rate"] = res["spike"]["spike_5xx_rate"]
        done = res["spike"].get("time_to_done_s") or {}
        out["spike_time_to_done_p95_s"] = done.get("p95")
    if "bookings" in res:
        out["double_bookings"] = res["bookings"].get("double_bookings")
    if "queries_per_list_page" in res:
        out["queries_per_list_page"] = {k: v["queries"] for k, v in res["queries_per_list_page"].items()}
    if "pages" in res:
        for key in ("public_pages_ratio_min", "signed_in_pages_ratio_min", "pages_p95_max_ms"):
            out[key] = res["pages"][key]
    if "queries_per_page" in res:
        out["queries_per_page"] = {k: v["queries"] for k, v in res["queries_per_page"].items()}
    if "page_weight" in res:
        pw = res["page_weight"]
        out["page_weight_kb"] = max(p["total_kb"] for p in pw.values())
        out["page_weight_kb_by_page"] = {k: p["total_kb"] for k, p in pw.items()}
    if "rss" in res:
        out["worker_rss_growth_mb"] = res["rss"].get("worker_rss_growth_mb")
    return out


WARMUP_SECONDS = 2.0
# The admission budgets of the spike (requests per second, whole stack): login and submit are
# replaced by the capacity probe's (``Bench.capacity``: a budget above capacity never sheds, one
# far below it makes people wait for nothing); --spike-rates sets them instead.
SPIKE_RATES = {"login": 30.0, "submit": 15.0, "create": 60.0}
SPIKE_TRIES = 8  # a spike client retries a 429 after its Retry-After, up to this many tries
SPIKE_BUDGET_SHARE = 0.8  # of the measured applicants a second, for each of login and submit
PARTS = ("saturation", "throughput", "pages", "page_weight", "bookings", "spike", "read_profile", "queries", "rss")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--spike-client":
        return spike_client(argv[1:])
    p = argparse.ArgumentParser(description="HTTP benchmark of the production-like stack (issue 7)")
    p.add_argument("--database-url", default=os.environ.get("BENCH_HTTP_DATABASE_URL", DEFAULT_DB))
    p.add_argument("--port", type=int, default=PORT)
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, not the figures")
    p.add_argument("--fresh", action="store_true", help="drop daftar_bench_http first")
    p.add_argument(
        "--out", default=None, help="default bench/results/http.json (var/bench/http-partial.json for --parts)"
    )
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores + 1)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="comma-separated parts to run (a quick look while tuning; the report wants them all): " + ",".join(PARTS),
    )
    p.add_argument(
        "--spike-rates",
        default="",
        help="admission budgets for the spike, e.g. login=60,submit=40 (default: sized from a capacity probe)",
    )
    p.add_argument(
        "--national",
        type=float,
        default=None,
        help="scale of the national data loaded first (default 1.0: 30 municipalities, 2,000 offices, 1M cases,"
        " 10M transactions, 100k appointments; 0 for the demo's data only; smoke: 0)",
    )
    p.add_argument(
        "--spike-window",
        type=float,
        default=None,
        help="seconds over which the spike's applicants arrive, uniformly (default 60, smoke 2; 0: all at once)",
    )
    p.add_argument("--runs", type=int, default=None, help="rounds of each throughput figure (default 3)")
    p.add_argument("--seconds", type=float, default=None, help="seconds of each wrk run (default 10)")
    a = p.parse_args(argv)
    if urlsplit(a.database_url).path.lstrip("/") != DB_NAME:
        raise SystemExit(f"refusing {a.database_url!r}: the HTTP benchmark uses only the database {DB_NAME}")
    cores = os.cpu_count() or 2
    a.workers = a.workers or 2 * cores + 1
    sizes = dict(  # noqa: C408
        runs=3,
        seconds=10.0,
        step_seconds=4.0,
        readers=200,
        writers=30000,
        spike=1000,
        probe=200,
        bookers=250,
        booking_trials=5,
        booking_concurrency=50,
        rss_first=1000,
        rss_total=10000,
        rss_threads=a.threads,
        list_rows=10000,
        profile_requests=300,
    )
    if a.smoke:
        sizes.update(
            runs=1, seconds=1.0, step_seconds=1.0, readers=20, writers=3000, spike=50, probe=20, bookers=20,
            booking_trials=2, booking_concurrency=10, rss_first=100, rss_total=300, list_rows=30, profile_requests=20,
        )  # fmt: skip
    if a.spike_window is None:
        a.spike_window = 2.0 if a.smoke else 60.0
    if a.national is None:
        a.national = 0.0 if a.smoke else 1.0
    for k in ("runs", "seconds"):
        if getattr(a, k) is not None:
            sizes[k] = getattr(a, k)
    for k, v in sizes.items():
        setattr(a, k, v)
    a.spike_rates = {
        k.strip(): float(v) for k, _, v in (item.partition("=") for item in a.spike_rates.split(",") if item.strip())
    }
    a.parts = {part.strip() for part in a.parts.split(",") if part.strip()}
    unknown = a.parts - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))}")
    if a.out is None:  # a partial run never overwrites the report's input
        partial = a.parts != set(PARTS)
        a.out = (
            str(ROOT / "var" / "bench" / "http-partial.json")
            if partial
            else str(ROOT / "bench" / "results" / "http.json")
        )
    res = Bench(a).run()
    out = {
        "benchmark": "HTTP: the production-like stack (scripts/run_prod.sh) on loopback; load from wrk and asyncio",
        "smoke": a.smoke,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "git_commit": git_commit(),
        "machine": machine(),
        "stack": {"workers": a.workers, "threads": a.threads, "database": DB_NAME, "redis": REDIS, "port": a.port},
        "sizes": sizes,
        "targets": {k: {"op": op, "value": v} for k, (op, v) in TARGETS.items()},
        **headline(res),
        "details": res,
    }
    path = Path(a.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "details"}, indent=2, ensure_ascii=False, default=str))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
