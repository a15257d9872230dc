"""The production-like stack of the fault-injection tests (test_faults.py, ``make test-fault``).

Everything runs in processes of its own, in a temporary directory, and is stopped by
``FaultStack.stop`` (process groups, SIGTERM then SIGKILL) even when a test fails:

- a PRIVATE PostgreSQL cluster (``initdb`` as the ``postgres`` user, trust auth, a free port,
  its socket in the temporary directory), which the tests stop and start at will; the
  machine's shared cluster is never touched;
- ``scripts/run_prod.sh`` (migrate, collectstatic when stale, demo data, gunicorn with the
  production settings) without its Celery worker (``RUN_PROD_WORKER=0``);
- a Celery worker with beat, started here in its own process group, so a test can ``kill -9``
  it and start it again (with another SMS backend);
- a private Redis database (``DAFTAR_FAULT_REDIS_URL``, default ``redis://127.0.0.1:6379/12``),
  flushed at the start.

Media, SMS file backend, spool and the licence key live in the temporary directory.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
DB_NAME = "daftar_fault"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


def pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with ``initdb`` and ``pg_ctl``, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(*cmd: str) -> list[str]:
    """Run as the ``postgres`` user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return list(cmd)


def _private_redis(url: str) -> str:
    """Database 12 of the Redis server of ``url`` (the test suite's), or of the local one."""
    from urllib.parse import urlsplit, urlunsplit

    if not url:
        return DEFAULT_REDIS
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/12", "", ""))


def _prod_secret() -> str:
    """``scripts/run_prod.sh`` always uses ``var/prod-secret-key`` (made once, as it makes it):
    the worker and the checks here use the same."""
    path = ROOT / "var" / "prod-secret-key"
    if not path.exists() or not path.read_text().strip():
        path.parent.mkdir(parents=True, exist_ok=True)
        old = os.umask(0o077)
        try:
            path.write_text(secrets.token_urlsafe(64) + "\n")
        finally:
            os.umask(old)
    return path.read_text().strip()


def _kill_group(proc: subprocess.Popen[bytes] | None, timeout: float = 20, *, group: bool = True) -> None:
    """SIGTERM (to the process group, or to its leader alone: Celery's warm shutdown stops its
    own pool), then SIGKILL to the whole group after ``timeout``."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(proc.pid, signal.SIGTERM)
            else:
                proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):  # whatever is left of the group
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in ``root`` on ``port`` (trust auth, loopback only)."""

    def __init__(self, root: Path, port: int) -> None:
        found = pg_bin()
        assert found is not None
        self.bin: Path = found
        self.root, self.port = root, port
        self.data = root / "pgdata"
        self.log = root / "postgres.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(_as_postgres(*args), capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o755)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "60",
                  "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def running(self) -> bool:
        res = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return res.returncode == 0

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB_NAME}")

    def connect(self) -> Any:
        import psycopg

        return psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/{DB_NAME}", autocommit=True)


class FaultStack:
    def __init__(self, web_workers: int = 3, web_threads: int = 4) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="daftar-fault-"))
        self.pg = PrivatePostgres(self.dir, free_port())
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.redis_url = os.environ.get("DAFTAR_FAULT_REDIS_URL") or _private_redis(os.environ.get("REDIS_URL", ""))
        self.media = self.dir / "media"
        self.sms_dir = self.dir / "sms"
        self.web_workers, self.web_threads = web_workers, web_threads
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = self.dir / "stack.log"
        self.worker_env: dict[str, str] = {}
        self.secret = _prod_secret()

    # --- environment -------------------------------------------------------------------------
    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_") and k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DATABASE_URL": self.pg.url,
                "REDIS_URL": self.redis_url,
                "PORT": str(self.port),
                "WEB_WORKERS": str(self.web_workers),
                "WEB_THREADS": str(self.web_threads),
                "RUN_PROD_WORKER": "0",
                "RUN_PROD_ACCESS_LOG": "/dev/null",
                "DAFTAR_SECRET_KEY": self.secret,
                "DAFTAR_LICENCE_SIGNING_KEY_FILE": str(self.dir / "keys" / "licence-ed25519.pem"),
                "DAFTAR_SSL_REDIRECT": "0",
                "DAFTAR_SECURE_COOKIES": "0",
                "DAFTAR_HSTS_SECONDS": "0",
                "DAFTAR_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DAFTAR_MEDIA_ROOT": str(self.media),
                "DAFTAR_SMS_BACKEND": "file",
                "DAFTAR_SMS_DIR": str(self.sms_dir),
                "DAFTAR_SPOOL_DIR": str(self.dir / "spool"),
                "DAFTAR_LOG_LEVEL": "WARNING",
                # a claimed batch whose worker was killed is sent again after this lease
                "DAFTAR_OUTBOX_LEASE_SECONDS": "20",
                "DAFTAR_OUTBOX_RETRY_SECONDS": "2",
                "DAFTAR_DB_CONN_MAX_AGE": "60",
                "PYTHONUNBUFFERED": "1",
                **more,
            }
        )
        return env

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        self.pg.init()
        self.pg.start()
        self.pg.create_database()
        (self.dir / "keys").mkdir()
        self.start_web(setup=True)
        self.start_worker()

    def start_web(self, *, setup: bool) -> None:
        env = self.env(RUN_PROD_SKIP_SETUP="0" if setup else "1")
        with self.log.open("ab") as log:
            self.web = subprocess.Popen(
                [str(ROOT / "scripts" / "run_prod.sh")], cwd=ROOT, env=env, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"the stack exited ({self.web.returncode}):\n{self.tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(self.base + "/api/v1/hello", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"the stack did not answer within 5 minutes:\n{self.tail()}")

    def start_worker(self, **more: str) -> None:
        self.worker_env = more
        with self.log.open("ab") as log:
            self.worker = subprocess.Popen(
                [CELERY, "-A", "config", "worker", "-B", "-l", "warning", "--concurrency", "2",
                 "--schedule", str(self.dir / "beat-schedule"), "--pidfile="],
                cwd=ROOT, env=self.env(**more), stdout=log, stderr=log, start_new_session=True,
            )  # fmt: skip

    def kill_worker(self) -> None:
        """``kill -9`` the whole Celery worker (main process, pool, beat) at once."""
        assert self.worker is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def stop_worker(self) -> None:
        _kill_group(self.worker, group=False)
        self.worker = None

    def web_worker_pids(self) -> list[int]:
        """gunicorn's workers: processes of the stack's session whose parent is gunicorn."""
        assert self.web is not None
        procs: dict[int, tuple[int, str]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[3]) != self.web.pid:  # session id
                    continue
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                procs[int(entry.name)] = (int(fields[1]), cmd)
        return sorted(
            pid
            for pid, (ppid, cmd) in procs.items()
            if "gunicorn" in cmd and ppid in procs and "gunicorn" in procs[ppid][1]
        )

    def kill_web_worker(self) -> int:
        pid = self.web_worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        _kill_group(self.worker, group=False)
        _kill_group(self.web, timeout=30)
        with contextlib.suppress(Exception):
            self.pg.stop("immediate")
        if os.environ.get("DAFTAR_FAULT_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # --- Django inside the stack --------------------------------------------------------------
    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env(), capture_output=True, text=True, check=check,
            timeout=300,
        )  # fmt: skip

    def python(self, code: str) -> Any:
        """Run ``code`` in a Django process of the stack; it prints one JSON line, returned."""
        script = "import django, json, sys\ndjango.setup()\n" + code
        res = subprocess.run([PY, "-c", script], cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300)
        if res.returncode != 0:
            raise RuntimeError(f"stack python failed:\n{res.stderr[-3000:]}")
        return json.loads(res.stdout.strip().splitlines()[-1])

    def seed(self, count: int) -> dict[str, Any]:
        """``count`` new applicants with complete profiles and API tokens (as ``bench/seed.py``
        makes them), the open Tehran call, its districts and the documents a submission needs."""
        return self.python(
            f"""
from daftar.accounts.models import User
from daftar.calls.models import Call
from bench.seed import Seeder
from daftar.rules.models import DocumentRequirement
seeder = Seeder()
first = User.objects.filter(mobile__startswith="099").count()
users = seeder.users(first, {count})
tokens = seeder.tokens(users)
call = Call.objects.filter(municipality__slug="tehran", licence_type__code="e-city-office").order_by("-pk")[0]
districts = list(call.districts.values_list("district_id", flat=True).order_by("district_id"))
docs = [
    {{"type": r.code, "pdf": "application/pdf" in r.accepted_types}}
    for r in DocumentRequirement.objects.filter(licence_type_id=call.licence_type_id, required=True, stage="submission")
]
print(json.dumps({{"call": call.pk, "districts": districts, "documents": docs,
    "applicants": [{{"mobile": u.mobile, "token": t}} for u, t in zip(users, tokens)]}}))
"""
        )

    def sample_files(self) -> dict[str, bytes]:
        return self.python(
            "from daftar.documents.samples import pdf_bytes, png_bytes\n"
            "print(json.dumps({'pdf': pdf_bytes().hex(), 'png': png_bytes().hex()}))"
        )


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", file=sys.stderr, flush=True)
