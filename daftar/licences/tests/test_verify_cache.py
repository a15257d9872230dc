"""Public verification is served from a cached snapshot (issue 7: public reads cacheable and
invalidated on change) while every check is still logged and throttled (S16, issue 5 §4): a
repeated check costs one query (the log row), and a suspension, reinstatement or revocation
shows in the very next answer."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from daftar.licences.models import Licence, VerificationLog
from daftar.licences.moves import licence_reinstate, licence_revoke, licence_suspend
from daftar.licences.tests.factories import authority
from daftar.licences.verification import SNAPSHOT_VERSION_TTL, licence_changed

pytestmark = pytest.mark.django_db

REASON = "تخلف مالی: دریافت وجه بیش از تعرفهٔ مصوب"


def verify(api, number: str, **extra):
    return api.get(f"/api/v1/licences/{number}/verify", **extra)


def test_repeated_check_costs_only_the_log_insert_and_is_identical(api, make_licence, django_assert_num_queries):
    licence = make_licence()
    first = verify(api, licence.number)
    assert first.status_code == 200
    with django_assert_num_queries(1):
        again = verify(api, licence.number)
    assert again.content == first.content
    assert again.json()["signature_valid"] is True


def test_each_check_is_still_logged_cached_or_not(api, make_licence):
    licence = make_licence()
    for _ in range(3):
        assert verify(api, licence.number).status_code == 200
    assert verify(api, "TEH-1404-999999").status_code == 404
    assert verify(api, "TEH-1404-999999").status_code == 404
    assert verify(api, "<script>").status_code == 404
    logs = list(VerificationLog.objects.order_by("pk"))
    assert [(log.number, log.found, log.licence_id) for log in logs] == [
        (licence.number, True, licence.pk),
        (licence.number, True, licence.pk),
        (licence.number, True, licence.pk),
        ("TEH-1404-999999", False, None),
        ("TEH-1404-999999", False, None),
        ("<script>", False, None),
    ]
    assert all(abs((timezone.now() - log.at).total_seconds()) < 60 for log in logs)
    assert all(len(log.client) == 64 and log.channel == "api" for log in logs)


def test_suspension_then_reinstatement_show_immediately(api, make_licence):
    licence = make_licence()
    assert verify(api, licence.number).json()["status"] == "active"
    until = timezone.localdate() + dt.timedelta(days=30)
    licence_suspend(licence, until=until, reason=REASON, actor=authority())
    body = verify(api, licence.number).json()
    assert body["status"] == "suspended"
    assert body["status_display"] == "تعلیق‌شده"
    assert body["suspended_until"] == until.isoformat()
    licence_reinstate(Licence.objects.get(pk=licence.pk), reason=REASON, actor=authority())
    assert verify(api, licence.number).json()["status"] == "active"


def test_revocation_shows_immediately_with_its_time(api, make_licence):
    licence = make_licence()
    verify(api, licence.number)
    licence_revoke(licence, reason=REASON, actor=authority())
    body = verify(api, licence.number).json()
    assert body["status"] == "revoked"
    assert body["revoked_at"] is not None


def test_a_number_unknown_then_issued_is_found_at_once(api, make_licence):
    assert verify(api, "TEH-1404-000001").status_code == 404  # the negative answer is cached …
    licence = make_licence()  # … and the new licence's save invalidates it
    assert licence.number == "TEH-1404-000001"
    assert verify(api, licence.number).status_code == 200


def test_expiry_shows_the_next_day_without_any_change(api, make_licence, time_machine):
    today = timezone.localdate()
    licence = make_licence(valid_until=today)
    assert verify(api, licence.number).json()["status"] == "active"
    time_machine.move_to(timezone.now() + dt.timedelta(days=1))
    assert verify(api, licence.number).json()["status"] == "expired"


def test_a_change_behind_the_signals_back(api, make_licence):
    licence = make_licence()
    verify(api, licence.number)
    Licence.objects.filter(pk=licence.pk).update(office_name="دفتر دیگر")  # no signal
    assert verify(api, licence.number).json()["office"] == licence.office_name  # cached
    licence_changed(licence.number)  # what a caller of update() does
    assert verify(api, licence.number).json()["office"] == "دفتر دیگر"
    Licence.objects.filter(pk=licence.pk).update(office_name="دفتر سوم")
    cache.delete(f"licence-verify:v:{licence.number}")  # what Redis does after the version's TTL
    assert SNAPSHOT_VERSION_TTL <= 60
    assert verify(api, licence.number).json()["office"] == "دفتر سوم"


def test_rate_limit_still_applies_to_cached_checks(api, make_licence, settings):
    settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY = 2
    licence = make_licence()
    assert verify(api, licence.number).status_code == 200
    assert verify(api, licence.number).status_code == 200
    throttled = verify(api, licence.number)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert VerificationLog.objects.count() == 2  # a refused check is not a check


@pytest.mark.parametrize("case", ["found", "unknown", "malformed", "throttled"])
def test_the_fast_path_answers_exactly_as_the_view_does(api, make_licence, settings, monkeypatch, case):
    """A check by number is answered before DRF's request handling (issue 7); the same check
    through DRF's full path gives the same status, bytes and headers, and logs the same row."""
    from rest_framework.views import APIView

    from daftar.licences.public_api import LicenceVerifyView

    licence = make_licence()
    number = {"found": licence.number, "unknown": "TEH-1404-999999", "malformed": "<b>", "throttled": licence.number}
    settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY = 1 if case == "throttled" else 300

    def check():
        cache.clear()
        if case == "throttled":
            verify(api, number[case])  # spends the address's hour
        return verify(api, number[case])

    fast = check()
    monkeypatch.setattr(LicenceVerifyView, "dispatch", APIView.dispatch)
    full = check()
    assert fast.status_code == full.status_code == {"found": 200, "throttled": 429}.get(case, 404)
    assert fast.content == full.content
    for header in ("Content-Type", "Allow", "Retry-After", "X-Content-Type-Options"):
        assert fast.get(header) == full.get(header), header
    # one row per answered check, the same on both paths (a throttled check writes none)
    logged = list(VerificationLog.objects.order_by("pk").values_list("number", "found", "channel"))
    assert len(logged) == 2 and logged[0] == logged[1]


def test_verification_with_the_spool_logs_every_check_and_answers_without_a_query(
    api, make_licence, settings, tmp_path, django_assert_num_queries
):
    settings.VERIFICATION_LOG_SPOOL = True
    settings.SPOOL_DIR = tmp_path / "spool"
    licence = make_licence()
    assert api.get(f"/api/v1/licences/{licence.number}/verify").status_code == 200
    with django_assert_num_queries(0):
        again = api.get(f"/api/v1/licences/{licence.number}/verify")
    assert again.status_code == 200
    assert api.get("/api/v1/licences/TEH-1404-999999/verify").status_code == 404
    assert VerificationLog.objects.count() == 0  # not yet: the rows are in the spool
    call_command("spool_flush", "--all", stdout=open(os.devnull, "w"))  # noqa: SIM115
    logs = list(VerificationLog.objects.order_by("at", "pk"))
    assert [(log.number, log.found, log.licence_id) for log in logs] == [
        (licence.number, True, licence.pk),
        (licence.number, True, licence.pk),
        ("TEH-1404-999999", False, None),
    ]
    assert all(len(log.client) == 64 and log.channel == "api" and log.ref for log in logs)


def test_a_check_is_still_logged_when_the_spool_cannot_be_written(api, make_licence, settings, tmp_path):
    settings.VERIFICATION_LOG_SPOOL = True
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")  # the spool directory cannot be made under a file
    settings.SPOOL_DIR = blocked
    licence = make_licence()
    assert verify(api, licence.number).status_code == 200
    [log] = VerificationLog.objects.all()
    assert (log.number, log.found) == (licence.number, True)
