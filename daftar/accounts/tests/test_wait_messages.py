"""A refusal that asks a person to wait says how long in Persian digits, and a long wait in
minutes or hours, not thousands of seconds (issue 17)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from daftar.accounts.tests.helpers import ask, start_login

pytestmark = pytest.mark.django_db
MOBILE = "09121112233"
ADDRESS = "198.51.100.7"


def test_the_api_says_the_wait_in_persian_digits_and_minutes(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert ask(api, MOBILE, ADDRESS).status_code == 202
        clock.move_to(start + dt.timedelta(seconds=30))
        resend = ask(api, MOBILE, ADDRESS)
        assert resend.status_code == 429 and resend.json()["code"] == "otp_resend_wait"
        assert not re.search(r"[0-9]", resend.json()["detail"]) and "ثانیه" in resend.json()["detail"]
        for i in range(1, 5):
            clock.move_to(start + dt.timedelta(seconds=61 * i))
            assert ask(api, MOBILE, ADDRESS).status_code == 202
        clock.move_to(start + dt.timedelta(seconds=61 * 5))
        capped = ask(api, MOBILE, ADDRESS)
        assert capped.status_code == 429 and capped.json()["code"] == "otp_hourly_cap"
        detail = capped.json()["detail"]
        assert not re.search(r"[0-9]", detail) and "دقیقه" in detail and "ثانیه" not in detail
        assert int(capped["Retry-After"]) > 600


def test_the_login_page_says_the_wait_in_persian_digits(client):
    assert start_login(client).status_code == 302
    page = start_login(client)
    assert page.status_code == 400
    alert = re.search(r'role="alert"[^>]*>(.*?)</div>', page.content.decode(), re.S)
    assert alert, page.content.decode()
    text = re.sub(r"<[^>]*>", "", alert.group(1))
    assert "رمز تازه" in text and not re.search(r"[0-9]", text)
