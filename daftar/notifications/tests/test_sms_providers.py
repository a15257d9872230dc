"""The Iranian SMS providers (issue 20, point 8): each adapter against the recorded requests and
answers in ``fixtures/sms/`` (the exact request it must send, the providers' documented
answers), and the failover between them through the outbox against a local fake server."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from daftar.accounts import messages as accounts_msg
from daftar.notifications.backends import Sms, SmsError, SmsRejected, get_backend
from daftar.notifications.backends.providers import Kavenegar, ProviderFailed, ProvidersBackend, SmsIr, otp_code
from daftar.notifications.models import OutboxMessage, OutboxStatus
from daftar.notifications.services import outbox_drain, outbox_enqueue, worst_send_seconds

FIXTURES = Path(__file__).parent / "fixtures" / "sms"
KAVENEGAR_OK = {"return": {"status": 200, "message": "تایید شد"}, "entries": [{"messageid": 1, "status": 5}]}
SMSIR_OK = {"status": 1, "message": "موفق", "data": {"messageId": 1, "cost": 1.0}}


class FakeProviders:
    """Kavenegar under ``/kavenegar/v1`` and SMS.ir under ``/smsir/v1`` on 127.0.0.1: records each
    request and answers from a script per provider (status, body, delay), then with success."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.scripts: dict[str, list[tuple[int, Any, float]]] = {"kavenegar": [], "smsir": []}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                provider = self.path.split("/")[1]
                fake.requests.append(
                    {"provider": provider, "path": self.path, "headers": dict(self.headers.items()), "body": raw}
                )
                script = fake.scripts.get(provider) or []
                status, body, delay = script.pop(0) if script else (200, _ok(provider), 0.0)
                time.sleep(delay)
                data = (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (a time-out test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def of(self, provider: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["provider"] == provider]


def _ok(provider: str) -> dict[str, Any]:
    return KAVENEGAR_OK if provider == "kavenegar" else SMSIR_OK


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    server = FakeProviders()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def providers(settings: Any, fake: FakeProviders) -> FakeProviders:
    settings.SMS_BACKEND = "providers"
    settings.SMS_PROVIDERS = ["kavenegar", "smsir"]
    settings.SMS_HTTP_TIMEOUT = 0.5
    settings.KAVENEGAR_API_KEY = "TEST-KEY"
    settings.KAVENEGAR_SENDER = "10004346"
    settings.KAVENEGAR_OTP_TEMPLATE = "daftar-otp"
    settings.KAVENEGAR_URL = f"{fake.base}/kavenegar/v1"
    settings.SMSIR_API_KEY = "TEST-KEY"
    settings.SMSIR_LINE = "30007732000000"
    settings.SMSIR_OTP_TEMPLATE_ID = "123456"
    settings.SMSIR_OTP_PARAMETER = "CODE"
    settings.SMSIR_URL = f"{fake.base}/smsir/v1"
    return fake


# --- recorded requests and answers ---------------------------------------------------------------


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def test_there_are_recorded_exchanges_for_both_providers_with_each_outcome() -> None:
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in _fixtures()]
    for provider in ("kavenegar", "smsir"):
        outcomes = {f["outcome"] for f in loaded if f["provider"] == provider}
        assert outcomes == {"sent", "rejected", "provider_failed"}, provider


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.stem)
def test_adapter_sends_the_recorded_request_and_reads_the_recorded_answer(
    path: Path, fake: FakeProviders, settings: Any
) -> None:
    recorded = json.loads(path.read_text(encoding="utf-8"))
    name = recorded["provider"]
    adapter: Kavenegar | SmsIr
    if name == "kavenegar":
        default_url = Kavenegar(api_key="TEST-KEY").url
        adapter = Kavenegar(
            api_key="TEST-KEY", sender="10004346", otp_template="daftar-otp", url=f"{fake.base}/kavenegar/v1"
        )
    else:
        default_url = SmsIr(api_key="TEST-KEY").url
        adapter = SmsIr(
            api_key="TEST-KEY", line="30007732000000", otp_template_id="123456", url=f"{fake.base}/smsir/v1"
        )
    fake.scripts[name].append((recorded["response"]["status"], recorded["response"]["body"], 0.0))
    sms = Sms(reference="ref-1", to=recorded["sms"]["to"], text=recorded["sms"]["text"], kind=recorded["sms"]["kind"])

    outcome = "sent"
    try:
        adapter.send(sms)
    except SmsRejected:
        outcome = "rejected"
    except ProviderFailed:
        outcome = "provider_failed"
    assert outcome == recorded["outcome"]

    # the request, exactly: the documented endpoint, headers and body
    (sent,) = fake.requests
    expected = recorded["request"]
    assert expected["url"].startswith(default_url + "/")
    assert sent["path"] == f"/{name}/v1/" + expected["url"][len(default_url) + 1 :]
    for header, value in expected["headers"].items():
        assert sent["headers"].get(header, "").split(";")[0] == value, header
    if "form" in expected:
        assert dict(urllib.parse.parse_qsl(sent["body"], keep_blank_values=True)) == expected["form"]
    else:
        assert json.loads(sent["body"]) == expected["json"]


# --- the one-time code: by template, in Latin digits ---------------------------------------------


def test_the_code_is_taken_from_a_persian_text_in_latin_digits_with_its_leading_zero() -> None:
    text = "دفتر: رمز ورود شما ۰۸۶۰۳۲\nاین رمز تا ۲ دقیقه معتبر است."
    assert otp_code(text) == "086032"
    assert otp_code("رمز: 123456") == "123456"
    assert otp_code("بدون رمز، ۲ دقیقه") is None


@pytest.mark.django_db
def test_a_login_code_goes_by_both_templates_in_latin_digits_and_other_texts_stay_persian(
    providers: FakeProviders, settings: Any
) -> None:
    text = accounts_msg.OTP_SMS_TEXT.format(code="012345", minutes=2)
    outbox_enqueue(to="09121234567", text=text, kind="otp", sensitive=True)
    outbox_enqueue(to="09121234567", text="نوبت شما ۱۲ مهر ساعت 9", kind="appointment_booked")
    assert outbox_drain() == 2

    lookup, plain = providers.of("kavenegar")
    assert lookup["path"] == "/kavenegar/v1/TEST-KEY/verify/lookup.json"
    assert urllib.parse.parse_qs(lookup["body"])["token"] == ["012345"]
    assert plain["path"] == "/kavenegar/v1/TEST-KEY/sms/send.json"
    assert urllib.parse.parse_qs(plain["body"])["message"] == ["نوبت شما ۱۲ مهر ساعت ۹"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}

    settings.SMS_PROVIDERS = ["smsir"]
    outbox_enqueue(to="09121234567", text=text, kind="otp", sensitive=True)
    assert outbox_drain() == 1
    (verify,) = providers.of("smsir")
    assert json.loads(verify["body"])["parameters"] == [{"name": "CODE", "value": "012345"}]


@pytest.mark.django_db
def test_without_a_template_the_code_goes_as_the_whole_text(providers: FakeProviders, settings: Any) -> None:
    settings.KAVENEGAR_OTP_TEMPLATE = ""
    outbox_enqueue(to="09121234567", text="رمز ورود شما 123456", kind="otp", sensitive=True)
    assert outbox_drain() == 1
    (sent,) = providers.of("kavenegar")
    assert sent["path"].endswith("/sms/send.json")
    assert urllib.parse.parse_qs(sent["body"])["message"] == ["رمز ورود شما ۱۲۳۴۵۶"]


# --- failover ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_5xx_from_the_first_provider_fails_over_to_the_second(
    providers: FakeProviders, caplog: pytest.LogCaptureFixture
) -> None:
    providers.scripts["kavenegar"].append((502, "<html>Bad Gateway</html>", 0.0))
    message = outbox_enqueue(to="09121234567", text="رمز ورود شما 654321", kind="otp", sensitive=True)
    with caplog.at_level(logging.INFO, logger="daftar.notifications.backends.providers"):
        assert outbox_drain() == 1
    assert [r["provider"] for r in providers.requests] == ["kavenegar", "smsir"]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert f"sms_sent provider=smsir reference={message.reference}" in caplog.text


@pytest.mark.django_db
def test_a_provider_that_does_not_answer_in_time_is_left_for_the_next(providers: FakeProviders) -> None:
    providers.scripts["kavenegar"].append((200, KAVENEGAR_OK, 2.0))  # longer than the 0.5 s time-out
    started = time.monotonic()
    outbox_enqueue(to="09121234567", text="نوبت شما ثبت شد", kind="appointment_booked")
    assert outbox_drain() == 1
    assert time.monotonic() - started < 1.8
    assert [r["provider"] for r in providers.requests] == ["kavenegar", "smsir"]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_an_error_status_for_the_account_fails_over(providers: FakeProviders) -> None:
    providers.scripts["kavenegar"].append((418, {"return": {"status": 418, "message": "اعتبار کافی نیست"}}, 0.0))
    outbox_enqueue(to="09121234567", text="نوبت شما ثبت شد", kind="appointment_booked")
    assert outbox_drain() == 1
    assert [r["provider"] for r in providers.requests] == ["kavenegar", "smsir"]


@pytest.mark.django_db
def test_when_every_provider_fails_the_message_waits_for_a_later_try(providers: FakeProviders) -> None:
    providers.scripts["kavenegar"].append((500, "down", 0.0))
    providers.scripts["smsir"].append((503, "down", 0.0))
    message = outbox_enqueue(to="09121234567", text="نوبت شما ثبت شد", kind="appointment_booked")
    assert outbox_drain() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert "kavenegar" in message.last_error and "smsir" in message.last_error


@pytest.mark.django_db
def test_an_invalid_number_is_refused_for_good_and_not_sent_elsewhere(providers: FakeProviders) -> None:
    providers.scripts["kavenegar"].append((411, {"return": {"status": 411, "message": "گیرنده نامعتبر است"}}, 0.0))
    message = outbox_enqueue(to="09121234567", text="نوبت شما ثبت شد", kind="appointment_booked")
    assert outbox_drain() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "411" in message.last_error
    assert [r["provider"] for r in providers.requests] == ["kavenegar"]


# --- settings ------------------------------------------------------------------------------------


def test_the_backend_is_chosen_and_ordered_by_settings(providers: FakeProviders, settings: Any) -> None:
    settings.SMS_PROVIDERS = ["smsir", "kavenegar"]
    backend = get_backend()
    assert isinstance(backend, ProvidersBackend)
    assert [p.name for p in backend.providers] == ["smsir", "kavenegar"]
    # each provider once, to connect and to read: the outbox's lease margin counts it
    assert worst_send_seconds() == 2 * 2 * 0.5


def test_a_missing_key_or_unknown_provider_is_a_clear_temporary_error(providers: FakeProviders, settings: Any) -> None:
    settings.SMSIR_API_KEY = ""
    with pytest.raises(SmsError, match="DAFTAR_SMSIR_API_KEY"):
        get_backend()
    settings.SMS_PROVIDERS = ["magfa"]
    with pytest.raises(SmsError, match="magfa"):
        get_backend()
    settings.SMS_PROVIDERS = []
    with pytest.raises(SmsError, match="DAFTAR_SMS_PROVIDERS"):
        get_backend()


@pytest.mark.django_db
def test_a_200_page_that_is_not_kavenegars_answer_is_not_taken_for_sent(providers: FakeProviders) -> None:
    # a captive portal or a filter's page answers 200 with HTML: nothing was delivered
    providers.scripts["kavenegar"].append((200, "<html>صفحهٔ ورود به شبکه</html>", 0.0))
    outbox_enqueue(to="09121234567", text="نوبت شما ثبت شد", kind="appointment_booked")
    assert outbox_drain() == 1
    assert [r["provider"] for r in providers.requests] == ["kavenegar", "smsir"]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
def test_a_network_error_leaves_the_api_key_out_of_the_logs_and_the_outbox(
    providers: FakeProviders, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Kavenegar's key is part of its URL, and a refused connection's text names the URL
    settings.KAVENEGAR_API_KEY = "SECRET-KAVENEGAR-KEY-42"
    settings.KAVENEGAR_URL = "http://127.0.0.1:9/v1"  # the discard port: connection refused
    settings.SMS_PROVIDERS = ["kavenegar"]
    message = outbox_enqueue(to="09121234567", text="نوبت شما ثبت شد", kind="appointment_booked")
    with caplog.at_level(logging.INFO):
        outbox_drain()
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "ConnectionError" in message.last_error
    assert "SECRET-KAVENEGAR-KEY-42" not in message.last_error
    assert "SECRET-KAVENEGAR-KEY-42" not in caplog.text
