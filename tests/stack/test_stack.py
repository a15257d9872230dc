"""The compose stack, tested from outside as an operator and a citizen meet it (issue 20 §2).

Run by ``make stack-test``, which starts its own stack (project ``daftar-test``, ports and
secrets in var/stack-test/stack.env, demo data loaded), runs these tests and removes the stack
with its volumes. Traffic goes to 127.0.0.1 only (every service is on the host's network, bound
to loopback; nginx is the only entrance). Loops are bounded by time and count.

1. A journey through nginx over TLS (the certificate nginx made is the one trusted): captcha,
   one-time code by SMS, profile, draft, every required document uploaded, submission.
2. One web replica killed (SIGKILL) under load: 0 failed requests, nginx sends them to the other.
3. The worker killed (SIGKILL) while messages are queued, then started again: every message
   is delivered.
"""

from __future__ import annotations

import io
import json
import os
import random
import string
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
STACK_ENV = Path(os.environ.get("STACK_ENV", ROOT / "var/stack-test/stack.env"))
PROJECT = os.environ.get("STACK_PROJECT", "daftar-test")


def _env() -> dict[str, str]:
    if not STACK_ENV.exists():
        pytest.fail(f"{STACK_ENV} is missing: run `make stack-test` (it starts the stack first)")
    pairs = (line.split("=", 1) for line in STACK_ENV.read_text().splitlines() if "=" in line and line[0] != "#")
    return dict(pairs)


ENV = _env() if STACK_ENV.exists() else {}


def compose(*args: str, check: bool = True) -> str:
    cmd = ["docker-compose", "-p", PROJECT, "-f", str(ROOT / "deploy/compose.yaml"), "--env-file", str(STACK_ENV)]
    env = {**os.environ, "STACK_ENV_FILE": str(STACK_ENV.resolve())}  # as scripts/stack.sh sets it
    done = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=180, check=False, env=env)
    if check and done.returncode != 0:
        raise AssertionError(f"docker-compose {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def container(service: str) -> str:
    cid = compose("ps", "-q", service).strip()
    assert cid, f"no container for {service}"
    return cid


def docker(*args: str, timeout: int = 120) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout


def psql(sql: str) -> str:
    return docker(
        "exec", container("postgres"), "psql", "-p", ENV["POSTGRES_PORT"], "-d", "daftar", "-tAc", sql
    ).strip()


def web_health(port: str) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def base() -> str:
    return f"https://127.0.0.1:{ENV['NGINX_HTTPS_PORT']}"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: Any) -> str:
    """nginx's own certificate (self-signed by its entrypoint), trusted for these requests only."""
    pem = docker("exec", container("nginx"), "cat", "/etc/nginx/tls/cert.pem")
    path = tmp_path_factory.mktemp("tls") / "cert.pem"
    path.write_text(pem)
    return str(path)


def _session(tls: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # no proxy and no CA bundle from the environment: loopback, nginx's own certificate
    s.verify = tls
    s.headers["Host"] = f"localhost:{ENV['NGINX_HTTPS_PORT']}"
    return s


def _national_code(seed: int) -> str:
    digits = [int(c) for c in f"{seed % 10**9:09d}"]
    r = sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    return "".join(map(str, digits)) + str(r if r < 2 else 11 - r)


def _sms_to(mobile: str, after: int) -> list[dict[str, Any]]:
    out = subprocess.run(
        ["docker", "exec", container("worker"), "sh", "-c", "cat /var/lib/daftar/sms/sms.jsonl 2>/dev/null || true"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [r for r in rows[after:] if r.get("to") == mobile]


def _sms_count() -> int:
    out = docker("exec", container("worker"), "sh", "-c", "cat /var/lib/daftar/sms/sms.jsonl 2>/dev/null | wc -l")
    return int(out.strip() or 0)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 210, 220)).save(buf, "PNG")
    return buf.getvalue()


def _pdf() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (595, 842), (255, 255, 255)).save(buf, "PDF")
    return buf.getvalue()


def login(s: requests.Session, base: str, mobile: str) -> str:
    """The login a person does: the captcha (read from the database, as the person reads the
    picture), a one-time code by SMS (read from the file gateway), then the token."""
    captcha = s.get(f"{base}/api/v1/auth/captcha", timeout=10)
    assert captcha.status_code == 200, captcha.text
    key = captcha.json()["key"]
    assert key.isalnum(), key  # a hex key, so it can sit inside the SQL text below
    answer = psql(f"SELECT response FROM captcha_captchastore WHERE hashkey = '{key}'")  # noqa: S608
    seen = _sms_count()
    asked = s.post(
        f"{base}/api/v1/auth/otp/request",
        json={"mobile": mobile, "captcha_key": key, "captcha_value": answer},
        timeout=10,
    )
    assert asked.status_code == 202, asked.text
    deadline = time.monotonic() + 60
    code = ""
    while time.monotonic() < deadline and not code:
        texts = _sms_to(mobile, seen)
        found = [w for t in texts for w in t["text"].split() if w.isdigit() and len(w) >= 4]
        code = found[-1] if found else ""
        if not code:
            time.sleep(0.5)
    assert code, "the one-time code SMS did not arrive within 60 s (worker and outbox)"
    verified = s.post(f"{base}/api/v1/auth/otp/verify", json={"mobile": mobile, "code": code}, timeout=10)
    assert verified.status_code == 200, verified.text
    return verified.json()["token"]


def test_nginx_serves_tls_static_files_and_hides_internal_endpoints(base: str, tls: str) -> None:
    s = _session(tls)
    home = s.get(f"{base}/", timeout=10)
    assert home.status_code == 200 and "دفتر" in home.text
    assert home.headers.get("X-Request-ID"), "nginx gives every request an id"
    css = next(part.split('"')[0] for part in home.text.split('href="')[1:] if part.startswith("/static/"))
    static = s.get(f"{base}{css}", timeout=10)
    assert static.status_code == 200 and "immutable" in static.headers.get("Cache-Control", "")
    assert s.get(f"{base}/metrics", timeout=10).status_code == 404
    assert s.get(f"{base}/health/ready", timeout=10).status_code == 404
    assert s.get(f"{base}/health/live", timeout=10).json() == {"status": "ok"}
    plain = requests.get(f"http://127.0.0.1:{ENV['NGINX_HTTP_PORT']}/", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def test_the_request_id_of_nginx_is_on_the_apps_json_log_lines(base: str, tls: str) -> None:
    s = _session(tls)
    answer = s.get(f"{base}/api/v1/licence-types", timeout=10)
    assert answer.status_code == 200
    rid = answer.headers["X-Request-ID"]
    assert "," not in rid, "one id, not the app's and nginx's both"
    lines: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not lines:
        for web in ("web1", "web2"):
            logs = subprocess.run(
                ["docker", "logs", "--since", "2m", container(web)],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            for line in (logs.stdout + logs.stderr).splitlines():
                if rid in line:
                    lines.append(json.loads(line))  # every line is one JSON object
        time.sleep(0.5)
    assert lines, f"no log line with request id {rid}"
    assert all(line["request_id"] == rid for line in lines)
    assert {"timestamp", "level", "event"} <= set(lines[0])


def test_a_journey_through_nginx(base: str, tls: str) -> None:
    s = _session(tls)
    mobile = f"0912{uuid.uuid4().int % 10**7:07d}"
    token = login(s, base, mobile)
    s.headers["Authorization"] = f"Bearer {token}"
    profile = {
        "person_type": "natural",
        "nationality": "IR",
        "national_code": _national_code(int(mobile[4:]) + 100_000_000),
        "first_name": "سارا",
        "last_name": "کاظمی‌نژاد",
        "birth_date": "1985-03-21",
    }
    me = s.patch(f"{base}/api/v1/me", json=profile, timeout=10)
    assert me.status_code == 200, me.text
    calls = s.get(f"{base}/api/v1/calls", params={"municipality": "tehran", "status": "open"}, timeout=10).json()
    calls = calls.get("results", calls) if isinstance(calls, dict) else calls
    call = calls[0]
    facts = json.loads((ROOT / "tests/stack/eligible_facts.json").read_text())
    draft = s.post(
        f"{base}/api/v1/applications",
        json={"call": call["id"], "district": call["districts"][0]["id"], "facts": facts},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert draft.status_code == 201, draft.text
    case = draft.json()["id"]
    refused = s.post(f"{base}/api/v1/applications/{case}/submit", timeout=10)
    assert refused.status_code == 409, refused.text  # nothing uploaded yet
    licence_type = s.get(f"{base}/api/v1/licence-types/{call['licence_type']}", timeout=10).json()
    uploaded = 0
    for doc in licence_type["documents"]:
        if not doc["required"] or doc["type"] == "exam_certificate":
            continue
        pdf = "application/pdf" in doc["accepted_types"]
        body = (f"{doc['type']}.pdf", _pdf(), "application/pdf") if pdf else (f"{doc['type']}.png", _png(), "image/png")
        up = s.post(f"{base}/api/v1/applications/{case}/documents", data={"type": doc["type"]}, files={"file": body})
        assert up.status_code == 201, (doc["type"], up.text)
        uploaded += 1
    assert uploaded >= 5
    submitted = s.post(f"{base}/api/v1/applications/{case}/submit", timeout=30)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted" and submitted.json()["tracking_code"]
    # the case as stored in PostgreSQL
    assert psql(f"SELECT status FROM applications_application WHERE id = {int(case)}") == "submitted"  # noqa: S608


def _load(base: str, tls: str, seconds: float, results: Counter, errors: list[str], rate: float) -> None:
    """One client: GETs of public pages and API reads, paced to `rate` requests a second."""
    s = _session(tls)
    paths = ["/", "/api/v1/licence-types", "/offices/", "/health/live", "/api/v1/calls?status=open"]
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        started = time.monotonic()
        path = paths[i % len(paths)]
        i += 1
        try:
            r = s.get(f"{base}{path}", timeout=15)
            results[r.status_code] += 1
            if r.status_code >= 400:
                errors.append(f"{path} {r.status_code}")
        except requests.RequestException as exc:
            results["exception"] += 1
            errors.append(f"{path} {type(exc).__name__}")
        time.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))


def test_a_web_replica_killed_under_load_fails_no_request(base: str, tls: str) -> None:
    results: Counter = Counter()
    errors: list[str] = []
    clients = [
        threading.Thread(target=_load, args=(base, tls, 24.0, results, errors, 8.0), daemon=True) for _ in range(6)
    ]
    for c in clients:
        c.start()
    time.sleep(6)
    web1 = container("web1")
    docker("kill", "--signal", "KILL", web1)
    killed_at = time.monotonic()
    time.sleep(8)
    assert not web_health(ENV["WEB1_PORT"]), "web1 still answers after SIGKILL"
    docker("start", web1)
    for c in clients:
        c.join(timeout=60)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not web_health(ENV["WEB1_PORT"]):
        time.sleep(1)
    total = sum(results.values())
    print(f"\nload: {total} requests, {dict(results)}; web1 down for {time.monotonic() - killed_at:.0f} s at most")
    assert total >= 300, f"too little load to mean anything: {total}"
    assert errors == [], f"{len(errors)} failed requests: {errors[:10]}"
    assert web_health(ENV["WEB1_PORT"]), "web1 did not come back"


def test_the_worker_killed_while_sending_loses_no_message() -> None:
    """Messages queued one by one while the worker sends them, the worker killed (SIGKILL) a second
    into it: after the restart every one is delivered (acks late; the outbox's drain by beat)."""
    n = 300
    marker = _letters()
    before = _sms_count()
    script = (
        "import time\n"
        "from django.db import transaction\n"
        "from daftar.notifications.services import outbox_enqueue\n"
        "print('queueing', flush=True)\n"
        f"for i in range({n}):\n"
        "    with transaction.atomic():\n"
        f"        outbox_enqueue(to='0913%07d' % i, text='آزمون {marker} %d' % i, kind='stack_test')\n"
        "    time.sleep(0.01)\n"  # about 4 s of queueing: the kill lands in the middle
    )
    worker = container("worker")
    queueing = subprocess.Popen(
        ["docker", "exec", container("web2"), "python", "manage.py", "shell", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert queueing.stdout is not None
        # (Django's shell may first say what it imported)
        while (line := queueing.stdout.readline()) and line.strip() != "queueing":
            pass
        assert line, "the queueing script did not start"
        time.sleep(0.8)  # the worker is sending what arrives
        docker("kill", "--signal", "KILL", worker)
        _, err = queueing.communicate(timeout=120)
        assert queueing.returncode == 0, err[-1000:]
    finally:
        if queueing.poll() is None:
            queueing.kill()
    sent_before_restart = _sms_count_offline(before)
    docker("start", worker)
    delivered = _delivered(worker, marker, before, n)
    print(
        f"\nworker killed while sending: {sent_before_restart} of {n} sent by then, {len(delivered)} after the restart"
    )
    assert sent_before_restart < n, "the kill came after everything was sent: the test proved nothing"
    assert len(delivered) == n


def _letters() -> str:
    """A marker of Latin letters only: an SMS text's digits become Persian ones (sms_text)."""
    return "".join(random.choices(string.ascii_lowercase, k=12))


def _delivered(worker: str, marker: str, before: int, n: int) -> set[str]:
    """The texts with ``marker`` in the worker's SMS file, once all ``n`` are there or the wait is
    over. A message the killed worker had claimed but not sent is due again only when its lease
    runs out (``OUTBOX_LEASE_SECONDS`` after the claim), and goes at the beat's next drain: the
    wait covers both, and ends as soon as everything is in."""
    from django.conf import settings

    beat = float(settings.CELERY_BEAT_SCHEDULE["drain-outbox"]["schedule"])
    deadline = time.monotonic() + settings.OUTBOX_LEASE_SECONDS + beat + 30
    delivered: set[str] = set()
    while time.monotonic() < deadline:
        out = docker("exec", worker, "sh", "-c", "cat /var/lib/daftar/sms/sms.jsonl 2>/dev/null || true")
        texts = [json.loads(line)["text"] for line in out.splitlines()[before:] if line.strip()]
        delivered = {t for t in texts if marker in t}
        if len(delivered) >= n:
            break
        time.sleep(1)
    return delivered


def test_the_worker_killed_and_restarted_loses_no_message(tls: str) -> None:
    n = 60
    marker = _letters()
    before = _sms_count()
    # queue n messages through the product's outbox, as the pages do (each queues a drain task)
    script = (
        "from django.db import transaction\n"
        "from daftar.notifications.services import outbox_enqueue\n"
        f"for i in range({n}):\n"
        "    with transaction.atomic():\n"
        f"        outbox_enqueue(to='0912%07d' % i, text='آزمون {marker} %d' % i, kind='stack_test')\n"
    )
    worker = container("worker")
    docker("kill", "--signal", "KILL", worker)  # the worker is gone while the messages arrive
    docker("exec", container("web1"), "python", "manage.py", "shell", "-c", script)
    time.sleep(3)
    assert _sms_count_offline(before) == 0, "nothing can be sent with the worker dead"
    docker("start", worker)
    deadline = time.monotonic() + 120
    delivered: set[str] = set()
    while time.monotonic() < deadline:
        out = docker("exec", worker, "sh", "-c", "cat /var/lib/daftar/sms/sms.jsonl 2>/dev/null || true")
        texts = [json.loads(line)["text"] for line in out.splitlines()[before:] if line.strip()]
        delivered = {t for t in texts if marker in t}
        if len(delivered) >= n:
            break
        time.sleep(1)
    sql = f"SELECT count(*) FROM notifications_outboxmessage WHERE text LIKE '%{marker}%' AND sent_at IS NULL"  # noqa: S608 (letters)
    pending = psql(sql)
    print(f"\nworker: {len(delivered)} of {n} delivered after the restart; {pending} still pending")
    assert len(delivered) == n and pending == "0"


def _sms_count_offline(before: int) -> int:
    out = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "-v",
            f"{PROJECT}_sms:/sms",
            "--entrypoint",
            "sh",
            "daftar:latest",
            "-c",
            "cat /sms/sms.jsonl 2>/dev/null | wc -l",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout.strip()
    return max(0, int(out or 0) - before)


def test_postgres_archives_wal_to_pgbackrest_with_a_full_backup() -> None:
    """Point-in-time recovery is live in the stack: the first full backup was taken at start
    and WAL segments reach the repository (the restore itself: tests/test_pitr.py)."""
    pg = container("postgres")
    info = json.loads(docker("exec", pg, "pgbackrest", "--stanza=daftar", "--output=json", "info"))
    backups = info[0]["backup"]
    assert any(b["type"] == "full" for b in backups), info
    psql("SELECT pg_switch_wal()")
    deadline = time.monotonic() + 30
    archived, failed = 0, 0
    while time.monotonic() < deadline:
        archived, failed = map(int, psql("SELECT archived_count, failed_count FROM pg_stat_archiver").split("|"))
        if archived >= 2:
            break
        time.sleep(1)
    assert archived >= 2, (archived, failed)
    # pgBackRest's own check: the configuration matches the server and a switched segment arrives
    docker("exec", pg, "pgbackrest", "--stanza=daftar", "check")


def test_the_scheduled_backup_runs_from_its_own_container() -> None:
    """The `pgbackup` service takes its daily diff through the shared socket folder."""
    out = docker("exec", container("pgbackup"), "pitr-backup.sh", "diff", timeout=180)
    assert "completed successfully" in out or "diff" in out, out[-500:]
    info = json.loads(docker("exec", container("postgres"), "pgbackrest", "--stanza=daftar", "--output=json", "info"))
    assert any(b["type"] == "diff" for b in info[0]["backup"]), info


def test_only_nginx_listens_beyond_loopback() -> None:
    """Every service but nginx is bound to 127.0.0.1: a replica's own port (its /metrics, its
    /health/ready, the throttles' view of the client) is not reachable from another host."""
    listening = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True, timeout=30, check=True).stdout
    for name in ("WEB1_PORT", "WEB2_PORT", "POSTGRES_PORT", "PGBOUNCER_PORT", "REDIS_PORT"):
        port = ENV[name]
        local = [line.split()[3] for line in listening.splitlines() if line.split()[3].endswith(f":{port}")]
        assert local, f"nothing listens on {name} {port}"
        assert all(addr.startswith(("127.0.0.1:", "[::1]:")) for addr in local), (name, local)


def test_a_flood_from_one_address_is_cut_by_nginx_with_retry_after(base: str, tls: str) -> None:
    """nginx's outer limit (NGINX_RATE_PER_ADDRESS, burst NGINX_BURST_PER_ADDRESS): 400 requests
    at once from one address get some 429s with Retry-After and a Persian reason; the rest pass.
    Last of the file: the limit forgets within seconds, but nothing else should run meanwhile."""
    sessions = [_session(tls) for _ in range(16)]

    def one(i: int) -> requests.Response:
        return sessions[i % 16].get(f"{base}/health/live", timeout=15)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(one, range(400)))
    codes = Counter(a.status_code for a in answers)
    print(f"\nflood: {dict(codes)}")
    assert set(codes) <= {200, 429} and codes[200] >= 100 and codes[429] >= 1, codes
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers.get("Retry-After", "").isdigit()
    assert "دوباره بکوشید" in refused.json()["detail"]
