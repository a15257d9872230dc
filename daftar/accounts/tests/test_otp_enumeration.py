"""A stranger's failed code check says nothing about the number (issue 17, finding 5).

Before, a wrong code answered ``otp_used`` for a number that had logged in (its last code
used) and ``otp_invalid`` for one never seen. Now every failure a stranger can provoke is the
same answer, with the same database work; "used", "expired" and "dead" are told only to whoever
sends that code's right digits or its request id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import sms_code
from daftar.accounts import messages as msg
from daftar.accounts.tests.helpers import ask, check, start_login, wrong

pytestmark = pytest.mark.django_db
STRANGER = "203.0.113.50"
HOLDER = "198.51.100.7"
NEVER_SEEN, LOGGED_IN, EXPIRED, DEAD, PENDING, SPENT = (f"0912000100{i}" for i in range(6))


def _numbers_in_every_state(api: Any, clock: Any, start: dt.datetime) -> None:
    ask(api, LOGGED_IN, HOLDER)
    assert check(api, LOGGED_IN, sms_code(LOGGED_IN), HOLDER).status_code == 200
    ask(api, EXPIRED, HOLDER)
    ask(api, DEAD, HOLDER)
    dead = sms_code(DEAD)
    for n in range(1, 6):
        check(api, DEAD, wrong(dead, n), HOLDER)
    ask(api, SPENT, HOLDER)
    for n in range(30):
        check(api, SPENT, f"{(333333 + n) % 10**6:06d}", f"192.0.2.{n}")
    clock.move_to(start + dt.timedelta(minutes=5))  # EXPIRED's code is now past its 120 s
    ask(api, PENDING, HOLDER)
    ask(api, SPENT, HOLDER)


def test_a_strangers_wrong_code_gets_one_answer_whatever_the_number_has_done(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _numbers_in_every_state(api, clock, start)
        answers, queries = {}, {}
        for mobile in (NEVER_SEEN, LOGGED_IN, EXPIRED, DEAD, PENDING, SPENT):
            with CaptureQueriesContext(connection) as ctx:
                response = check(api, mobile, "000000", STRANGER)
            answers[mobile] = (response.status_code, response.json())
            queries[mobile] = len(ctx.captured_queries)
    expected = (400, {"code": "otp_invalid", "detail": msg.OTP_WRONG, "fields": {"code": [msg.OTP_WRONG]}})
    assert answers == dict.fromkeys(answers, expected)
    assert len(set(queries.values())) == 1, queries  # the same database work for each


def test_a_stranger_with_a_request_of_their_own_learns_nothing_either(api):
    """The pages always check the session's own code: a stranger who asks for a code for a
    number that has logged in and one never seen gets the same answers to wrong codes."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(api, LOGGED_IN, HOLDER)
        assert check(api, LOGGED_IN, sms_code(LOGGED_IN), HOLDER).status_code == 200
        pages = {}
        for mobile in (LOGGED_IN, NEVER_SEEN):
            client = Client(REMOTE_ADDR=STRANGER)
            assert start_login(client, mobile=mobile).status_code == 302
            code = sms_code(mobile)
            first = client.post("/login/code/", {"code": wrong(code)})
            pages[mobile] = (first.status_code, msg.OTP_WRONG in first.content.decode())
            assert msg.OTP_USED not in first.content.decode()
    assert pages[LOGGED_IN] == pages[NEVER_SEEN] == (400, True)


def test_the_holder_of_the_code_is_still_told_why(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        issued = ask(api, LOGGED_IN, HOLDER).json()
        code = sms_code(LOGGED_IN)
        assert check(api, LOGGED_IN, code, HOLDER).status_code == 200
        assert check(api, LOGGED_IN, code, STRANGER).json()["code"] == "otp_used"  # the right digits
        # the request id is the requester's alone: with it, a mistyped code is told it is used
        again = check(api, LOGGED_IN, wrong(code), HOLDER, request_id=issued["request_id"])
        assert again.json()["code"] == "otp_used"
        clock.move_to(start + dt.timedelta(minutes=2))
        late = ask(api, EXPIRED, HOLDER).json()
        clock.move_to(start + dt.timedelta(minutes=5))
        expired = check(api, EXPIRED, "000000", HOLDER, request_id=late["request_id"])
        assert expired.json()["code"] == "otp_expired" and expired.json()["detail"] == msg.OTP_EXPIRED
