"""The SMS outbox and its backends, including the HTTP gateway against a local fake server."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from daftar.contrib.smsgateway.backend import HttpGatewayBackend
from daftar.kernel.normalize import persian_digits
from daftar.notifications.backends import LocmemBackend, Sms, SmsError, SmsRejected
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import outbox_drain, outbox_enqueue

pytestmark = pytest.mark.django_db


class FakeGateway:
    """A local HTTP server that answers with scripted status codes and records requests."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.requests: list[dict[str, Any]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {"auth": self.headers.get("Authorization"), "body": json.loads(self.rfile.read(length))}
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    yield fake
    fake.close()


@pytest.fixture
def http_sms(settings: Any, gateway: FakeGateway) -> FakeGateway:
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_KEY = "secret-key"
    settings.SMS_HTTP_SENDER = "3000123"
    settings.SMS_HTTP_TIMEOUT = 2.0
    settings.SMS_HTTP_RETRIES = 2
    return gateway


def test_drain_sends_pending_messages_once():
    outbox_enqueue(to="09121111111", text="سلام", kind="test")
    outbox_enqueue(to="09122222222", text="درود", kind="test")
    assert outbox_drain() == 2
    assert outbox_drain() == 0
    assert [(s.to, s.text) for s in LocmemBackend.outbox] == [("09121111111", "سلام"), ("09122222222", "درود")]


def test_rolled_back_change_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(to="09121111111", text="x", kind="test")
        raise RuntimeError
    assert not OutboxMessage.objects.exists()
    assert outbox_drain() == 0


def test_http_gateway_sends_with_key_and_reference(http_sms):
    message = outbox_enqueue(to="09121111111", text="رمز ورود: 123456", kind="otp", sensitive=True)
    assert outbox_drain() == 1
    [request] = http_sms.requests
    assert request["auth"] == "Bearer secret-key"
    assert request["body"] == {
        "to": "09121111111",
        "text": "رمز ورود: ۱۲۳۴۵۶",  # every SMS goes out in Persian digits
        "sender": "3000123",
        "reference": str(message.reference),
    }
    message.refresh_from_db()
    assert message.status == "sent" and "۱۲۳۴۵۶" not in message.text


def test_http_gateway_retries_temporary_errors(http_sms):
    http_sms.statuses = [503, 502]
    backend = HttpGatewayBackend(url=http_sms.url, key="k", retries=2, backoff=0.01)
    backend.send(Sms(reference="r1", to="09121111111", text="t"))
    assert len(http_sms.requests) == 3
    assert {r["body"]["reference"] for r in http_sms.requests} == {"r1"}


def test_http_gateway_permanent_refusal_is_not_retried(http_sms):
    http_sms.statuses = [400]
    backend = HttpGatewayBackend(url=http_sms.url, key="k", retries=2, backoff=0.01)
    with pytest.raises(SmsRejected):
        backend.send(Sms(reference="r1", to="09121111111", text="t"))
    assert len(http_sms.requests) == 1
    http_sms.statuses = [400]
    message = outbox_enqueue(to="09121111111", text="t", kind="test")
    outbox_drain()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 1


def test_gateway_down_messages_wait_and_go_out_when_it_is_back(settings, gateway):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/unreachable"  # nothing listens on the discard port
    settings.SMS_HTTP_RETRIES = 0
    settings.SMS_HTTP_TIMEOUT = 0.5
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        message = outbox_enqueue(to="09121111111", text="پیام", kind="test")
        assert outbox_drain() == 0
        message.refresh_from_db()
        assert message.status == "pending" and message.attempts == 1 and message.last_error
        assert outbox_drain() == 0  # not due yet: back-off
        settings.SMS_HTTP_URL = gateway.url  # the gateway is back
        clock.move_to(start + dt.timedelta(seconds=16))
        assert outbox_drain() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert len(gateway.requests) == 1


def test_gateway_timeout_is_a_temporary_error():
    backend = HttpGatewayBackend(url="http://127.0.0.1:9/x", key="k", timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(SmsError) as info:
        backend.send(Sms(reference="r", to="09121111111", text="t"))
    assert not isinstance(info.value, SmsRejected)


def test_message_fails_for_good_after_max_attempts(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/x"
    settings.SMS_HTTP_RETRIES = 0
    settings.SMS_HTTP_TIMEOUT = 0.2
    settings.OUTBOX_MAX_ATTEMPTS = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        message = outbox_enqueue(to="09121111111", text="t", kind="test")
        outbox_drain()
        clock.move_to(start + dt.timedelta(hours=2))
        outbox_drain()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2


def test_file_backend_writes_json_lines_once_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_DIR = tmp_path
    outbox_enqueue(to="09121111111", text="کد: ۱۲۳", kind="test")
    outbox_drain()
    from daftar.notifications.backends import FileBackend

    message = OutboxMessage.objects.get()
    FileBackend().send(Sms(reference=str(message.reference), to=message.to, text="کد: ۱۲۳"))  # a retry
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["to"] == "09121111111" and line["text"] == "کد: ۱۲۳" and line["sent_at"]


def test_file_backend_sees_what_another_process_appended_and_a_replaced_file(settings, tmp_path):
    from daftar.notifications.backends import FileBackend

    settings.SMS_DIR = tmp_path
    path = tmp_path / "sms.jsonl"
    FileBackend().send(Sms(reference="r-1", to="09121111111", text="یک"))
    with path.open("a", encoding="utf-8") as fh:  # another worker process wrote r-2 meanwhile
        fh.write(json.dumps({"to": "09121111112", "text": "دو", "sent_at": "x", "reference": "r-2"}) + "\n")
    FileBackend().send(Sms(reference="r-2", to="09121111112", text="دو"))  # its retry here
    FileBackend().send(Sms(reference="r-1", to="09121111111", text="یک"))
    assert [json.loads(x)["reference"] for x in path.read_text(encoding="utf-8").splitlines()] == ["r-1", "r-2"]
    path.unlink()  # a new file (rotated): nothing in it is known
    FileBackend().send(Sms(reference="r-1", to="09121111111", text="یک"))
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


class ExplodingBackend:
    def send(self, sms: Sms) -> None:
        raise RuntimeError("backend bug")


def test_a_crashing_backend_is_recorded_and_retried_later(monkeypatch):
    import daftar.notifications.services as services

    monkeypatch.setattr(services, "get_backend", lambda: ExplodingBackend())
    message = outbox_enqueue(to="09121111111", text="t", kind="test")
    assert outbox_drain() == 0
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and "backend bug" in message.last_error
    assert message.next_attempt_at > timezone.now()


def test_a_claimed_message_is_leased_to_one_worker(settings):
    from daftar.notifications.services import _claim

    message = outbox_enqueue(to="09121111111", text="t", kind="test")
    [claimed] = _claim()
    assert claimed.pk == message.pk and claimed.attempts == 1
    assert _claim() == []  # another worker finds nothing due while the lease runs
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)):
        [again] = _claim()  # the first worker died: after the lease the message is taken again
    assert again.attempts == 2
    message.refresh_from_db()
    assert message.attempts == 2


def test_a_batch_is_claimed_at_once_and_outcomes_are_written_in_groups(settings, monkeypatch):
    from daftar.notifications import services
    from daftar.notifications.models import OutboxMessage

    messages = [outbox_enqueue(to=f"0912111110{i}", text=f"پیام {i}", kind="test") for i in range(5)]
    seen: list[str] = []
    recorded_before: list[int] = []

    class Gateway:
        def send(self, sms):
            recorded_before.append(OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], status="sent").count())
            seen.append(sms.text)

    monkeypatch.setattr(services, "get_backend", lambda: Gateway())
    monkeypatch.setattr(services, "CLAIM_BATCH", 3)
    monkeypatch.setattr(services, "RECORD_EVERY", 2)
    assert outbox_drain() == 5
    assert seen == [f"پیام {persian_digits(i)}" for i in range(5)]
    # batch 1 (0, 1, 2): a group of two written after the second send, the third at the batch's
    # end; batch 2 (3, 4): written at its end
    assert recorded_before == [0, 0, 2, 3, 3]
    rows = OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])
    assert set(rows.values_list("attempts", flat=True)) == {1}
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert all(rows.values_list("sent_at", flat=True))


def test_a_sensitive_text_is_redacted_when_its_group_is_recorded(monkeypatch):
    from daftar.notifications import services

    code = outbox_enqueue(to="09121111111", text="رمز ورود: 482913", kind="otp", sensitive=True)
    plain = outbox_enqueue(to="09121111112", text="پرونده‌ی شما ثبت شد", kind="test")
    monkeypatch.setattr(services, "RECORD_EVERY", 10)
    assert outbox_drain() == 2
    code.refresh_from_db()
    plain.refresh_from_db()
    assert code.status == plain.status == "sent"
    assert "482913" not in code.text and code.text == services.REDACTED
    assert plain.text == "پرونده‌ی شما ثبت شد"


def test_a_worker_stopped_mid_batch_records_what_it_sent_and_leaves_the_rest_leased(settings, monkeypatch):
    from daftar.notifications import services
    from daftar.notifications.models import OutboxMessage

    messages = [outbox_enqueue(to=f"0912111130{i}", text=f"پیام {i}", kind="test") for i in range(5)]
    sent: list[str] = []

    class Gateway:
        def send(self, sms):
            if len(sent) == 3:
                raise SystemExit("worker stopped")  # not an SmsError: escapes the drain
            sent.append(sms.reference)

    monkeypatch.setattr(services, "get_backend", lambda: Gateway())
    with pytest.raises(SystemExit):
        outbox_drain()
    rows = {m.pk: m for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])}
    assert [rows[m.pk].status for m in messages] == ["sent", "sent", "sent", "pending", "pending"]
    # the unsent two stay leased to the stopped worker, then go out under their own references
    assert services._claim(10) == []
    monkeypatch.setattr(services, "get_backend", lambda: LocmemBackend())
    LocmemBackend.outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)):
        assert outbox_drain() == 2
    assert [s.reference for s in LocmemBackend.outbox] == [str(m.reference) for m in messages[3:]]


def test_a_batch_whose_lease_runs_out_leaves_the_rest_for_later(settings, monkeypatch):
    from daftar.notifications import services
    from daftar.notifications.models import OutboxMessage

    messages = [outbox_enqueue(to=f"0912111120{i}", text=f"پیام {i}", kind="test") for i in range(3)]
    sent: list[str] = []
    clock = {"now": timezone.now()}

    class SlowGateway:
        def send(self, sms):
            sent.append(sms.text)
            clock["now"] += dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)  # a very slow send

    monkeypatch.setattr(services, "get_backend", lambda: SlowGateway())
    with time_machine.travel(clock["now"], tick=False) as traveller:
        original = SlowGateway.send

        def send_and_move(self, sms):
            original(self, sms)
            traveller.move_to(clock["now"])

        monkeypatch.setattr(SlowGateway, "send", send_and_move)
        assert outbox_drain() == 1  # the first send used up the lease: the other two wait
    assert sent == ["پیام ۰"]
    pending = OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], status="pending")
    assert pending.count() == 2
    # given back as they were: due at once, the attempt that never happened not counted
    assert set(pending.values_list("attempts", flat=True)) == {0}
    assert all(m.next_attempt_at <= clock["now"] for m in pending)  # the (travelled) time of release


def test_a_backlog_left_behind_by_kicks_that_were_dropped_is_drained_by_one_task(settings):
    from django.core.cache import cache

    from daftar.notifications.services import KICK_MARK
    from daftar.notifications.tasks import drain_outbox

    cache.set(KICK_MARK, 1, timeout=30)  # a drain is on its way: these kicks are dropped
    for i in range(450):
        outbox_enqueue(to="09121111111", text=f"پیام {i}", kind="test")
    assert drain_outbox() == 450
    assert OutboxMessage.objects.filter(status="pending").count() == 0
    assert cache.get(KICK_MARK) is None


@pytest.mark.django_db(transaction=True)
def test_a_lingering_drain_task_sends_what_comes_while_it_waits_then_ends(settings, monkeypatch):
    from django.core.cache import cache

    from daftar.notifications import tasks
    from daftar.notifications.services import KICK_MARK

    settings.OUTBOX_LINGER_SECONDS = 0.6
    monkeypatch.setattr(tasks, "GATHER_SECONDS", 0.05)
    cache.set(KICK_MARK, 1, timeout=30)  # the task below is the one a kick started
    outbox_enqueue(to="09121111111", text="نخستین", kind="test")

    def queue_another() -> None:
        try:
            outbox_enqueue(to="09121111112", text="در راه", kind="test")
        finally:
            connection.close()  # this thread's own connection

    later = threading.Timer(0.2, queue_another)
    later.start()
    started = time.monotonic()
    try:
        sent = tasks.drain_outbox()
    finally:
        later.join()
    waited = time.monotonic() - started
    # the second message was queued while the task waited: the same task sent it (its own kick
    # was dropped, the mark being set), then waited out the linger and ended
    assert sent == 2 and 0.6 <= waited < 5
    assert [s.text for s in LocmemBackend.outbox] == ["نخستین", "در راه"]
    assert cache.get(KICK_MARK) is None


def test_a_kick_soon_after_this_process_queued_a_lingering_drain_asks_redis_nothing(settings, monkeypatch):
    from django.core.cache import cache

    from daftar.notifications import services, tasks

    settings.OUTBOX_LINGER_SECONDS = 1.0
    queued: list[int] = []
    monkeypatch.setattr(tasks.drain_outbox, "delay", lambda: queued.append(1))
    monkeypatch.setattr(services, "_own_kick", {"at": -1e9})
    asked: list[str] = []
    real_add = cache.add

    def counting_add(key: str, *args: Any, **kwargs: Any) -> bool:
        asked.append(key)
        return bool(real_add(key, *args, **kwargs))

    monkeypatch.setattr(cache, "add", counting_add)
    clock = {"now": 1000.0}
    monkeypatch.setattr(services.time, "monotonic", lambda: clock["now"])
    services.outbox_kick()  # queues the task, which lingers a second after its last message
    clock["now"] += 0.4
    services.outbox_kick()  # within half the linger: that task will see this message
    assert (queued, asked) == ([1], [services.KICK_MARK])
    clock["now"] += 0.2  # 0.6 s after the kick: ask again (the mark is still set: no second task)
    services.outbox_kick()
    assert (queued, asked) == ([1], [services.KICK_MARK, services.KICK_MARK])
    settings.OUTBOX_LINGER_SECONDS = 0.0  # eager tasks: every kick asks
    cache.delete(services.KICK_MARK)
    services.outbox_kick()
    services.outbox_kick()
    assert len(queued) == 2 and len(asked) == 4


def test_a_one_time_code_is_recorded_at_once_within_a_group(monkeypatch):
    from daftar.notifications import services
    from daftar.notifications.models import OutboxMessage

    plain = outbox_enqueue(to="09121111101", text="پرونده ثبت شد", kind="test")
    code = outbox_enqueue(to="09121111102", text="رمز ورود: 551204", kind="otp", sensitive=True)
    last = outbox_enqueue(to="09121111103", text="یادآوری نوبت", kind="test")
    seen: list[tuple[str, str, str]] = []

    class Gateway:
        def send(self, sms):
            rows = {m.pk: m for m in OutboxMessage.objects.filter(pk__in=[plain.pk, code.pk, last.pk])}
            seen.append((rows[plain.pk].status, rows[code.pk].status, rows[code.pk].text))

    monkeypatch.setattr(services, "get_backend", lambda: Gateway())
    monkeypatch.setattr(services, "RECORD_EVERY", 10)
    assert outbox_drain() == 3
    # before the third send, the code and the message before it are recorded, the code redacted
    assert seen[2] == ("sent", "sent", services.REDACTED)


def test_a_kick_that_could_not_queue_a_task_is_not_remembered(settings, monkeypatch):
    from django.core.cache import cache

    from daftar.notifications import services, tasks

    settings.OUTBOX_LINGER_SECONDS = 1.0
    monkeypatch.setattr(services, "_own_kick", {"at": -1e9})

    def broker_down() -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.drain_outbox, "delay", broker_down)
    with pytest.raises(ConnectionError):
        services.outbox_kick()
    assert services._own_kick["at"] == -1e9  # the next kick asks again
    cache.delete(services.KICK_MARK)


def test_gateway_down_a_batch_waits_with_its_first_failure_instead_of_trying_each(settings, gateway):
    """Issue 8 (fault injection): a gateway that is down is tried once per drain, not once per
    message; the rest of the batch waits as long as the failed one, its attempt not counted."""
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_RETRIES = 0
    gateway.statuses = [503]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        messages = [outbox_enqueue(to="09121111111", text=f"پیام {i}", kind="test") for i in range(5)]
        assert outbox_drain() == 0
        assert len(gateway.requests) == 1  # one probe, not five
        rows = list(OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).order_by("pk"))
        assert [r.attempts for r in rows] == [1, 0, 0, 0, 0]
        assert all(r.status == "pending" for r in rows)
        assert rows[0].next_attempt_at == start + dt.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)
        # the rest wait as long, and are due just before it (a message refused again and again
        # is not first in line every time)
        assert {r.next_attempt_at for r in rows[1:]} == {rows[0].next_attempt_at - dt.timedelta(milliseconds=1)}
        assert outbox_drain() == 0 and len(gateway.requests) == 1  # not due yet
        clock.move_to(start + dt.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS + 1))
        assert outbox_drain() == 5  # the gateway is back
    assert OutboxMessage.objects.filter(status="sent").count() == 5
    assert len({r["body"]["reference"] for r in gateway.requests[1:]}) == 5


def test_a_short_lease_still_sends(settings):
    """A lease of 30 s or less gave every batch back before its first send (the margin was a
    fixed 30 s), so nothing ever went out; the margin is now at most half the lease."""
    settings.OUTBOX_LEASE_SECONDS = 20
    message = outbox_enqueue(to="09121111111", text="t", kind="test")
    assert outbox_drain() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1


def test_a_drain_that_loses_the_database_comes_back_later(monkeypatch):
    """Issue 8: the database lost mid-drain; the task is retried in a few seconds (the
    messages are rows of that database: nothing to lose), not left to fail with a trace."""
    from celery.exceptions import Retry
    from django.db import OperationalError

    from daftar.notifications import tasks

    def lost(**kwargs: Any) -> int:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "outbox_drain", lost)
    retried: list[dict[str, Any]] = []

    def retry(**kwargs: Any) -> Retry:
        retried.append(kwargs)
        return Retry("again")

    monkeypatch.setattr(tasks.drain_outbox, "retry", retry)
    request = tasks.drain_outbox.request
    monkeypatch.setattr(type(request), "called_directly", property(lambda self: False), raising=False)
    with pytest.raises(Retry):
        tasks.drain_outbox()
    assert retried and retried[0]["countdown"] == tasks.DB_RETRY_SECONDS
    monkeypatch.setattr(tasks, "outbox_drain", lambda **kw: (_ for _ in ()).throw(ValueError("a bug")))
    with pytest.raises(ValueError):
        tasks.drain_outbox()  # anything else still fails


class _RefusesOne:
    """A gateway that fails (temporarily) for one number and takes every other message."""

    def __init__(self, bad: str) -> None:
        self.bad, self.sent = bad, []  # type: ignore[var-annotated]

    def send(self, sms: Sms) -> None:
        if sms.to == self.bad:
            raise SmsError("HTTP 500")
        self.sent.append(sms)


def test_a_message_the_gateway_keeps_refusing_does_not_hold_back_a_one_time_code(settings, monkeypatch):
    """Review of issue 8: the rest of a batch used to wait for the failing message's own
    back-off (up to an hour) while it stayed first in line; a login code queued with it must go
    out within the first retry wait."""
    from daftar.notifications import services

    gateway = _RefusesOne("09120000000")
    monkeypatch.setattr(services, "get_backend", lambda *a: gateway)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        old = outbox_enqueue(to="09120000000", text="یادآوری", kind="test")
        OutboxMessage.objects.filter(pk=old.pk).update(attempts=9)  # its back-off is now an hour
        code = outbox_enqueue(to="09121234567", text="رمز ۱۲۳۴۵۶", kind="otp", sensitive=True)
        others = [outbox_enqueue(to=f"0912555000{i}", text="پیام", kind="test") for i in range(3)]
        assert outbox_drain() == 0  # the old one was first: the gateway looked down
        clock.move_to(start + dt.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS + 1))
        assert outbox_drain() == 4
    assert {s.to for s in gateway.sent} == {"09121234567", *(o.to for o in others)}
    assert OutboxMessage.objects.get(pk=code.pk).status == "sent"
    assert OutboxMessage.objects.get(pk=old.pk).next_attempt_at > start + dt.timedelta(minutes=30)


def test_a_one_time_code_older_than_its_life_is_never_sent_and_is_redacted(settings, monkeypatch):
    settings.OTP_TTL_SECONDS = 120
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        code = outbox_enqueue(to="09121234567", text="رمز ۱۲۳۴۵۶", kind="otp", sensitive=True)
        notice = outbox_enqueue(to="09121234567", text="پرونده ثبت شد", kind="test")
        clock.move_to(start + dt.timedelta(seconds=121))  # the gateway was down all that time
        assert outbox_drain() == 1
    assert [s.text for s in LocmemBackend.outbox] == ["پرونده ثبت شد"]
    code.refresh_from_db()
    assert code.status == "failed" and "۱۲۳۴۵۶" not in code.text
    assert OutboxMessage.objects.get(pk=notice.pk).status == "sent"


def test_a_one_time_code_that_fails_for_good_is_redacted_too(monkeypatch):
    from daftar.notifications import services

    class Refuses:
        def send(self, sms: Sms) -> None:
            raise SmsRejected("barred")

    monkeypatch.setattr(services, "get_backend", lambda *a: Refuses())
    code = outbox_enqueue(to="09121234567", text="رمز ۱۲۳۴۵۶", kind="otp", sensitive=True)
    outbox_drain()
    code.refresh_from_db()
    assert code.status == "failed" and "۱۲۳۴۵۶" not in code.text


def test_a_failure_is_not_written_over_another_workers_outcome(monkeypatch):
    """Review of issue 8: a send that outlived its lease must not turn a message that another
    worker has since sent into a failed one."""
    from daftar.notifications import services

    message = outbox_enqueue(to="09121234567", text="پیام", kind="test")

    class SlowThenFails:
        def send(self, sms: Sms) -> None:
            # meanwhile the lease ran out, another worker claimed and sent the message
            OutboxMessage.objects.filter(pk=message.pk).update(status="sent", next_attempt_at=timezone.now())
            raise SmsError("timeout")

    monkeypatch.setattr(services, "get_backend", lambda *a: SlowThenFails())
    outbox_drain()
    assert OutboxMessage.objects.get(pk=message.pk).status == "sent"


def test_the_lease_margin_covers_one_worst_case_send(settings):
    from daftar.notifications.services import _lease_margin, worst_send_seconds

    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_TIMEOUT = 5
    settings.SMS_HTTP_RETRIES = 2
    settings.OUTBOX_LEASE_SECONDS = 120
    assert worst_send_seconds() == 31.5  # 3 tries x (5 s connect + 5 s read) + 0.5 + 1 s of back-off
    assert _lease_margin() == 36.5


def test_a_lease_too_short_for_a_send_is_a_warning(settings):
    from daftar.notifications.checks import outbox_lease_fits_a_send

    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_TIMEOUT = 5
    settings.SMS_HTTP_RETRIES = 2
    settings.OUTBOX_LEASE_SECONDS = 60
    assert [w.id for w in outbox_lease_fits_a_send()] == ["daftar.W002"]
    settings.OUTBOX_LEASE_SECONDS = 120
    assert outbox_lease_fits_a_send() == []


@pytest.mark.django_db
def test_sms_reads_in_persian_digits_but_codes_stay_typeable():
    message = outbox_enqueue(
        to="09121111111", text="نوبت 3 در ساعت 10:30؛ کد رهگیری AB2C-DE4F-9H. مهلت: 2 روز", kind="t"
    )
    assert message.text == "نوبت ۳ در ساعت ۱۰:۳۰؛ کد رهگیری AB2C-DE4F-9H. مهلت: ۲ روز"
