"""Point-in-time recovery with pgBackRest (issue 20 point 7): ``make test-pitr``.

What an operator relies on, proved with the very files the stack uses (``deploy/postgres/``):
the server configured by ``postgresql.conf.d/archiving.conf`` archives its WAL through
``pgbackrest.conf`` (its paths rendered into a temporary directory), ``pitr-setup.sh`` makes the
stanza and the first full backup, and ``pitr-restore.sh`` puts the stopped cluster back to a
moment T between two commits: after a restart the first commit is there, the second is not,
and the cluster takes writes again (promoted, on a new timeline). Restoring to a moment before
the oldest backup is refused with a clear message, and nothing is changed.

The private cluster (PostgreSQL's server binaries, ``initdb`` as the ``postgres`` user, a free
loopback port, its socket in the temporary directory) is ``faultstack.PrivatePostgres``; the
machine's shared cluster is never touched. Everything is stopped and removed even on failure.

The probe is a plain table, not daftar's tables: WAL replay works below every table alike, and
running the migrations would cost most of the time budget (decision 0042). ~10-15 s.

Marked ``pitr``; part of ``make test`` (one process: the file stays in one xdist worker) when
PostgreSQL's server binaries and pgBackRest are there, skipped otherwise, unless
``DAFTAR_REQUIRE_PITR=1`` (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from .faultstack import PrivatePostgres, free_port, log, pg_bin

pytestmark = pytest.mark.pitr

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "postgres"
STANZA = "daftar"
GAP = 1.0  # seconds between commit A, the moment T and commit B (commit times are in microseconds)
ARCHIVE_WAIT = 30.0  # the switched WAL segment must reach the repository within this
PROMOTE_WAIT = 60.0  # the restored cluster must replay up to T and take writes within this


def _missing() -> str | None:
    if pg_bin() is None:
        return "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/initdb)"
    if shutil.which("pgbackrest") is None:
        return "pgBackRest (Debian: apt-get install pgbackrest)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runuser (to run PostgreSQL as the postgres user)"
    return None


def render_pgbackrest_conf(template: str, values: dict[str, str]) -> str:
    """The stack's ``pgbackrest.conf`` with ``values`` put into its ``key=value`` lines; every key
    must be in the template (a renamed setting fails here instead of being silently added)."""
    out = template
    for key, value in values.items():
        out, n = re.subn(rf"(?m)^{re.escape(key)}=.*$", f"{key}={value}", out)
        assert n == 1, f"{key}= is not (once) in deploy/postgres/pgbackrest.conf"
    return out


class ArchivingPostgres(PrivatePostgres):
    """A private cluster whose server (and its archiver) sees ``PGBACKREST_CONFIG``."""

    def __init__(self, root: Path, port: int, config: Path) -> None:
        super().__init__(root, port)
        self.env = {**os.environ, "PGBACKREST_CONFIG": str(config), "PGBACKREST_STANZA": STANZA}

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120, env=self.env)

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def script(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        """One of ``deploy/postgres/``'s scripts, run as an operator would (as root it runs itself
        again as postgres)."""
        return subprocess.run(
            [str(DEPLOY / name), *args], capture_output=True, text=True, timeout=300, env=self.env, check=False
        )


class Pitr:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="daftar-pitr-"))
        self.config = self.dir / "pgbackrest.conf"
        self.pg = ArchivingPostgres(self.dir, free_port(), self.config)

    def setup(self) -> None:
        self.pg.init()
        for sub in ("repo", "log", "lock", "conf.d"):
            (self.dir / sub).mkdir()
        values = {
            "repo1-path": str(self.dir / "repo"),
            "log-path": str(self.dir / "log"),
            "lock-path": str(self.dir / "lock"),
            "pg1-path": str(self.pg.data),
            "pg1-port": str(self.pg.port),
            "pg1-socket-path": str(self.dir),
        }
        self.config.write_text(render_pgbackrest_conf((DEPLOY / "pgbackrest.conf").read_text(), values))
        shutil.copy(DEPLOY / "postgresql.conf.d" / "archiving.conf", self.dir / "conf.d" / "archiving.conf")
        with (self.pg.data / "postgresql.conf").open("a") as f:
            f.write(f"\ninclude_dir = '{self.dir / 'conf.d'}'\n")
        if os.geteuid() == 0:
            for path in [self.dir, *self.dir.rglob("*")]:
                shutil.chown(path, "postgres", "postgres")
        self.pg.start()
        res = self.pg.script("pitr-setup.sh")
        assert res.returncode == 0, f"pitr-setup.sh failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"

    def stop(self) -> None:
        self.pg.stop("immediate")
        if os.environ.get("DAFTAR_PITR_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.pg.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="module")
def pitr() -> Iterator[Pitr]:
    missing = _missing()
    if missing:
        reason = f"needs {missing} for a private cluster archiving to pgBackRest"
        if os.environ.get("DAFTAR_REQUIRE_PITR") == "1":
            pytest.fail(f"{reason}, but DAFTAR_REQUIRE_PITR=1")
        pytest.skip(reason)
    started = time.monotonic()
    p = Pitr()
    try:
        p.setup()
        log(f"cluster archiving, stanza and full backup in {time.monotonic() - started:.1f} s ({p.dir})")
        yield p
    except BaseException:
        print(p.tail(), flush=True)
        raise
    finally:
        p.stop()


def wait_for(predicate: Callable[[], bool], timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


def test_restore_to_a_moment_between_two_writes_keeps_the_first_and_not_the_second(pitr: Pitr) -> None:
    pg = pitr.pg
    if not pg.running():
        pg.start()
    # pitr-setup.sh again (as an operator may): it checks, and takes no second full backup.
    res = pg.script("pitr-setup.sh")
    assert res.returncode == 0, res.stderr
    assert "a backup exists already" in res.stdout and res.stdout.count("full backup: ") == 1, res.stdout
    pg.sql("CREATE TABLE pitr_probe (id serial PRIMARY KEY, label text NOT NULL)")
    pg.sql("INSERT INTO pitr_probe (label) VALUES ('A')")  # autocommit: committed on return
    time.sleep(GAP)
    (moment,) = pg.sql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")[0]
    time.sleep(GAP)
    pg.sql("INSERT INTO pitr_probe (label) VALUES ('B')")
    assert [r[0] for r in pg.sql("SELECT label FROM pitr_probe ORDER BY id")] == ["A", "B"]

    # B's commit must be in the archive, else recovery could not know T was passed.
    (segment,) = pg.sql("SELECT pg_walfile_name(pg_switch_wal())")[0]
    archived = wait_for(
        lambda: (pg.sql("SELECT last_archived_wal FROM pg_stat_archiver")[0][0] or "") >= segment, ARCHIVE_WAIT
    )
    assert archived, f"WAL segment {segment} did not reach the repository within {ARCHIVE_WAIT:.0f} s"

    # A running cluster is refused, and left as it was.
    res = pg.script("pitr-restore.sh", "--target", moment)
    assert res.returncode == 1
    assert "PostgreSQL is running" in res.stderr and "nothing was changed" in res.stderr, res.stderr
    assert pg.running()

    pg.stop()
    started = time.monotonic()
    res = pg.script("pitr-restore.sh", "--target", moment)
    assert res.returncode == 0, f"pitr-restore.sh failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    assert "restored. Now start PostgreSQL" in res.stdout
    assert "take a full backup at once" in res.stdout
    pg.start()

    def promoted() -> bool:
        try:
            return pg.sql("SELECT pg_is_in_recovery()")[0][0] is False
        except Exception:  # still starting
            return False

    assert wait_for(promoted, PROMOTE_WAIT), f"the restored cluster did not open for writes:\n{pitr.tail()}"
    log(f"restored to {moment} and promoted in {time.monotonic() - started:.1f} s")

    assert [r[0] for r in pg.sql("SELECT label FROM pitr_probe ORDER BY id")] == ["A"]
    # It takes writes again, on a new timeline (the old one, with B, stays in the repository).
    pg.sql("INSERT INTO pitr_probe (label) VALUES ('C')")
    assert [r[0] for r in pg.sql("SELECT label FROM pitr_probe ORDER BY id")] == ["A", "C"]
    (timeline,) = pg.sql("SELECT timeline_id FROM pg_control_checkpoint()")[0]
    assert timeline >= 2
    assert "recovery stopping before commit" in pg.log.read_text(errors="replace")


def test_restore_to_before_the_oldest_backup_is_refused_and_changes_nothing(pitr: Pitr) -> None:
    pg = pitr.pg
    if pg.running():
        pg.stop()
    before = {p.name: p.stat().st_mtime_ns for p in pg.data.iterdir()}
    res = pg.script("pitr-restore.sh", "--target", "2000-01-01 00:00:00+00")
    assert res.returncode == 1
    assert "cannot restore to 2000-01-01 00:00:00.000000+00" in res.stderr, res.stderr
    assert "the oldest backup in the repository ended at" in res.stderr
    assert "nothing was changed" in res.stderr
    assert {p.name: p.stat().st_mtime_ns for p in pg.data.iterdir()} == before

    res = pg.script("pitr-restore.sh", "--target", "yesterday-ish")
    assert res.returncode == 1
    assert "'yesterday-ish' is not a time" in res.stderr, res.stderr
    res = pg.script("pitr-restore.sh")
    assert res.returncode == 1
    assert "to which moment?" in res.stderr, res.stderr
    assert {p.name: p.stat().st_mtime_ns for p in pg.data.iterdir()} == before
