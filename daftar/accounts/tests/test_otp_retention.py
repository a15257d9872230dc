"""One-time code rows hold the client address: they are deleted after OTP_RETENTION_DAYS, by the
hourly housekeeping (issue 20), but never while the caps still count them (issue 17, finding 5)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daftar.accounts.models import OneTimeCode
from daftar.accounts.services import otp_codes_purge as purge_codes
from daftar.accounts.tests.helpers import ask
from daftar.runtime import housekeeping

pytestmark = pytest.mark.django_db
MOBILE = "09121234567"


def _code(age: dt.timedelta, now: dt.datetime, requester: str = "a:203.0.113.1") -> OneTimeCode:
    made = now - age
    return OneTimeCode.objects.create(
        mobile=MOBILE,
        code_hash="0" * 64,
        created_at=made,
        expires_at=made + dt.timedelta(seconds=120),
        address="203.0.113.1",
        requester=requester,
    )


def test_rows_older_than_the_retention_go_and_recent_ones_stay(settings):
    settings.OTP_RETENTION_DAYS = 30
    now = timezone.now()
    old = _code(dt.timedelta(days=30, minutes=1), now)
    recent = _code(dt.timedelta(days=29, hours=23), now)
    fresh = _code(dt.timedelta(minutes=1), now)
    with time_machine.travel(now, tick=False):
        assert purge_codes() == 1
        assert purge_codes() == 0
    left = set(OneTimeCode.objects.values_list("pk", flat=True))
    assert left == {recent.pk, fresh.pk} and old.pk not in left


def test_the_rows_the_caps_count_are_kept_whatever_the_retention(api, settings):
    settings.OTP_RETENTION_DAYS = 0
    now = timezone.now()
    for hours in range(15):  # a day's worth of codes for the number from strangers
        _code(dt.timedelta(hours=hours, minutes=30), now, requester=f"a:203.0.113.{hours}")
    two_days = _code(dt.timedelta(days=2), now)
    with time_machine.travel(now, tick=False):
        assert purge_codes() == 1
        assert not OneTimeCode.objects.filter(pk=two_days.pk).exists()
        assert OneTimeCode.objects.count() == 15
        refused = ask(api, MOBILE, "198.51.100.7")  # the number's daily cap still holds
    assert refused.status_code == 429 and refused.json()["code"] == "otp_daily_cap"


def test_the_purge_is_one_of_the_housekeeping_runs(settings):
    assert {p.name: p.run for p in housekeeping.purges()}["one_time_codes"] is purge_codes
    assert settings.CELERY_BEAT_SCHEDULE["housekeeping"]["task"] == "daftar.runtime.tasks.housekeeping"
