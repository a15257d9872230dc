"""Error reports (issue 20 §5): sent to a Sentry-compatible server only when a DSN is set, and
then scrubbed; with none, nothing is started and nothing leaves the host.

A tiny HTTP server on 127.0.0.1 stands in for GlitchTip: the SDK's real HTTP transport posts its
envelopes to it, and the test reads what arrived."""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from unittest import mock

import pytest
import sentry_sdk
from django.conf import settings
from django.test import Client

from daftar.runtime import sentry
from daftar.runtime.tests.logging_urls import failing_task

pytestmark = pytest.mark.django_db
RID = "5b8e2f0c4d1a4b7e9f3c2a1d0e9f8a7b"


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli  # only when the SDK chose it, i.e. it is installed

            body = brotli.decompress(body)
        self.server.received.append(body)  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def glitchtip() -> Iterator[Any]:
    """A fake error server on a free loopback port, and the SDK started against it."""
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
    assert sentry.init_sentry(dsn, environment="test-site", release="daftar@1.2.3")

    def events() -> list[dict[str, Any]]:
        sentry_sdk.flush(timeout=5)
        found = []
        for envelope in server.received:  # type: ignore[attr-defined]
            lines = envelope.split(b"\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    try:
        yield events
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
        server.shutdown()
        server.server_close()


def _assert_scrubbed(event: dict[str, Any]) -> None:
    text = json.dumps(event, ensure_ascii=False)
    assert "09123456789" not in text and "0912***89" in text
    assert "0499370899" not in text and "[national_code]" in text
    assert "s3cr3t-t0ken" not in text


@pytest.mark.urls("daftar.runtime.tests.logging_urls")
def test_an_unhandled_error_in_a_view_arrives_scrubbed_with_its_request_id(glitchtip):
    response = Client(raise_request_exception=False).get("/boom/?token=abc123abc", HTTP_X_REQUEST_ID=RID)

    assert response.status_code == 500
    assert not sentry_sdk.get_client().should_send_default_pii()
    (event,) = glitchtip()
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["environment"] == "test-site" and event["release"] == "daftar@1.2.3"
    assert event["tags"]["request_id"] == RID
    assert "abc123abc" not in json.dumps(event)  # the query string's token
    assert "user" not in event or "ip_address" not in event["user"]  # send_default_pii off
    _assert_scrubbed(event)


def test_an_unhandled_error_in_a_task_arrives_scrubbed(glitchtip):
    result = failing_task.apply(args=["09123456789"])

    assert result.failed()
    (event,) = glitchtip()
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["exception"]["values"][-1]["mechanism"]["type"] == "celery"
    _assert_scrubbed(event)


def test_without_a_dsn_nothing_is_started():
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
    with mock.patch("sentry_sdk.init") as init:
        assert sentry.init_sentry("") is False
    init.assert_not_called()


@pytest.mark.urls("daftar.runtime.tests.logging_urls")
def test_without_a_dsn_an_error_sends_nothing():
    with mock.patch("urllib3.PoolManager.urlopen") as urlopen, mock.patch("urllib3.PoolManager.request") as request:
        response = Client(raise_request_exception=False).get("/boom/")
        sentry_sdk.flush(timeout=1)
    assert response.status_code == 500
    urlopen.assert_not_called()
    request.assert_not_called()


def test_before_send_masks_what_is_left_anywhere_in_the_event():
    event = {
        "event_id": "0499370899aabbccddeeff0011223344",
        "message": "citizen 09121112233",
        "request": {"url": "https://x/api?mobile=09121112233", "headers": {"Authorization": "Bearer abc"}},
        "extra": {"celery-job": {"args": ["09121112233"], "kwargs": {"code": "482913"}}},
    }
    out = sentry.before_send(event)
    assert out["event_id"] == "0499370899aabbccddeeff0011223344"  # ids are left as they are
    assert out["message"] == "citizen 0912***33"
    assert out["request"]["headers"]["Authorization"] == "[redacted]"
    assert out["request"]["url"] == "https://x/api?mobile=0912***33"
    assert out["extra"]["celery-job"] == {"args": ["0912***33"], "kwargs": {"code": "[redacted]"}}


def test_an_outgoing_call_breadcrumb_keeps_only_the_host():
    # Kavenegar's API key is part of its URL path; a query string may hold a number or a code
    crumb = {
        "type": "http",
        "category": "httplib",
        "data": {
            "url": "https://api.kavenegar.com/v1/SECRET-KEY-123/sms/send.json",
            "http.query": "receptor=09121234567",
            "method": "POST",
        },
    }
    kept = sentry.before_breadcrumb(crumb)
    assert kept["data"]["url"] == "https://api.kavenegar.com/…"
    assert "http.query" not in kept["data"] and kept["data"]["method"] == "POST"
    assert "SECRET-KEY-123" not in str(kept)
