"""Per-address limits of the login (S15.3, decision 0028): a crowd behind one address is slowed
by a proof of work, never locked out; a client cycling numbers without solving it is stopped."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from typing import Any

import altcha
import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from conftest import captcha_answer, sms_code
from daftar.accounts import messages as msg
from daftar.accounts.models import OneTimeCode
from daftar.accounts.tests.helpers import captcha_key
from daftar.notifications.models import OutboxMessage
from daftar.runtime import ratelimit

pytestmark = pytest.mark.django_db


def solve(challenge: dict[str, Any]) -> str:
    """What an honest client does with a challenge: the real search, then the ALTCHA payload."""
    found = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"], 0
    )
    assert found is not None
    payload = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**payload, "number": found.number}).encode()).decode()


def ask(api: Any, mobile: str, *, address: str = "127.0.0.1", solve_if_asked: bool = False, wrong: bool = False):
    """One code request as a client makes it: a captcha, its answer, and (when told to and
    asked for) the proof of work."""
    captcha = api.get("/api/v1/auth/captcha", REMOTE_ADDR=address).json()
    answer = captcha_answer(captcha["key"])
    body = {"mobile": mobile, "captcha_key": captcha["key"], "captcha_value": "0" * 5 if wrong else answer}
    if solve_if_asked and captcha["challenge"]:
        body["pow_solution"] = solve(captcha["challenge"])
    response = api.post("/api/v1/auth/otp/request", body, format="json", REMOTE_ADDR=address)
    if solve_if_asked and response.status_code == 400 and response.json()["code"] == "challenge_required":
        body["pow_solution"] = solve(response.json()["challenge"])  # the address got busier meanwhile
        response = api.post("/api/v1/auth/otp/request", body, format="json", REMOTE_ADDR=address)
    return response


@override_settings(ADMISSION_RATES={"login": 1})  # the gate of production, one request a second
def test_a_thousand_people_behind_one_address_all_get_their_codes_within_the_hour(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(1000):
            clock.move_to(start + dt.timedelta(seconds=3.5 * i))  # 1,000 requests in 58 minutes
            response = ask(api, f"0912{i:07d}", solve_if_asked=True)
            assert response.status_code == 202, (i, response.content)
    assert OneTimeCode.objects.values("mobile").distinct().count() == 1000
    assert OutboxMessage.objects.filter(kind="otp").count() == 1000


def test_a_client_cycling_numbers_without_the_proof_of_work_is_stopped(api, settings):
    settings.OTP_CHALLENGE_AFTER = 60
    # Even with every captcha right (as a trained recogniser might read them):
    answers = [ask(api, f"0935{i:07d}") for i in range(100)]
    assert [a.status_code for a in answers[:60]] == [202] * 60
    refused = answers[60:]
    assert {a.status_code for a in refused} == {400}  # not a lockout: a challenge, answered at once
    assert {a.json()["code"] for a in refused} == {"challenge_required"}
    assert refused[0].json()["detail"] == msg.CHALLENGE_REQUIRED
    assert OutboxMessage.objects.filter(kind="otp").count() == 60  # nothing more was sent
    challenge = refused[-1].json()["challenge"]
    assert challenge["algorithm"] == "SHA-256" and challenge["maxNumber"] >= settings.POW_MAX_NUMBER


def test_the_captcha_survives_a_challenge_so_the_client_just_resends(api, settings):
    settings.OTP_CHALLENGE_AFTER = 0
    captcha = api.get("/api/v1/auth/captcha").json()
    assert captcha["challenge"] is not None  # told in advance, with the captcha
    body = {"mobile": "09121112233", "captcha_key": captcha["key"], "captcha_value": captcha_answer(captcha["key"])}
    refused = api.post("/api/v1/auth/otp/request", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "challenge_required"
    body["pow_solution"] = solve(refused.json()["challenge"])
    assert api.post("/api/v1/auth/otp/request", body, format="json").status_code == 202


def test_wrong_captchas_do_not_spend_the_honest_budget(api, settings):
    settings.OTP_CHALLENGE_AFTER = 3
    settings.OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER = 5
    codes = [ask(api, f"0936{i:07d}", wrong=True).json()["code"] for i in range(30)]
    assert codes[:5] == ["captcha_invalid"] * 5
    assert set(codes[5:]) == {"challenge_required"}  # a harder challenge, never a 429
    passed, failed = ratelimit.login_keys("127.0.0.1")
    assert ratelimit.sliding_count(passed, window=3600) == 0  # the budget of honest requests is whole
    assert ratelimit.sliding_count(failed, window=3600) == 5  # refused ones were never looked at
    # Someone honest at that address solves the proof of work and gets the code.
    assert ask(api, "09121112233", solve_if_asked=True).status_code == 202


def test_only_a_far_ceiling_answers_429(api, settings):
    settings.OTP_CHALLENGE_AFTER = 2
    settings.OTP_PER_ADDRESS_CEILING = 5
    for i in range(5):
        assert ask(api, f"0937{i:07d}", solve_if_asked=True).status_code == 202
    refused = ask(api, "09370000099", solve_if_asked=True)
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 2 * 3600


def test_an_ipv6_host_cannot_rotate_through_its_64(api, settings):
    settings.OTP_CHALLENGE_AFTER = 2
    hosts = ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:ffff:1:2:3"]
    answers = [ask(api, f"0938{i:07d}", address=host) for i, host in enumerate(hosts)]
    assert [a.status_code for a in answers] == [202, 202, 400]
    assert answers[2].json()["code"] == "challenge_required"
    assert ask(api, "09380000009", address="2001:db8:5:7::1").status_code == 202  # another /64


def test_the_pressure_fades_smoothly(api, settings):
    settings.OTP_CHALLENGE_AFTER = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(2):
            assert ask(api, f"0939{i:07d}").status_code == 202
        assert ask(api, "09390000005").json()["code"] == "challenge_required"
        clock.move_to(start + dt.timedelta(hours=2, seconds=1))  # two hours on: all forgotten
        assert ask(api, "09390000006").status_code == 202


def test_a_solution_is_good_once_before_it_expires_and_at_its_level(api, settings):
    settings.OTP_CHALLENGE_AFTER = 0
    captcha = api.get("/api/v1/auth/captcha").json()
    solution = solve(captcha["challenge"])
    assert ask_with(api, "09121110001", solution).status_code == 202
    assert ask_with(api, "09121110002", solution).json()["code"] == "challenge_required"  # spent
    for bad in ("", "not base64!", base64.b64encode(b"[1, 2]").decode(), "A" * 1000):
        assert ask_with(api, "09121110003", bad).json()["code"] == "challenge_required"
    assert ask_with(api, "09121110003", "A" * 5000).status_code == 400  # too long to be read at all
    late = solve(api.get("/api/v1/auth/captcha").json()["challenge"])
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.POW_TTL_SECONDS + 5)):
        assert ask_with(api, "09121110004", late).json()["code"] == "challenge_required"  # expired
    # A busier address asks for a higher level; an easy solution of level 1 no longer does.
    easy = solve(api.get("/api/v1/auth/captcha").json()["challenge"])
    passed, _failed = ratelimit.login_keys("127.0.0.1")
    for _ in range(50):
        ratelimit.sliding_add(passed, window=3600)
    settings.OTP_CHALLENGE_AFTER = 4
    assert api.get("/api/v1/auth/captcha").json()["challenge"]["level"] >= 3
    assert ask_with(api, "09121110005", easy).json()["code"] == "challenge_required"


def ask_with(api: Any, mobile: str, solution: str):
    captcha = api.get("/api/v1/auth/captcha").json()
    body = {
        "mobile": mobile,
        "captcha_key": captcha["key"],
        "captcha_value": captcha_answer(captcha["key"]),
        "pow_solution": solution,
    }
    return api.post("/api/v1/auth/otp/request", body, format="json")


def test_the_login_page_asks_a_busy_address_for_the_proof_of_work(client, settings):
    settings.OTP_CHALLENGE_AFTER = 0
    page = client.get("/login/").content.decode()
    found = re.search(r'data-pow-challenge="([^"]+)"', page)
    assert found, "no challenge on the page of a busy address"
    challenge = json.loads(html.unescape(found.group(1)))
    data = {"person_type": "natural", "nationality": "IR", "mobile": "09121114455"}
    key = captcha_key(page)
    refused = client.post("/login/", {**data, "captcha_key": key, "captcha_value": captcha_answer(key)})
    assert refused.status_code == 400 and msg.CHALLENGE_REQUIRED in refused.content.decode()
    again = refused.content.decode()  # a fresh captcha and a fresh challenge
    key = captcha_key(again)
    challenge = json.loads(html.unescape(re.search(r'data-pow-challenge="([^"]+)"', again).group(1)))
    sent = client.post(
        "/login/", {**data, "captcha_key": key, "captcha_value": captcha_answer(key), "pow_solution": solve(challenge)}
    )
    assert sent.status_code == 302 and sent["Location"] == "/login/code/"


def test_a_quiet_address_sees_no_proof_of_work(client):
    assert "data-pow-challenge" not in client.get("/login/").content.decode()


def test_code_checks_per_address_count_its_whole_64(api, settings):
    settings.OTP_VERIFY_PER_ADDRESS_HOURLY = 3
    body = {"mobile": "09121234567", "code": "123456"}
    for host in ("2001:db8:9::1", "2001:db8:9::2", "2001:db8:9::3"):
        assert api.post("/api/v1/auth/otp/verify", body, format="json", REMOTE_ADDR=host).status_code == 400
    refused = api.post("/api/v1/auth/otp/verify", body, format="json", REMOTE_ADDR="2001:db8:9::4")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert api.post("/api/v1/auth/otp/verify", body, format="json", REMOTE_ADDR="2001:db8:a::1").status_code == 400


def test_a_captcha_flood_from_an_address_slows_its_logins_but_never_refuses_them(api, client, settings):
    """One client minting captchas without end: the people behind its address meet a proof of
    work, not a 429, on the page and through the API."""
    settings.CAPTCHA_CHALLENGE_AFTER = 5
    for _ in range(40):
        assert api.get("/api/v1/auth/captcha").status_code == 200
    page = client.get("/login/")
    assert page.status_code == 200
    body = page.content.decode()
    found = re.search(r'data-pow-challenge="([^"]+)"', body)
    assert found, "the page of a busy address asks for the proof of work"
    key = captcha_key(body)
    data = {"person_type": "natural", "nationality": "IR", "mobile": "09121114455", "captcha_key": key}
    solution = solve(json.loads(html.unescape(found.group(1))))
    sent = client.post("/login/", {**data, "captcha_value": captcha_answer(key), "pow_solution": solution})
    assert sent.status_code == 302 and sent["Location"] == "/login/code/"
    assert ask(api, "09121114466", solve_if_asked=True).status_code == 202


def test_a_flood_of_wrong_checks_does_not_refuse_the_holder_of_a_live_code(api, settings):
    """Random codes sent from an address past its hourly checks: a person there who holds a
    request id of a live code still logs in; and refused checks are not counted, so the address
    is free again as the flood's hour slides by."""
    settings.OTP_VERIFY_PER_ADDRESS_HOURLY = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        issued = ask(api, "09121114477").json()["request_id"]
        right = sms_code("09121114477")
        flood = {"mobile": "09121234567", "code": "123456"}
        answers = [api.post("/api/v1/auth/otp/verify", flood, format="json").status_code for _ in range(60)]
        assert answers[:3] == [400] * 3 and set(answers[3:]) == {429}
        body = {"mobile": "09121114477", "code": right, "request_id": issued}
        assert api.post("/api/v1/auth/otp/verify", body, format="json").status_code == 200
        clock.move_to(start + dt.timedelta(minutes=65))
        assert api.post("/api/v1/auth/otp/verify", flood, format="json").status_code == 400
