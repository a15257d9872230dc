"""``/metrics`` as Prometheus and as a stranger see it (issue 20)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.settings import api_settings

from conftest import request_code
from daftar.applications.tests.factories import ApplicationFactory
from daftar.notifications.models import OutboxMessage
from daftar.notifications.workflow import OutboxStatus
from daftar.runtime import admission

ROOT = Path(__file__).resolve().parents[3]


def _samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def _scrape(client: Client, **extra: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return _samples(response.content)


def test_a_stranger_gets_the_ordinary_not_found_page(client: Client, db: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    unknown = client.get("/no-such-page", REMOTE_ADDR="203.0.113.9")
    for extra in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}):
        response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", **extra)
        assert response.status_code == 404
        assert response.content == unknown.content
        assert response["Content-Type"] == unknown["Content-Type"]


def test_allowed_from_loopback_from_a_listed_network_or_with_the_token(client: Client, db: Any, settings: Any) -> None:
    assert _scrape(client, REMOTE_ADDR="127.0.0.1")
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert _scrape(client, REMOTE_ADDR="10.1.2.3", HTTP_HOST="10.0.0.5:8000")  # by address, not a named host
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    settings.METRICS_TOKEN = "s3cret-token"
    assert _scrape(client, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token")


def test_a_forwarded_request_never_opens_it_by_address(client: Client, db: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1  # nginx on the same host: every request comes from 127.0.0.1
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9")
    assert outside.status_code == 404
    # a stranger at a pod's own port who writes a loopback address into the header
    spoofed = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert spoofed.status_code == 404
    # even a scraper on an allowed address, if the request claims to be forwarded
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
    settings.METRICS_TOKEN = "s3cret-token"  # the token still opens it
    assert _scrape(
        client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )


def test_the_gauges_count_the_rows(client: Client, tehran_rules: Any) -> None:
    old = timezone.now() - dt.timedelta(seconds=700)
    for n in range(3):
        OutboxMessage.objects.create(
            kind="otp", to=f"0912000000{n}", text="x", created_at=old if n == 0 else timezone.now()
        )
    for n in range(2):
        OutboxMessage.objects.create(kind="otp", to=f"0913000000{n}", text="x", status=OutboxStatus.FAILED)
    past = timezone.now() - dt.timedelta(days=1)
    ApplicationFactory.create_batch(2, submitted=True, due_at=past)
    ApplicationFactory(submitted=True, due_at=timezone.now() + dt.timedelta(days=3))  # not yet due
    ApplicationFactory(due_at=past)  # a draft runs no municipality clock
    found = _scrape(client)
    assert found[("daftar_outbox_pending_messages", ())] == 3
    assert 700 <= found[("daftar_outbox_oldest_pending_age_seconds", ())] < 760
    assert found[("daftar_outbox_failed_messages", (("channel", "sms"),))] == 2
    assert found[("daftar_applications_overdue", (("municipality", "tehran"),))] == 2
    assert found[("daftar_state_up", (("source", "database"),))] == 1


def test_an_old_spool_file_shows_its_age(client: Client, db: Any, settings: Any, tmp_path: Path) -> None:
    settings.SPOOL_DIR = tmp_path
    (tmp_path / "verification").mkdir()
    path = tmp_path / "verification" / "h-1-1.jsonl"
    path.write_text("{}\n")
    then = timezone.now().timestamp() - 120
    os.utime(path, (then, then))
    found = _scrape(client)
    assert found[("daftar_spool_files", ())] == 1
    assert 120 <= found[("daftar_spool_oldest_file_age_seconds", ())] < 180


def test_a_429_from_a_gate_counts_for_that_gate(client: Client, db: Any, settings: Any) -> None:
    def gate(name: str) -> float:
        return _scrape(client).get(("daftar_throttled_responses_total", (("gate", name),)), 0.0)

    before = gate("api:anon")
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/min"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)
        codes = [client.get("/api/v1/tariffs", REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert codes.count(429) == 2, codes
    assert gate("api:anon") == before + 2


def test_the_admission_gate_and_the_login_limits_count_as_their_gates(
    client: Client, api: Any, db: Any, settings: Any, monkeypatch: Any
) -> None:
    def gate(name: str) -> float:
        return _scrape(client).get(("daftar_throttled_responses_total", (("gate", name),)), 0.0)

    shed, resend = gate("admission:login"), gate("view:api-auth-otp-request")
    settings.ADMISSION_RATES = {"login": 1}
    monkeypatch.setattr(admission, "_now", lambda: 1_900_000_000.0)  # one second for both
    codes = [api.post("/api/v1/auth/otp/request", {}, format="json").status_code for _ in range(2)]
    assert codes == [400, 429]
    assert gate("admission:login") == shed + 1
    settings.ADMISSION_RATES = {}
    assert request_code(api, "09121234567").status_code == 202
    again = request_code(api, "09121234567")  # within OTP_RESEND_SECONDS: the resend limit
    assert again.status_code == 429 and again.json()["code"] == "otp_resend_wait"
    assert gate("view:api-auth-otp-request") == resend + 1
    assert gate("admission:login") == shed + 1


def test_request_metrics_are_there(client: Client, db: Any) -> None:
    client.get("/no-such-page")
    found = _scrape(client)
    names = {name for name, _ in found}
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in names
    assert any(
        name == "django_http_responses_total_by_status_total" and dict(labels).get("status") == "404"
        for name, labels in found
    )


def test_counters_of_several_processes_add_up(tmp_path: Path) -> None:
    """Two processes (as two gunicorn workers) count 429s; one scrape sees both."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    code = "import django; django.setup(); from daftar.ops import metrics; metrics.count_throttled('admission:login')"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    total = registry.get_sample_value("daftar_throttled_responses_total", {"gate": "admission:login"})
    assert total == 2


def test_gunicorn_marks_an_exited_worker_dead(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # as gunicorn's environment would
    from config import gunicorn_conf  # here: importing it sets PROMETHEUS_MULTIPROC_DIR when unset

    monkeypatch.setattr(gunicorn_conf, "METRICS_DIR", tmp_path)
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    (tmp_path / "counter_4242.db").write_bytes(b"")
    gunicorn_conf.child_exit(None, type("Worker", (), {"pid": 4242})())
    assert not (tmp_path / "gauge_livesum_4242.db").exists()  # its live gauges leave the sum
    assert (tmp_path / "counter_4242.db").exists()  # its counts stay counted
    gunicorn_conf.on_starting(None)
    assert not list(tmp_path.glob("*.db"))  # a new master starts from zero


def test_the_grafana_dashboard_shows_only_metrics_the_application_exports(client: Client, db: Any) -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "daftar-dashboard.json").read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    wanted = {name for expr in exprs for name in re.findall(r"\b(?:daftar|django)_[a-z_]+", expr)}
    assert {"daftar_throttled_responses_total", "daftar_applications_overdue"} <= wanted
    client.get("/no-such-page")  # a request, so that the request histograms have samples
    body = client.get("/metrics").content.decode()
    assert not {name for name in wanted if not re.search(rf"^(# HELP )?{name}\b", body, re.M)}


def test_a_wrong_allowed_network_stops_the_start_with_a_clear_error() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env["DAFTAR_METRICS_ALLOWED_NETWORKS"] = "127.0.0.1,10.0.0.0/33"
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "DAFTAR_METRICS_ALLOWED_NETWORKS: '10.0.0.0/33' is not an address or a network" in run.stderr
