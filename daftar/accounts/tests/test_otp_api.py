"""The OTP login rules of S15.3-S15.4 and API.md, through the REST API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken

from conftest import api_login, captcha_answer, request_code, sms_code
from daftar.accounts import messages as msg
from daftar.accounts.models import OneTimeCode, User
from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.kernel import messages as cm
from daftar.notifications.backends import LocmemBackend
from daftar.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
MOBILE = "09121234567"


def verify(api, mobile, code):
    return api.post("/api/v1/auth/otp/verify", {"mobile": mobile, "code": code}, format="json")


def test_captcha_is_an_image_drawn_by_the_server(api):
    body = api.get("/api/v1/auth/captcha").json()
    assert set(body) == {"key", "image_url", "audio_url", "challenge"}
    assert body["challenge"] is None  # a quiet address has nothing more to solve
    image = api.get(body["image_url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content if image.streaming else [image.content])[:8] == b"\x89PNG\r\n\x1a\n"


def test_login_end_to_end_creates_the_user_with_person_type_and_nationality(api):
    response = request_code(api, "۰۹۱۲-۱۲۳-۴۵۶۷", person_type="legal", nationality="af")
    assert response.status_code == 202
    issued = response.json()
    assert {k: issued[k] for k in ("expires_in", "resend_after")} == {"expires_in": 120, "resend_after": 60}
    assert len(issued["request_id"]) >= 20
    code = sms_code(MOBILE)
    response = verify(api, "+98 912 123 4567", code)
    assert response.status_code == 200
    body = response.json()
    assert body["device_token"]
    assert body["user"]["mobile"] == MOBILE
    assert body["user"]["person_type"] == "legal"
    assert body["user"]["nationality"] == "AF"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["mobile"] == MOBILE
    assert AuditEntry.objects.filter(action="user_registered", object_id=str(me.json()["id"])).exists()
    assert AuditEntry.objects.filter(action="user_logged_in").count() == 1


def test_codes_are_six_digits_stored_hashed_and_sms_text_is_redacted_after_sending(api):
    request_code(api, MOBILE)
    code = sms_code(MOBILE)
    assert len(code) == 6 and code.isdigit()
    otp = OneTimeCode.objects.get(mobile=MOBILE)
    assert code not in otp.code_hash and len(otp.code_hash) == 64
    message = OutboxMessage.objects.get(to=MOBILE)
    assert message.status == "sent" and code not in message.text


def test_the_answer_is_the_same_whether_or_not_the_number_has_an_account(api):
    UserFactory(mobile="09120000111")
    known = request_code(api, "09120000111")
    unknown = request_code(api, "09120000222")
    known_body, unknown_body = known.json(), unknown.json()
    assert set(known_body) == set(unknown_body) and len(known_body.pop("request_id")) == len(
        unknown_body.pop("request_id")
    )
    assert (known.status_code, known_body) == (unknown.status_code, unknown_body)
    assert User.objects.filter(mobile="09120000222").count() == 0  # nothing created before the code is verified


def test_code_expires_after_120_seconds(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        request_code(api, MOBILE)
        code = sms_code(MOBILE)
        clock.move_to(start + dt.timedelta(seconds=121))
        response = verify(api, MOBILE, code)
    assert response.status_code == 400
    assert response.json()["code"] == "otp_expired"
    assert response.json()["detail"] == msg.OTP_EXPIRED
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_code_is_still_valid_just_before_expiry(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        request_code(api, MOBILE)
        code = sms_code(MOBILE)
        clock.move_to(start + dt.timedelta(seconds=119))
        assert verify(api, MOBILE, code).status_code == 200


def test_five_wrong_tries_kill_the_code(api):
    request_code(api, MOBILE)
    code = sms_code(MOBILE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for attempt in range(1, 5):
        response = verify(api, MOBILE, wrong)
        assert response.status_code == 400 and response.json()["code"] == "otp_invalid", attempt
    fifth = verify(api, MOBILE, wrong)
    assert fifth.json()["code"] == "otp_locked" and fifth.json()["detail"] == msg.OTP_LOCKED
    right = verify(api, MOBILE, code)
    assert right.status_code == 400 and right.json()["code"] == "otp_locked"
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_a_used_code_cannot_be_replayed(api):
    request_code(api, MOBILE)
    code = sms_code(MOBILE)
    assert verify(api, MOBILE, code).status_code == 200
    replay = verify(api, MOBILE, code)
    assert replay.status_code == 400
    assert replay.json() == {"code": "otp_used", "detail": msg.OTP_USED, "fields": {"code": [msg.OTP_USED]}}
    assert AuthToken.objects.count() == 1


def test_code_is_bound_to_its_number(api):
    request_code(api, MOBILE)
    code = sms_code(MOBILE)
    response = verify(api, "09129999999", code)
    assert response.status_code == 400
    assert not User.objects.exists()


def test_resend_is_refused_within_60_seconds_with_retry_after(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert request_code(api, MOBILE).status_code == 202
        clock.move_to(start + dt.timedelta(seconds=20))
        response = request_code(api, MOBILE)
        assert response.status_code == 429
        assert response["Retry-After"] == "40"
        assert response.json()["detail"] == msg.OTP_RESEND_WAIT.format(wait="۴۰ ثانیهٔ")
        clock.move_to(start + dt.timedelta(seconds=61))
        assert request_code(api, MOBILE).status_code == 202
    assert OneTimeCode.objects.filter(mobile=MOBILE).count() == 2


def test_at_most_five_codes_per_number_per_hour_for_one_requester(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(5):
            clock.move_to(start + dt.timedelta(seconds=61 * i))
            assert request_code(api, MOBILE).status_code == 202, i
        clock.move_to(start + dt.timedelta(seconds=61 * 5))
        response = request_code(api, MOBILE)
        assert response.status_code == 429
        assert response.json()["code"] == "otp_hourly_cap"
        assert 0 < int(response["Retry-After"]) <= 3600 - 61 * 5 + 1
        clock.move_to(start + dt.timedelta(seconds=3601))
        assert request_code(api, MOBILE).status_code == 202
    assert OneTimeCode.objects.filter(mobile=MOBILE).count() == 6


def test_a_new_code_replaces_the_old_one(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        request_code(api, MOBILE)
        first = sms_code(MOBILE)
        clock.move_to(start + dt.timedelta(seconds=61))
        request_code(api, MOBILE)
        second = sms_code(MOBILE)
        if first != second:
            assert verify(api, MOBILE, first).status_code == 400
        assert verify(api, MOBILE, second).status_code == 200


def test_wrong_captcha_is_refused_and_consumed(api):
    key = api.get("/api/v1/auth/captcha").json()["key"]
    right = captcha_answer(key)
    wrong = "1" if right != "1" else "2"
    body = {"mobile": MOBILE, "captcha_key": key, "captcha_value": wrong}
    response = api.post("/api/v1/auth/otp/request", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "captcha_invalid" and response.json()["detail"] == msg.CAPTCHA_WRONG
    body["captcha_value"] = right  # the right answer after a wrong one: the challenge is gone
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 400
    assert not OneTimeCode.objects.exists() and not OutboxMessage.objects.exists()


def test_a_captcha_cannot_be_reused(api):
    key = api.get("/api/v1/auth/captcha").json()["key"]
    body = {"mobile": MOBILE, "captcha_key": key, "captcha_value": captcha_answer(key)}
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 202
    body["mobile"] = "09127654321"
    response = api.post("/api/v1/auth/otp/request", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "captcha_invalid"


def test_captcha_answer_in_persian_digits_is_accepted(api):
    key = api.get("/api/v1/auth/captcha").json()["key"]
    answer = captcha_answer(key).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    body = {"mobile": MOBILE, "captcha_key": key, "captcha_value": answer}
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 202


def test_captcha_test_mode_works_only_with_debug(api, settings):
    settings.CAPTCHA_TEST_MODE = True
    settings.DEBUG = False
    key = api.get("/api/v1/auth/captcha").json()["key"]
    body = {"mobile": MOBILE, "captcha_key": key, "captcha_value": "PASSED"}
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 400
    settings.DEBUG = True
    body["captcha_key"] = api.get("/api/v1/auth/captcha").json()["key"]
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 202


@pytest.mark.parametrize(
    ("mobile", "detail"),
    [
        ("0912123456", cm.MOBILE_INVALID),
        ("091212345678", cm.MOBILE_INVALID),
        ("+4479111234", cm.MOBILE_NOT_IRANIAN),
        ("0912abc4567", cm.MOBILE_NOT_DIGITS),
        ("", cm.MOBILE_REQUIRED),
    ],
)
def test_bad_mobile_numbers_get_a_persian_400_and_change_nothing(api, mobile, detail):
    key = api.get("/api/v1/auth/captcha").json()["key"]
    body = {"mobile": mobile, "captcha_key": key, "captcha_value": captcha_answer(key)}
    response = api.post("/api/v1/auth/otp/request", body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert "mobile" in data["fields"]
    if mobile:
        assert data["fields"]["mobile"] == [detail]
    assert not OneTimeCode.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_malformed_code_is_refused_without_counting_an_attempt(api, code):
    request_code(api, MOBILE)
    response = verify(api, MOBILE, code)
    assert response.status_code == 400
    assert OneTimeCode.objects.get(mobile=MOBILE).attempts == 0


def test_unknown_nationality_and_person_type_are_refused(api):
    response = request_code(api, MOBILE, nationality="XX")
    assert response.status_code == 400 and response.json()["fields"]["nationality"] == [msg.NATIONALITY_INVALID]
    response = request_code(api, MOBILE, person_type="alien")
    assert response.status_code == 400 and response.json()["fields"]["person_type"] == [msg.PERSON_TYPE_INVALID]
    assert not OneTimeCode.objects.exists()


def test_persian_digit_code_is_accepted(api):
    request_code(api, MOBILE)
    code = sms_code(MOBILE).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert verify(api, MOBILE, code).status_code == 200


def test_tokens_are_stored_hashed_and_revocable(api):
    token = api_login(api, MOBILE)
    stored = AuthToken.objects.get()
    assert token not in stored.digest and stored.token_key == token[: len(stored.token_key)]
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert api.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/me").json()["code"] in {"not_authenticated", "authentication_failed"}


def test_sms_goes_through_the_outbox_only_after_commit(api):
    LocmemBackend.outbox.clear()
    request_code(api, MOBILE)
    # Inside the test transaction on_commit has not run: the message waits in the outbox.
    assert OutboxMessage.objects.get(to=MOBILE).status == "pending"
    assert LocmemBackend.outbox == []
    sms_code(MOBILE)
    assert OutboxMessage.objects.get(to=MOBILE).status == "sent"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_logs_in_once_even_under_concurrent_use(api):
    import threading

    from django.db import connections

    from daftar.accounts.services import otp_verify
    from daftar.kernel.errors import ApplicationError

    request_code(api, MOBILE)
    code = sms_code(MOBILE)
    results: list[str] = []
    barrier = threading.Barrier(6)

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            otp_verify(mobile=MOBILE, code=code, address=f"10.0.0.{n}", channel="api")
            results.append("ok")
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] + ["otp_used"] * 5
    assert User.objects.filter(mobile=MOBILE).count() == 1
