"""Nobody can lock another person out of their number (issue 17, finding 4; decision 0029).

A stranger who asks for codes for someone else's number and sends wrong codes for it, from one
address or from many, spends their own caps and the number's budget for strangers: the owner,
from another address, still gets a code within minutes and logs in. The number is still
spared an SMS flood, and the number's guessing budget a day stays bounded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from conftest import captcha_answer, sms_code
from daftar.accounts.models import OneTimeCode, User
from daftar.accounts.tests.helpers import ask, captcha_key, check, wrong
from daftar.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
OWNER = "09121112233"
OWNER_ADDRESS = "198.51.100.7"


def hammer(api: Any, addresses: list[str], *, guesses: int) -> None:
    """A stranger, from each address in turn: a code for the owner's number, then wrong codes
    for it, with that request's id and without (the number's latest code)."""
    for address in addresses:
        response = ask(api, OWNER, address)
        request_id = response.json().get("request_id", "") if response.status_code == 202 else ""
        for n in range(guesses):
            check(api, OWNER, f"{(123457 + 7919 * n) % 10**6:06d}", address, request_id=request_id)
            check(api, OWNER, f"{(654321 + 7919 * n) % 10**6:06d}", address)


def test_the_owner_logs_in_within_minutes_while_a_stranger_hammers_the_number(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # minutes 0-2: the stranger asks for codes for the owner's number and sends wrong codes
        # for it, from one address and, for the checks, from forty more
        for minute in range(3):
            clock.move_to(start + dt.timedelta(minutes=minute))
            hammer(api, ["203.0.113.5"], guesses=5)
            for n in range(14):
                check(api, OWNER, f"{(111111 * (n % 9 + 1) + minute) % 10**6:06d}", f"192.0.2.{minute * 14 + n}")
        assert OneTimeCode.objects.filter(mobile=OWNER, attempts__gte=5).exists()  # its own codes died

        # minute 3: the owner, from their own address, asks and logs in at the first try
        clock.move_to(start + dt.timedelta(minutes=3))
        issued = ask(api, OWNER, OWNER_ADDRESS)
        assert issued.status_code == 202, issued.json()
        code = sms_code(OWNER)
        hammer(api, ["203.0.113.5", "203.0.113.6"], guesses=5)  # still at it, with the number's latest code
        response = check(api, OWNER, code, OWNER_ADDRESS, request_id=issued.json()["request_id"])
        assert response.status_code == 200, response.json()
        assert response.json()["user"]["mobile"] == OWNER


def test_a_client_that_sends_no_request_id_is_also_spared(api):
    """Older API clients send only the mobile and the code: their tries are theirs when they
    come from the address that asked, and a stranger's do not kill their code."""
    ask(api, OWNER, OWNER_ADDRESS)
    code = sms_code(OWNER)
    for n in range(1, 21):  # a stranger, from elsewhere, guesses at the number's latest code
        assert check(api, OWNER, wrong(code, n), "203.0.113.9").status_code == 400
    assert OneTimeCode.objects.get(mobile=OWNER).attempts == 0
    assert check(api, OWNER, code, OWNER_ADDRESS).status_code == 200


def test_a_strangers_wrong_codes_do_not_kill_the_owners_code_but_the_owners_own_do(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        first = ask(api, OWNER, OWNER_ADDRESS).json()["request_id"]
        code = sms_code(OWNER)
        # a stranger who knows the request id cannot have it; with any other id, or none, their
        # tries do not touch the owner's code
        stranger = ask(api, OWNER, "203.0.113.9").json()["request_id"]
        for n in range(1, 8):
            check(api, OWNER, wrong(code, n), "203.0.113.9", request_id=stranger)
            check(api, OWNER, wrong(code, n), "203.0.113.9")
        owners = OneTimeCode.objects.get(mobile=OWNER, requester=f"a:{OWNER_ADDRESS}")
        assert owners.attempts == 0
        # the owner's own five typos kill it (API.md: after 5 wrong codes the code is dead)...
        for n in range(1, 5):
            assert check(api, OWNER, wrong(code, n), OWNER_ADDRESS, request_id=first).json()["code"] == "otp_invalid"
        assert check(api, OWNER, wrong(code, 5), OWNER_ADDRESS, request_id=first).json()["code"] == "otp_locked"
        assert check(api, OWNER, code, OWNER_ADDRESS, request_id=first).json()["code"] == "otp_locked"
        # ...and a fresh code comes a minute later, the stranger's requests notwithstanding
        clock.move_to(start + dt.timedelta(seconds=61))
        ask(api, OWNER, "203.0.113.9")
        fresh = ask(api, OWNER, OWNER_ADDRESS)
        assert fresh.status_code == 202
        sent = OutboxMessage.objects.filter(to=OWNER).count()
        response = check(api, OWNER, sms_code(OWNER), OWNER_ADDRESS, request_id=fresh.json()["request_id"])
        assert response.status_code == 200 and sent == 4


def test_a_stranger_behind_the_owners_own_address_cannot_kill_the_owners_code(api, client):
    """Carrier-grade NAT: the stranger shares the owner's address. Their checks without the
    request id never spend the tries of the one who holds it, on an API code and on a page's."""
    issued = ask(api, OWNER, OWNER_ADDRESS).json()["request_id"]
    code = sms_code(OWNER)
    for n in range(1, 11):
        assert check(api, OWNER, wrong(code, n), OWNER_ADDRESS).status_code == 400
    assert check(api, OWNER, code, OWNER_ADDRESS, request_id=issued).status_code == 200

    page = client.get("/login/", REMOTE_ADDR=OWNER_ADDRESS)
    key = captcha_key(page.content.decode())
    form = {"person_type": "natural", "nationality": "IR", "mobile": "09125556677", "captcha_key": key}
    sent = client.post("/login/", {**form, "captcha_value": captcha_answer(key)}, REMOTE_ADDR=OWNER_ADDRESS)
    assert sent.status_code == 302
    code = sms_code("09125556677")
    for n in range(1, 11):
        assert check(api, "09125556677", wrong(code, n), OWNER_ADDRESS).status_code == 400
    done = client.post("/login/code/", {"code": code}, REMOTE_ADDR=OWNER_ADDRESS)
    assert done.status_code == 302 and done.url.endswith("/dashboard/")


def test_a_strangers_resend_gap_and_hourly_cap_are_their_own(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(5):
            clock.move_to(start + dt.timedelta(seconds=61 * i))
            assert ask(api, OWNER, "203.0.113.9").status_code == 202
        clock.move_to(start + dt.timedelta(seconds=61 * 5))
        capped = ask(api, OWNER, "203.0.113.9")
        assert capped.status_code == 429 and capped.json()["code"] == "otp_hourly_cap"
        assert ask(api, OWNER, OWNER_ADDRESS).status_code == 202  # the owner: no wait at all


def test_ipv6_addresses_of_one_slash_64_are_one_requester(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(5):
            clock.move_to(start + dt.timedelta(seconds=61 * i))
            assert ask(api, OWNER, f"2001:db8:1:2::{i + 1:x}").status_code == 202
        clock.move_to(start + dt.timedelta(seconds=61 * 5))
        assert ask(api, OWNER, "2001:db8:1:2:ffff::9").status_code == 429
        assert ask(api, OWNER, "2001:db8:1:3::1").status_code == 202  # another /64


def test_ipv4_clients_of_a_dual_stack_server_are_requesters_of_their_own(api):
    """Behind a dual-stack bind every IPv4 client arrives as ``::ffff:a.b.c.d``: each is still
    its own requester, not one /64 with every other."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(5):
            clock.move_to(start + dt.timedelta(seconds=61 * i))
            assert ask(api, OWNER, "::ffff:203.0.113.9").status_code == 202
        clock.move_to(start + dt.timedelta(seconds=61 * 5))
        assert ask(api, OWNER, "::ffff:203.0.113.9").status_code == 429
        assert ask(api, OWNER, "::ffff:198.51.100.7").status_code == 202  # another IPv4 client


def test_the_number_is_spared_an_sms_flood_from_rotating_addresses(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        answers = []
        for i in range(30):  # a new address for every request, two minutes apart
            clock.move_to(start + dt.timedelta(minutes=2 * i))
            answers.append(ask(api, OWNER, f"203.0.113.{i + 1}").status_code)
        assert answers.count(202) == 10  # OTP_NUMBER_HOURLY_CAP
        for i in range(30):  # and on through the day, half an hour apart
            clock.move_to(start + dt.timedelta(hours=1, minutes=30 * i))
            answers.append(ask(api, OWNER, f"203.0.114.{i + 1}").status_code)
        assert answers.count(202) == 15  # OTP_NUMBER_DAILY_CAP
        assert OutboxMessage.objects.filter(to=OWNER).count() == 15
        refused = ask(api, OWNER, "203.0.113.200")
        assert refused.status_code == 429 and refused.json()["code"] in {"otp_hourly_cap", "otp_daily_cap"}
        assert 0 < int(refused["Retry-After"]) <= 24 * 3600


def test_a_returning_owner_logs_in_while_rotating_addresses_fill_every_cap(api):
    """The worst case: a stranger with many addresses fills the number's SMS caps and spends its
    budget. A client that logged in to the number before carries a device token that spares it
    both (first logins are the residual risk, decision 0029)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        ask(api, OWNER, OWNER_ADDRESS)
        first = check(api, OWNER, sms_code(OWNER), OWNER_ADDRESS)
        device = first.json()["device_token"]
        clock.move_to(start + dt.timedelta(hours=1))
        for i in range(30):
            hammer(api, [f"203.0.113.{i + 1}"], guesses=3)
        assert ask(api, OWNER, "198.51.100.99").status_code == 429  # the owner without the token

        clock.move_to(start + dt.timedelta(hours=1, minutes=5))
        issued = ask(api, OWNER, "198.51.100.99", device_token=device)  # a new network, same phone
        assert issued.status_code == 202, issued.json()
        code = sms_code(OWNER)
        for n in range(1, 4):  # the strangers still guess; the number's budget is long spent
            check(api, OWNER, wrong(code, n), f"192.0.2.{n}")
        response = check(api, OWNER, code, "198.51.100.99", device_token=device, request_id=issued.json()["request_id"])
        assert response.status_code == 200, response.json()


def test_a_device_token_is_bound_to_its_number_and_cannot_be_forged(api):
    ask(api, OWNER, OWNER_ADDRESS)
    device = check(api, OWNER, sms_code(OWNER), OWNER_ADDRESS).json()["device_token"]
    other = "09125556677"
    for token in (device, device[:-2] + "xx", "garbage"):
        ask(api, other, "203.0.113.9", device_token=token)
    # none of them counted as a device of the other number: they share the strangers' pool
    assert set(OneTimeCode.objects.filter(mobile=other).values_list("requester", flat=True)) == {"a:203.0.113.9"}


def test_the_guessing_budget_of_a_number_is_bounded_a_day(api, settings):
    """Past OTP_DAILY_TRIES checks a day, a check is heard only from the code's own requester,
    whose tries are OTP_MAX_ATTEMPTS a code and whose codes are OTP_NUMBER_DAILY_CAP a day: at
    most 25 + 5 x 15 = 100 codes compared a day (docs/security.md)."""
    assert (settings.OTP_DAILY_TRIES, settings.OTP_MAX_ATTEMPTS, settings.OTP_NUMBER_DAILY_CAP) == (25, 5, 15)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(20):  # a day of rotating addresses, each asking once and guessing
            clock.move_to(start + dt.timedelta(minutes=70 * i))
            hammer(api, [f"203.0.113.{i + 1}"], guesses=6)
        rows = OneTimeCode.objects.filter(mobile=OWNER)
        assert rows.count() == 15
        assert sum(rows.values_list("attempts", flat=True)) == 75
        # the budget for strangers is spent: even the right digits are not read for them
        latest = rows.order_by("-created_at").first()
        assert latest is not None and latest.used_at is None
        clock.move_to(latest.created_at + dt.timedelta(seconds=10))  # while it lives
        code = sms_code(OWNER)
        response = check(api, OWNER, code, "192.0.2.77")
        assert response.status_code == 400 and response.json()["code"] == "otp_invalid"
        assert not User.objects.filter(mobile=OWNER).exists()


def test_the_owner_logs_in_through_the_pages_while_a_stranger_hammers(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        hammer(api, ["203.0.113.5"], guesses=10)
        for n in range(30):  # the number's budget for strangers, spent
            check(api, OWNER, f"{(222222 + 13 * n) % 10**6:06d}", f"192.0.2.{n}")
        clock.move_to(start + dt.timedelta(minutes=2))
        owner = Client(REMOTE_ADDR=OWNER_ADDRESS)
        page = owner.get("/login/")
        key = captcha_key(page.content.decode())
        data = {"person_type": "natural", "nationality": "IR", "mobile": OWNER, "captcha_key": key}
        sent = owner.post("/login/", {**data, "captcha_value": captcha_answer(key)})
        assert sent.status_code == 302
        code = sms_code(OWNER)
        hammer(api, ["203.0.113.6"], guesses=5)
        done = owner.post("/login/code/", {"code": code})
        assert done.status_code == 302 and done["Location"] == "/dashboard/"
        assert owner.session["_auth_user_id"]
        assert done.cookies["daftar_device"]["httponly"] and done.cookies["daftar_device"]["path"] == "/login/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_from_many_addresses_stay_within_the_numbers_cap(settings):
    """Requests for one number arriving at once from distinct addresses, each with a good
    captcha: no more codes go out than the number's hourly cap."""
    import threading  # only this test runs threads

    from django.db import connections  # each thread's own connection is closed after it

    from daftar.accounts.captcha import captcha_new  # a captcha per thread, minted up front
    from daftar.accounts.services import otp_request  # called straight, for a tight race
    from daftar.kernel.errors import ApplicationError  # the refusals the threads meet

    settings.OTP_NUMBER_HOURLY_CAP = 3
    keys = [captcha_new()[0] for _ in range(8)]
    results: list[str] = []
    barrier = threading.Barrier(len(keys))

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            otp_request(
                mobile=OWNER, captcha_key=keys[n], captcha_value=captcha_answer(keys[n]), address=f"203.0.113.{n + 1}"
            )
            results.append("sent")
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(keys))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("sent") == 3, results
    assert OneTimeCode.objects.filter(mobile=OWNER).count() == 3
