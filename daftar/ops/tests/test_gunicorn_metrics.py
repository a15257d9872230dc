"""Request metrics under a real gunicorn with several workers (issue 20): every scrape, whichever
worker answers it, shows the requests of all of them (prometheus_client's multiprocess mode,
wired by config/gunicorn_conf.py)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REQUESTS = 60
HELLO = b"GET /api/v1/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
SCRAPE = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
SERVED = re.compile(
    rb'^django_http_responses_total_by_status_view_method_total\{method="GET",status="200",view="api-hello"\} (\S+)$',
    re.M,
)


@contextlib.contextmanager
def gunicorn(metrics_dir: Path, workers: int) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DAFTAR_LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "python:config.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "-w", str(workers)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "gunicorn exited"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_every_scrape_counts_the_requests_of_every_worker(tmp_path: Path) -> None:
    with gunicorn(tmp_path, workers=3) as port:
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda _: raw(port, HELLO), range(REQUESTS)))
        assert all(a.startswith(b"HTTP/1.1 200") for a in answers)
        served_by = {p.stem.rsplit("_", 1)[-1] for p in tmp_path.glob("counter_*.db")}
        assert len(served_by) >= 2, served_by  # the load was spread, so the figures must be summed
        for _ in range(6):  # each scrape may land on another worker
            found = SERVED.search(raw(port, SCRAPE))
            assert found is not None
            assert float(found.group(1)) == REQUESTS
