"""Log lines (issue 20 §5): one JSON object each, with the request id the operator can follow
from nginx through the request and its Celery tasks to the audit entry; nothing secret in them."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
import structlog
from django.test import Client
from django_structlog.celery.receivers import CeleryReceiver

from conftest import captcha_answer, sms_code
from daftar.audit.models import AuditEntry
from daftar.audit.services import audit_record, compute_hash, verify_chain
from daftar.runtime.logging_setup import formatter, logging_config
from daftar.runtime.tests.logging_urls import logged_task

pytestmark = pytest.mark.django_db
RID = "3f2a9c1e-77b0-4d0e-9a51-2b8c6f0d1e22"
MOBILE = "09124445566"


def _of(lines: list[dict], request_id: str) -> list[dict]:
    return [line for line in lines if line.get("request_id") == request_id]


@pytest.mark.urls("daftar.runtime.tests.logging_urls")
def test_each_line_of_a_request_is_one_json_object_with_the_request_id_sent(json_lines):
    response = Client().get("/queue/?page=2", HTTP_X_REQUEST_ID=RID)

    assert response.status_code == 200
    assert response["X-Request-ID"] == RID
    lines = json_lines()
    mine = _of(lines, RID)
    events = [line["event"] for line in mine]
    # the view's stdlib line, the task's stdlib and structlog lines, and the request's own line
    assert "stdlib line in the view" in events
    assert "request_finished" in events
    finished = next(line for line in mine if line["event"] == "request_finished")
    assert finished["request"] == "GET /queue/?page=2" and finished["code"] == 200
    assert finished["level"] == "info" and finished["logger"] == "django_structlog.middlewares.request"
    stamp = dt.datetime.fromisoformat(finished["timestamp"])
    assert stamp.tzinfo is not None and abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=1)
    assert "ip" not in finished  # the client address stays in nginx's log


@pytest.mark.urls("daftar.runtime.tests.logging_urls")
@pytest.mark.parametrize(
    "sent",
    [
        "x" * 65,  # too long
        "abc",  # too short
        "abc def<script>alert(1)</script>",  # spaces and markup
        "id\r\nSet-Cookie: a=b",  # a header injection
        "۱۲۳۴۵۶۷۸۹۰۱۲",  # other digits
    ],
)
def test_a_request_id_that_is_not_sane_is_replaced(json_lines, sent):
    response = Client().get("/queue/", HTTP_X_REQUEST_ID=sent)

    made = response["X-Request-ID"]
    assert made != sent and re.fullmatch(r"[0-9a-f]{32}", made)
    lines = json_lines()
    assert not [line for line in lines if line.get("request_id") == sent]
    assert "request_finished" in [line["event"] for line in _of(lines, made)]


@pytest.mark.urls("daftar.runtime.tests.logging_urls")
def test_a_request_without_an_id_gets_a_new_one_each_time(json_lines):
    first, second = Client().get("/queue/"), Client().get("/queue/")

    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", r["X-Request-ID"]) for r in (first, second))


@pytest.mark.urls("daftar.runtime.tests.logging_urls")
def test_the_task_a_request_queues_logs_with_its_request_id(json_lines):
    Client().get("/queue/", HTTP_X_REQUEST_ID=RID)

    task_lines = [line for line in json_lines() if line["logger"] == "daftar.runtime.tests"]
    assert {line["event"] for line in task_lines} >= {"task_line", "stdlib line in the task for 0912***89"}
    assert all(line["request_id"] == RID for line in task_lines)


def test_a_task_on_a_worker_logs_with_the_id_of_the_request_that_queued_it(json_lines):
    """The id travels in the task message's headers (django-structlog's Celery support): what
    the web process adds when publishing is what the worker binds before the task runs."""
    receiver = CeleryReceiver()
    headers: dict = {}
    with structlog.contextvars.bound_contextvars(request_id=RID):  # in the web process
        receiver.receiver_before_task_publish(headers=headers, properties={}, routing_key="celery")
    assert headers["__django_structlog__"]["request_id"] == RID

    # on the worker: nothing bound, the message's headers on the task's request
    structlog.contextvars.clear_contextvars()
    message = {"id": "t-1", "__django_structlog__": headers["__django_structlog__"]}
    logged_task.push_request(**message)
    try:
        receiver.receiver_task_prerun("t-1", logged_task)
        logged_task.run("09124445566")
    finally:
        logged_task.pop_request()
        structlog.contextvars.clear_contextvars()

    task_lines = [line for line in json_lines() if line["logger"] == "daftar.runtime.tests"]
    assert task_lines and all(line["request_id"] == RID and line["task_id"] == "t-1" for line in task_lines)


def test_the_audit_entry_of_an_action_carries_the_request_id(api, json_lines):
    key = api.get("/api/v1/auth/captcha").json()["key"]
    body = {"mobile": MOBILE, "captcha_key": key, "captcha_value": captcha_answer(key)}
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 202
    code = sms_code(MOBILE)

    response = api.post(
        "/api/v1/auth/otp/verify", {"mobile": MOBILE, "code": code}, format="json", HTTP_X_REQUEST_ID=RID
    )

    assert response.status_code == 200 and response["X-Request-ID"] == RID
    entry = AuditEntry.objects.filter(action__in=["user_registered", "user_logged_in"]).latest("seq")
    assert entry.request_id == RID
    # the request's lines name the same id, and none of them holds the code, the number or the token
    written = json.dumps(_of(json_lines(), RID), ensure_ascii=False)
    assert written and code not in written and MOBILE not in written
    assert response.json()["token"] not in written


def test_the_request_id_is_outside_the_hash_chain(api):
    """Decision 0039: the chain's hashes do not change with it, so ``verify_audit`` still passes."""
    with structlog.contextvars.bound_contextvars(request_id=RID):
        entry = audit_record(actor=None, action="test_logged")
    assert entry.request_id == RID
    twin = AuditEntry(**{f.attname: getattr(entry, f.attname) for f in AuditEntry._meta.concrete_fields})
    twin.request_id = "another-request-id"
    assert compute_hash(twin) == entry.hash
    assert verify_chain() is None


def test_an_entry_made_outside_a_request_has_no_request_id():
    structlog.contextvars.clear_contextvars()
    assert audit_record(actor=None, action="test_logged").request_id is None


def test_stdlib_lines_outside_a_request_are_json_too_and_scrubbed(json_lines):
    logging.getLogger("daftar.somewhere").warning("sms to %s failed, code 482913, nc 0499370899", "09121112233")
    structlog.get_logger("daftar.somewhere").info("otp_sent", mobile="09121112233", otp="482913", code=200)

    first, second = json_lines()[-2:]
    assert first["event"] == "sms to 0912***33 failed, code 482913, nc [national_code]"
    assert first["level"] == "warning" and first["logger"] == "daftar.somewhere"
    assert second["mobile"] == "0912***33" and second["otp"] == "[redacted]" and second["code"] == 200


def test_the_log_format_setting_chooses_json_or_console():
    record = logging.LogRecord("daftar.x", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    assert json.loads(formatter("json").format(record))["event"] == "hello there"
    console = formatter("console").format(record)
    assert "hello there" in console and not console.startswith("{")
    assert logging_config("json")["formatters"]["daftar"]["fmt"] == "json"
    with pytest.raises(ValueError, match="DAFTAR_LOG_FORMAT"):
        formatter("xml")


def test_gunicorns_access_line_becomes_fields_without_the_client_address():
    atoms = {
        "h": "203.0.113.9",
        "r": "GET /login/?mobile=09123456789 HTTP/1.1",
        "m": "GET",
        "U": "/login/",
        "q": "mobile=09123456789",
        "s": "200",
        "B": 7317,
        "D": 307800,
        "{x-request-id}o": RID,
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', (atoms,), None)

    line = json.loads(formatter("json").format(record))

    assert line["event"] == "http_request" and line["logger"] == "gunicorn.access"
    assert (line["method"], line["path"], line["status"], line["bytes"]) == ("GET", "/login/", 200, 7317)
    assert line["query"] == "mobile=0912***89" and line["duration_ms"] == 307.8
    assert line["request_id"] == RID
    assert "203.0.113.9" not in json.dumps(line) and "positional_args" not in line


def test_a_request_id_with_a_digit_run_is_logged_as_it_is(json_lines):
    """nginx's ids are hex: ten digits in one are no national code (a regression seen on gunicorn)."""
    rid = "nginx-0499370899abcdef"
    with structlog.contextvars.bound_contextvars(request_id=rid):
        logging.getLogger("daftar.somewhere").info("inside")
    assert json_lines()[-1]["request_id"] == rid
