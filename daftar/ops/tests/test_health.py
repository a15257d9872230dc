"""``/health/live`` and ``/health/ready`` as a probe sees them (API.md «Operations», issue 20)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from daftar.notifications.models import OutboxMessage
from daftar.ops import checks, heartbeat
from daftar.ops.tasks import beat_heartbeat

ALL_OK = {"database": "ok", "cache": "ok", "storage": "ok", "beat": "ok", "outbox": "ok", "spool": "ok"}


@pytest.fixture
def worker_stack(settings: Any, tmp_path: Path) -> Path:
    """Settings of a stack with a worker and a beat (not eager), a spool in use, a fresh heartbeat."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.VERIFICATION_LOG_SPOOL = True
    settings.SPOOL_DIR = tmp_path / "spool"
    heartbeat.beat()
    return tmp_path / "spool"


def _ready(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/health/ready")
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_live_answers_ok_without_touching_database_cache_or_session(client: Client) -> None:
    boom = OperationalError("the database is gone")
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=boom),
        mock.patch("django.core.cache.backends.locmem.LocMemCache.get", side_effect=ConnectionError),
        mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=AssertionError),
    ):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_live_and_ready_answer_a_probe_by_address_over_plain_http(client: Client, settings: Any, db: Any) -> None:
    settings.ALLOWED_HOSTS = ["daftar.example.ir"]
    settings.SECURE_SSL_REDIRECT = True
    for path in ("/health/live", "/health/ready"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
    # the host check still holds for everything else
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_ready_with_everything_up(client: Client, db: Any, worker_stack: Path) -> None:
    status, body = _ready(client)
    assert status == 200
    assert body == {"status": "ok", "checks": ALL_OK}


def test_ready_says_where_the_embedded_default_has_no_beat_or_spool(client: Client, db: Any) -> None:
    status, body = _ready(client)
    assert status == 200
    assert body["checks"]["beat"].startswith("not used")
    assert body["checks"]["spool"].startswith("not used")


def _failing(client: Client, name: str) -> str:
    status, body = _ready(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert [key for key, value in body["checks"].items() if value != "ok"] == [name], body
    return str(body["checks"][name])


def test_ready_names_a_lost_database(client: Client, db: Any, worker_stack: Path) -> None:
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("gone")):
        status, body = _ready(client)
    assert status == 503
    assert body["checks"]["database"] == "unavailable (OperationalError)"


def test_ready_names_a_lost_cache(client: Client, db: Any, worker_stack: Path, settings: Any) -> None:
    heartbeat.beat()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["cache"] == "unavailable (ConnectionError)"
    assert body["checks"]["beat"] == "unavailable (ConnectionError)"  # the heartbeat lives there
    assert body["checks"]["database"] == "ok"


def test_ready_names_a_failing_storage(client: Client, db: Any, worker_stack: Path) -> None:
    with mock.patch.object(FileSystemStorage, "save", side_effect=OSError("disk full")):
        assert _failing(client, "storage") == "unavailable (OSError)"


def test_ready_names_a_stale_beat_heartbeat(client: Client, db: Any, worker_stack: Path) -> None:
    heartbeat.beat(now=time.time() - 900)
    assert _failing(client, "beat") == "last heartbeat is 900 s old (limit 300 s)"


def test_ready_fails_without_any_heartbeat_once_the_process_had_time_for_one(
    client: Client, db: Any, worker_stack: Path
) -> None:
    cache.delete(heartbeat.KEY)
    # just started: the first heartbeat may still come (the process's start is set, not read: a
    # worker of the suite reaches this test minutes after its own start)
    with mock.patch.object(checks, "PROCESS_STARTED", time.time()):
        assert _ready(client)[0] == 200
    with mock.patch.object(checks, "PROCESS_STARTED", time.time() - 301):
        assert _failing(client, "beat") == "no heartbeat from the beat (limit 300 s)"


def test_the_beat_task_writes_the_heartbeat(db: Any) -> None:
    beat_heartbeat()
    last = heartbeat.last()
    assert last is not None and time.time() - last < 5


def test_ready_names_an_old_outbox_message(client: Client, db: Any, worker_stack: Path) -> None:
    OutboxMessage.objects.create(kind="otp", to="09120000000", text="x")
    assert _ready(client)[0] == 200
    OutboxMessage.objects.create(
        kind="otp", to="09120000001", text="x", created_at=timezone.now() - dt.timedelta(seconds=900)
    )
    assert _failing(client, "outbox") == "oldest pending message is 900 s old (limit 600 s)"


def test_ready_names_an_old_spool_file(client: Client, db: Any, worker_stack: Path, settings: Any) -> None:
    spool = worker_stack / "verification"
    spool.mkdir(parents=True)
    fresh = spool / "host-1-2.jsonl"
    fresh.write_text("{}\n")
    assert _ready(client)[0] == 200
    old = spool / "host-1-1.jsonl"
    old.write_text("{}\n")
    then = time.time() - 900
    os.utime(old, (then, then))
    assert _failing(client, "spool") == "oldest spool file is 900 s old (limit 300 s)"
    settings.HEALTH_SPOOL_MAX_AGE = 0  # a limit of 0 turns the check off
    status, body = _ready(client)
    assert status == 200 and body["checks"]["spool"] == "not checked"
