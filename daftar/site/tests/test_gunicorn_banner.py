"""No ``Server`` banner naming gunicorn (issue 17 §8): a real gunicorn, started as
``scripts/run_prod.sh`` starts it (``--config python:config.gunicorn_conf``), serving the real
application, read byte for byte off the socket. The same gunicorn without the file names
itself, which is what the configuration is there to stop."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(*options: str) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DAFTAR_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", *options, "--bind", f"127.0.0.1:{port}", "-w", "1"]
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


HELLO = b"GET /api/v1/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
GARBAGE = b"NOT A REQUEST\r\n\r\n"


def test_gunicorn_with_the_projects_configuration_names_no_server():
    with gunicorn("--config", "python:config.gunicorn_conf") as port:
        answer = raw(port, HELLO)
        head = answer.split(b"\r\n\r\n", 1)[0].lower()
        assert head.startswith(b"http/1.1 200")
        assert b"\r\nserver:" not in head and b"gunicorn" not in answer.lower()
        assert b"permissions-policy: " in head  # the application's own headers are all there
        refused = raw(port, GARBAGE)  # an answer gunicorn writes itself
        assert refused.startswith(b"HTTP/1.1 400") and b"gunicorn" not in refused.lower()


def test_without_the_configuration_gunicorn_would_name_itself():
    with gunicorn() as port:
        head = raw(port, HELLO).split(b"\r\n\r\n", 1)[0].lower()
        assert b"\r\nserver: gunicorn" in head
