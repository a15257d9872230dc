"""The application behind a real PgBouncer in transaction mode (issue 20, decision 0041).

Debian's ``pgbouncer`` is started on a free loopback port in front of the test database, with
its own configuration in a temporary directory (``pool_mode = transaction``, ``auth_type =
trust``, two server connections), and Django is pointed at it with ``DAFTAR_DB_POOLER``'s
settings (``pgbouncer_safe``). A case is drafted (twice with one ``Idempotency-Key``), has its
documents uploaded and is submitted through the API, which writes in transactions and appends
to the audit chain; an export streams more rows than one batch while another client holds the
server session it ran on; the audit chain is walked in batches. As a control, a server-side
cursor and a prepared statement break under the same interleaving.

The PgBouncer tests run whenever the database is PostgreSQL (``postgres`` marker) and pgbouncer is installed;
``DAFTAR_REQUIRE_PGBOUNCER=1`` (CI) turns a missing pgbouncer into a failure.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from config.settings.base import pgbouncer_safe
from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import GOOD_FACTS, client_for, open_call, staff, upload_all
from daftar.audit.models import AuditEntry
from daftar.audit.services import verify_chain

REVIEWER = "09120000002"


def _pgbouncer_binary() -> str | None:
    found = shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(p, os.X_OK)), None
    )
    if found is None and os.environ.get("DAFTAR_REQUIRE_PGBOUNCER") == "1":
        pytest.fail("pgbouncer not found but DAFTAR_REQUIRE_PGBOUNCER=1 (apt-get install pgbouncer)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Bouncer:
    port: int
    dbname: str
    user: str
    log: Path

    def connect(self, **options: Any) -> Any:
        import psycopg  # PostgreSQL only: collected on SQLite too, where the driver may be missing

        return psycopg.connect(
            host="127.0.0.1", port=self.port, dbname=self.dbname, user=self.user, autocommit=True, **options
        )

    def transactions(self) -> int:
        """The transactions PgBouncer has passed to the test database (its admin console)."""
        import psycopg  # PostgreSQL only (see connect)

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            dbname="pgbouncer",
            user=self.user,
            autocommit=True,
            cursor_factory=psycopg.ClientCursor,  # the console speaks the simple protocol only
        ) as console:
            cursor = console.execute("SHOW STATS")
            names = [c.name for c in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return sum(int(r["total_xact_count"]) for r in rows if r["database"] == self.dbname)


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Bouncer]:
    binary = _pgbouncer_binary()
    if binary is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer; CI sets DAFTAR_REQUIRE_PGBOUNCER=1)")
    with django_db_blocker.unblock():
        target = dict(connections["default"].settings_dict)
    upstream = f"host={target['HOST'] or '127.0.0.1'} port={target['PORT'] or 5432}"
    if target.get("PASSWORD"):
        upstream += f" user={target['USER']} password={target['PASSWORD']}"
    work = Path(tempfile.mkdtemp(prefix="daftar-pgbouncer-"))
    work.chmod(0o755)  # pgbouncer drops to "nobody" when started as root
    port = _free_port()
    (work / "users.txt").write_text(f'"{target["USER"]}" ""\n')
    (work / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = {upstream}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\n"
        f"admin_users = {target['USER']}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 50\n"
    )
    for path in work.iterdir():
        path.chmod(0o644)
    log = work / "pgbouncer.log"
    command = [binary, *(["-u", "nobody"] if os.geteuid() == 0 else []), str(work / "pgbouncer.ini")]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    bouncer = Bouncer(port, target["NAME"], target["USER"], log)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                pytest.fail(f"pgbouncer exited: {log.read_text()}")
            try:
                bouncer.connect().close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield bouncer
    finally:
        process.terminate()  # before the test database is dropped: it holds server connections
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def through_pgbouncer(pgbouncer: Bouncer, transactional_db: Any) -> Iterator[Bouncer]:
    """Django's connection pointed at PgBouncer with DAFTAR_DB_POOLER=pgbouncer's settings."""
    settings_dict = connections["default"].settings_dict
    saved = copy.deepcopy(settings_dict)
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(pgbouncer.port))
    pgbouncer_safe(settings_dict)
    try:
        yield pgbouncer
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)


@contextlib.contextmanager
def _holding_a_server_session(bouncer: Bouncer) -> Iterator[None]:
    """Another client in an open transaction: it takes the idle server session the previous
    statement ran on, so the next statement of our connection runs on a different one."""
    with bouncer.connect() as other:
        other.execute("BEGIN")
        other.execute("SELECT 1")
        yield
        other.execute("COMMIT")


@pytest.mark.postgres
def test_writes_exports_and_the_audit_walk_work_through_pgbouncer(through_pgbouncer, tehran_rules, settings):
    bouncer = through_pgbouncer
    before = bouncer.transactions()  # the demo (tehran_rules) was written through it too
    with connection.cursor() as cursor:  # Django really talks to PgBouncer
        cursor.execute("SHOW port")  # the server's port, not the one we dialled
        assert connection.settings_dict["PORT"] == str(bouncer.port) and cursor.fetchone()[0] != str(bouncer.port)

    applicant = client_for(User.objects.get(mobile="09120000001"))
    body = {"call": open_call().pk, "district": open_call().districts.first().district_id, "facts": GOOD_FACTS}
    first = applicant.post("/api/v1/applications", body, format="json", HTTP_IDEMPOTENCY_KEY="pgbouncer-0001")
    again = applicant.post("/api/v1/applications", body, format="json", HTTP_IDEMPOTENCY_KEY="pgbouncer-0001")
    assert first.status_code == 201 and again.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"]  # the retry got the first answer, no second case
    case_id = first.json()["id"]
    upload_all(applicant, case_id)
    submitted = applicant.post(f"/api/v1/applications/{case_id}/submit")
    assert submitted.status_code == 200, submitted.content
    assert Application.objects.get(pk=case_id).tracking_code
    for _ in range(6):
        ApplicationFactory(submitted=True)

    settings.DAFTAR_EXPORT_CHUNK_ROWS = 3
    response = staff(REVIEWER).get("/api/v1/applications/export?as=csv&status=all")
    assert response.status_code == 200 and response.streaming
    lines = iter(response.streaming_content)
    head = [next(lines) for _ in range(4)]  # the header and the first batch of 3 rows
    with _holding_a_server_session(bouncer), CaptureQueriesContext(connection) as queries:
        rest = list(lines)  # the next batches run on another server session
    rows = list(csv.reader(io.StringIO(b"".join(head + rest).decode("utf-8-sig"))))[1:]
    expected = Application.objects.exclude(status="draft").exclude(applicant__mobile=REVIEWER).count()
    assert len(rows) == expected >= 7 and str(case_id) in {r[0] for r in rows}
    assert [q for q in queries.captured_queries if "LIMIT 3" in q["sql"]]

    assert AuditEntry.objects.count() > 3
    assert verify_chain() is None  # walked in batches of 3 through PgBouncer
    assert bouncer.transactions() > before


@pytest.mark.postgres
def test_control_a_cursor_or_a_prepared_statement_breaks_under_transaction_pooling(through_pgbouncer):
    """Why the settings exist: what lives on a server session is gone when the next statement
    is given another one."""
    bouncer = through_pgbouncer
    for _ in range(5):
        UserFactory()
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False  # Django's default
    rows = User.objects.order_by("pk").iterator(chunk_size=2)  # a WITH HOLD cursor
    next(rows)
    with _holding_a_server_session(bouncer), pytest.raises(Exception, match=r"cursor .* does not exist"):
        list(rows)  # FETCH on the other session (psycopg's error escapes while Django closes it)
    connection.close()

    with bouncer.connect(prepare_threshold=0) as prepared:  # psycopg's prepares, as if left on
        prepared.execute("SELECT count(*) FROM django_migrations")
        with _holding_a_server_session(bouncer), pytest.raises(Exception, match="prepared statement"):
            prepared.execute("SELECT count(*) FROM django_migrations")


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    """The database settings a fresh process reads from ``env`` (as an operator would set them)."""
    script = (
        "import json, config.settings.base as s; d = s.DATABASES['default']; "
        "print(json.dumps([d.get('DISABLE_SERVER_SIDE_CURSORS'), d.get('OPTIONS', {}), d.get('CONN_MAX_AGE')]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DAFTAR_DB_POOLER", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_the_pooler_setting_is_explicit_and_checked():
    bouncer = "postgres://daftar@127.0.0.1:6432/daftar"
    on = _settings_with(DAFTAR_DB_POOLER="pgbouncer", DATABASE_URL=bouncer)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout) == [True, {"prepare_threshold": None}, 300]
    off = _settings_with(DATABASE_URL=bouncer)
    assert json.loads(off.stdout)[0] is None  # Django's default: server-side cursors on
    wrong = _settings_with(DAFTAR_DB_POOLER="pgpool", DATABASE_URL=bouncer)
    assert wrong.returncode != 0 and "DAFTAR_DB_POOLER must be empty or 'pgbouncer'" in wrong.stderr
    sqlite = _settings_with(DAFTAR_DB_POOLER="pgbouncer")
    assert sqlite.returncode != 0 and "needs a PostgreSQL DATABASE_URL" in sqlite.stderr
