"""Public verification (S16, issue 5 §4): live status, masked holder, signature, the QR code,
identical 404s for unknown and malformed numbers, a log row per check, and the rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from daftar.licences import messages as msg
from daftar.licences import signing
from daftar.licences.models import Licence, LicenceStatus, VerificationLog
from daftar.licences.moves import licence_renew, licence_revoke, licence_suspend
from daftar.licences.tests.factories import authority

pytestmark = pytest.mark.django_db

REASON = "تخلف مالی: دریافت وجه بیش از تعرفهٔ مصوب"


def verify(api: APIClient, number: str, **extra):
    return api.get(f"/api/v1/licences/{number}/verify", **extra)


def test_active_licence_reads_active_with_masked_holder_and_valid_signature(api, make_licence):
    licence = make_licence()
    response = verify(api, licence.number)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == licence.number
    assert body["status"] == "active"
    assert body["status_display"] == "فعال"
    assert body["holder"] == "س*** م***ی"  # سارا محمدی, masked
    assert "محمدی" not in response.content.decode()
    assert body["office"] == licence.office_name
    assert body["district"]["name"] == licence.district.name
    assert body["municipality"]["slug"] == "tehran"
    assert body["valid_until"] == licence.valid_until.isoformat()
    assert body["valid_until_jalali"].count("/") == 2
    assert body["signature_valid"] is True
    assert body["suspended_until"] is None and body["revoked_at"] is None


def test_number_typed_with_persian_digits_and_lower_case_is_found(api, make_licence):
    licence = make_licence()
    typed = licence.number.lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert verify(api, typed).json()["number"] == licence.number


def test_suspended_licence_says_suspended_until_when(api, make_licence):
    licence = make_licence()
    until = timezone.localdate() + dt.timedelta(days=20)
    licence_suspend(licence, until=until, reason=REASON, actor=authority())
    body = verify(api, licence.number).json()
    assert body["status"] == "suspended"
    assert body["status_display"] == "تعلیق‌شده"
    assert body["suspended_until"] == until.isoformat()
    assert body["suspended_until_jalali"]
    assert "reason" not in body and REASON not in str(body)  # the reason stays with the authority


def test_revoked_licence_says_revoked_and_when(api, make_licence):
    licence = make_licence()
    licence_revoke(licence, reason=REASON, actor=authority())
    body = verify(api, licence.number).json()
    assert body["status"] == "revoked"
    assert body["revoked_at"] is not None and body["revoked_at_jalali"]


def test_active_licence_past_its_end_reads_expired_before_the_sweep(api, make_licence):
    licence = make_licence(valid_until=timezone.localdate() + dt.timedelta(days=10))
    assert verify(api, licence.number).json()["status"] == "active"
    with time_machine.travel(timezone.now() + dt.timedelta(days=11), tick=False):
        body = verify(api, licence.number).json()
    assert body["status"] == "expired"
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE  # stored status untouched


def test_a_row_edited_behind_the_system_fails_its_signature(api, make_licence):
    licence = make_licence()
    Licence.objects.filter(pk=licence.pk).update(valid_until=licence.valid_until + dt.timedelta(days=365))
    assert verify(api, licence.number).json()["signature_valid"] is False


def test_unknown_and_malformed_numbers_get_the_same_404(api, make_licence):
    make_licence()
    answers = [verify(api, n) for n in ("TEH-1404-999999", "x'--;drop", "<script>", "A" * 60)]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    assert answers[0].json() == {"code": "not_found", "detail": msg.NOT_FOUND, "fields": {}}


def test_each_check_is_logged_with_the_address_hashed(api, make_licence):
    licence = make_licence()
    verify(api, licence.number, REMOTE_ADDR="203.0.113.9")
    verify(api, "TEH-1404-999999", REMOTE_ADDR="203.0.113.9")
    found, missing = VerificationLog.objects.order_by("pk")
    assert (found.number, found.licence_id, found.found, found.channel) == (licence.number, licence.pk, True, "api")
    assert (missing.licence_id, missing.found) == (None, False)
    expected = hmac.new(settings.SECRET_KEY.encode(), b"203.0.113.9", hashlib.sha256).hexdigest()
    assert found.client == missing.client == expected
    assert "203.0.113" not in found.client


def test_rate_limit_per_address_gives_429_with_retry_after(api, make_licence, settings):
    settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY = 3
    licence = make_licence()
    for _ in range(3):
        assert verify(api, licence.number, REMOTE_ADDR="198.51.100.7").status_code == 200
    throttled = verify(api, licence.number, REMOTE_ADDR="198.51.100.7")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 3600
    assert throttled.json()["code"] == "throttled"
    assert "ثانیه" in throttled.json()["detail"]
    assert verify(api, licence.number, REMOTE_ADDR="198.51.100.8").status_code == 200  # another address
    assert VerificationLog.objects.count() == 4  # the refused check looked nothing up


def test_qr_token_is_genuine_and_current_then_stale_after_renewal(api, make_licence):
    licence = make_licence(valid_until=timezone.localdate() + dt.timedelta(days=20))
    token = signing.token(licence.payload, licence.signature)
    qr = verify(api, licence.number, data={"p": token}).json()["qr"]
    assert qr == {"signature_valid": True, "matches": True, "message": msg.QR_VALID}
    licence_renew(licence, reason="تمدید پس از بازرسی دوره‌ای", actor=authority())
    qr = verify(api, licence.number, data={"p": token}).json()["qr"]
    assert qr["signature_valid"] is True and qr["matches"] is False


def test_qr_token_with_forged_payload_is_invalid(api, make_licence):
    licence = make_licence()
    forged = licence.payload.replace(licence.valid_until.isoformat(), "2099-01-01")
    token = signing.token(forged, licence.signature)
    qr = verify(api, licence.number, data={"p": token}).json()["qr"]
    assert qr["signature_valid"] is False and qr["message"] == msg.QR_INVALID
    assert verify(api, licence.number, data={"p": "garbage"}).json()["qr"]["signature_valid"] is False
