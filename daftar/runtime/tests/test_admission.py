"""The admission gate (issue 7): over a group's per-second budget, heavy endpoints answer
``429`` + ``Retry-After`` before the view runs, with nothing written; the gate is off by
default, never gates reads, and lets everything through when the cache is down."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from conftest import captcha_answer
from daftar.accounts.models import OneTimeCode, User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.models import Application
from daftar.applications.tests.helpers import APPLY_FORM, draft, open_call, upload_all
from daftar.notifications.backends import LocmemBackend
from daftar.runtime import admission
from daftar.runtime.admission import OVERLOADED

NOW = 1_800_000_000.25  # a fixed instant, so a test never straddles two one-second windows


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: Any) -> None:
    monkeypatch.setattr(admission, "_now", lambda: NOW)


def applicant(n: int = 0) -> User:
    """The demo applicant (demo_load), or the n-th other one (one case per call each)."""
    if not n:
        return User.objects.get(mobile="09120000001")
    body = f"{100000 + n:09d}"
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    code = body + str(total if total < 2 else 11 - total)
    return UserFactory.create(national_code=code, birth_date=dt.date(1988, 1, 1), last_name=f"پاک‌نژاد {n}")


def client_for(user: User) -> APIClient:
    """A client signed in with a real bearer token: the gate counts only signed-in callers, and
    it sees the token (DRF's force_authenticate happens later, inside the view)."""
    from daftar.accounts.services import auth_token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth_token_create(user=user)}")
    return client


def shed_detail(seconds: str) -> str:
    return OVERLOADED.format(seconds=seconds)


def assert_overloaded(response: Any, seconds: int, persian: str) -> None:
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == str(seconds)
    assert response.json() == {"code": "overloaded", "detail": shed_detail(persian), "fields": {}}


def otp_body(api: APIClient, mobile: str) -> dict[str, str]:
    key = api.get("/api/v1/auth/captcha").json()["key"]
    return {"mobile": mobile, "captcha_key": key, "captcha_value": captcha_answer(key)}


# --- API ------------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"create": 2})
def test_creates_within_the_budget_pass_and_the_next_is_shed_without_a_row(tehran_rules):
    draft(client_for(applicant(1)))
    draft(client_for(applicant(2)))
    before = Application.objects.count()
    call = open_call()
    response = client_for(applicant(3)).post(
        "/api/v1/applications", {"call": call.pk, "district": call.districts.first().district_id}, format="json"
    )
    assert_overloaded(response, 1, "۱")
    assert Application.objects.count() == before


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 1})
def test_code_requests_over_the_budget_send_no_code_and_write_no_row(api):
    first = api.post("/api/v1/auth/otp/request", otp_body(api, "09121111111"), format="json")
    assert first.status_code == 202, first.content
    assert OneTimeCode.objects.count() == 1
    sms_before = len(LocmemBackend.outbox)
    response = api.post("/api/v1/auth/otp/request", otp_body(api, "09122222222"), format="json")
    assert_overloaded(response, 1, "۱")
    assert OneTimeCode.objects.count() == 1
    assert not OneTimeCode.objects.filter(mobile__endswith="9122222222").exists()
    assert len(LocmemBackend.outbox) == sms_before


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"submit": 1})
def test_a_shed_submit_leaves_the_case_draft_and_coming_back_when_told_submits_it(tehran_rules, monkeypatch):
    me = client_for(applicant())
    case = draft(me)["id"]
    upload_all(me, case)
    missing = me.post("/api/v1/applications/999999/submit")  # takes this second's only slot
    assert missing.status_code == 404  # the view ran
    response = me.post(f"/api/v1/applications/{case}/submit")
    assert_overloaded(response, 1, "۱")
    assert Application.objects.get(pk=case).status == "draft"
    assert not Application.objects.get(pk=case).tracking_code

    monkeypatch.setattr(admission, "_now", lambda: NOW + int(response["Retry-After"]))
    again = me.post(f"/api/v1/applications/{case}/submit")
    assert again.status_code == 200, again.content
    assert Application.objects.get(pk=case).status == "submitted"


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 2}, ADMISSION_MAX_RETRY_AFTER=120)
def test_retry_after_spreads_the_crowd_at_the_rate(api):
    waits = []
    for _ in range(2 + 7):
        response = api.post("/api/v1/auth/otp/request", {}, format="json")
        if response.status_code == 429:
            waits.append(int(response["Retry-After"]))
        else:
            assert response.status_code == 400  # within budget: the view refused the empty body
    # the k-th over the budget of 2/s waits ceil(k / 2) s: two clients per second come back
    assert waits == [1, 1, 2, 2, 3, 3, 4]
    last = api.post("/api/v1/auth/otp/request", {}, format="json")
    assert last.json()["detail"] == shed_detail("۴")
    assert OneTimeCode.objects.count() == 0


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 1}, ADMISSION_MAX_RETRY_AFTER=3)
def test_retry_after_is_capped(api):
    waits = [int(api.post("/api/v1/auth/otp/request", {}, format="json").get("Retry-After") or 0) for _ in range(8)]
    assert waits == [0, 1, 2, 3, 3, 3, 3, 3]


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 1})
def test_a_new_second_opens_a_new_budget(api, monkeypatch):
    assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400
    assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 429
    monkeypatch.setattr(admission, "_now", lambda: NOW + 1)
    assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"create": 1, "submit": 1, "login": 1})
def test_reads_and_other_endpoints_are_never_gated(tehran_rules):
    me = client_for(applicant())
    case = draft(me)["id"]  # uses the create budget
    for _ in range(5):
        assert me.get("/api/v1/applications").status_code == 200
        assert me.head("/api/v1/applications").status_code == 200
        assert me.options("/api/v1/applications").status_code == 200
        assert me.get(f"/api/v1/applications/{case}").status_code == 200
        assert me.get("/api/v1/auth/captcha").status_code == 200
        assert me.get("/api/v1/hello").status_code == 200
    # a gated group does not spend another group's budget
    assert me.post(f"/api/v1/applications/{case}/submit").status_code == 409  # the view ran: no documents
    assert me.post(f"/api/v1/applications/{case}/submit").status_code == 429
    assert me.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400


@pytest.mark.django_db
def test_the_gate_is_off_by_default(api):
    for _ in range(30):
        assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("rates", [{}, {"login": 0}, {"login": None}, {"login": "many"}, {"login": -5}, {"logon": 1}])
def test_missing_zero_or_bad_rates_do_not_gate(api, rates):
    with override_settings(ADMISSION_RATES=rates):
        for _ in range(5):
            assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400


class BrokenCache:
    """The gate's view of a cache that is down: ``broken`` raises, the rest still works (the
    other users of the cache are not what these tests are about)."""

    def __init__(self, broken: str, exc: Exception):
        self.broken, self.exc = broken, exc

    def __getattr__(self, name: str) -> Any:
        if name == self.broken:

            def down(*args: Any, **kwargs: Any) -> Any:
                raise self.exc

            return down
        return getattr(cache, name)


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"create": 1})
def test_a_cache_outage_lets_requests_through_and_logs_a_warning(tehran_rules, monkeypatch, caplog):
    clients = [client_for(applicant(n)) for n in (1, 2, 3)]
    monkeypatch.setattr(admission, "cache", BrokenCache("incr", ConnectionError("redis is down")))
    monkeypatch.setattr(admission, "_last_warning", 0.0)
    before = Application.objects.count()
    with caplog.at_level(logging.WARNING, logger="daftar.runtime.admission"):
        for me in clients:
            draft(me)  # asserts 201: over the budget of 1/s, but the gate cannot count
    assert Application.objects.count() == before + 3
    warnings = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(warnings) == 1  # not one per request


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 1})
def test_a_cache_add_failure_also_fails_open(api, monkeypatch):
    monkeypatch.setattr(admission, "cache", BrokenCache("add", OSError("connection refused")))
    for _ in range(3):
        assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400


# --- pages ----------------------------------------------------------------------------------


def assert_page_overloaded(response: Any, persian: str) -> str:
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert shed_detail(persian) in page
    assert '<html lang="fa" dir="rtl">' in page
    return page


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"submit": 1})
def test_a_page_submit_over_the_budget_gets_the_persian_page_after_only_reading_the_session(
    tehran_rules, django_assert_max_num_queries
):
    me = applicant()
    api = client_for(me)
    case = draft(api)["id"]
    upload_all(api, case)
    web = Client()
    web.force_login(me)
    assert web.post("/applications/999999/submit/").status_code == 404  # the view ran and spent the slot
    with django_assert_max_num_queries(2):  # the session and its user: who is counted
        response = web.post(f"/applications/{case}/submit/")
    assert_page_overloaded(response, "۱")
    assert Application.objects.get(pk=case).status == "draft"


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 1})
def test_the_login_page_sheds_code_requests_but_still_shows_its_form(client):
    assert client.post("/login/", {"mobile": "09121111111"}).status_code == 400  # the view ran: no captcha
    response = client.post("/login/", {"mobile": "09123333333"})
    assert_page_overloaded(response, "۱")
    assert not OneTimeCode.objects.exists()
    assert client.get("/login/").status_code == 200  # the form itself is a read


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"create": 1})
def test_the_call_page_apply_form_is_gated_with_the_api(tehran_rules):
    me = applicant()
    draft(client_for(applicant(1)))  # an API create spends this second's slot
    call = open_call()
    web = Client()
    web.force_login(me)
    before = Application.objects.count()
    response = web.post(f"/calls/{call.pk}/", {"district": call.districts.first().district_id, **APPLY_FORM})
    assert_page_overloaded(response, "۱")
    assert Application.objects.count() == before
    assert web.get(f"/calls/{call.pk}/").status_code == 200


# --- the arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "rate", "cap", "wait"),
    [(1, 40, 120, 1), (40, 40, 120, 1), (41, 40, 120, 2), (400, 40, 120, 10), (10_000, 40, 120, 120), (3, 0.5, 120, 6)],
)
def test_the_kth_place_in_a_fresh_line_waits_k_over_rate_seconds(over, rate, cap, wait):
    assert admission.retry_after_at(over / rate, cap) == wait


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 2}, ADMISSION_MAX_RETRY_AFTER=120)
def test_the_line_carries_over_seconds_so_the_next_wave_queues_behind_the_first(api, monkeypatch):
    def shed_waits(n):
        return [int(api.post("/api/v1/auth/otp/request", {}, format="json").get("Retry-After") or 0) for _ in range(n)]

    first = shed_waits(2 + 6)  # 2 admitted, 6 told to come back: 1, 1, 2, 2, 3, 3
    assert first == [0, 0, 1, 1, 2, 2, 3, 3]
    monkeypatch.setattr(admission, "_now", lambda: NOW + 1)  # a second later, a new wave
    second = shed_waits(2 + 2)
    # the new second's budget admits two; the next two queue behind the six places already
    # promised: places 7 and 8 are 3.5 and 4 s after the line started, both 3 s from now
    assert second == [0, 0, 3, 3]
    monkeypatch.setattr(admission, "_now", lambda: NOW + 10)  # the line has emptied
    assert shed_waits(3) == [0, 0, 1]


# --- who is counted (a budget shared by everyone must not be spendable by anyone) ------------


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"create": 2})
def test_requests_without_a_valid_login_do_not_spend_the_budget(tehran_rules):
    anonymous, forged = APIClient(), APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer " + "f" * 64)
    for _ in range(5):
        assert anonymous.post("/api/v1/applications", {}, format="json").status_code == 401
        assert forged.post("/api/v1/applications", {}, format="json").status_code == 401
    draft(client_for(applicant(1)))  # the budget is intact for signed-in applicants
    draft(client_for(applicant(2)))


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"create": 20})
def test_one_user_cannot_take_the_whole_budget(tehran_rules):
    greedy = client_for(applicant(1))
    answers = [greedy.post("/api/v1/applications", {}, format="json") for _ in range(6)]
    # a fair share is 10% of 20/s = 2 a second: the rest is shed for this user alone
    assert [a.status_code for a in answers] == [400, 400, 429, 429, 429, 429]
    assert answers[-1]["Retry-After"] == "1"
    draft(client_for(applicant(2)))  # others still get in this second


@pytest.mark.django_db
@override_settings(ADMISSION_RATES={"login": 1}, OTP_CHALLENGE_AFTER=3)
def test_an_address_past_its_challenge_threshold_does_not_spend_the_login_budget(api, settings):
    from daftar.runtime import ratelimit

    passed, _failed = ratelimit.login_keys("127.0.0.1")
    for _ in range(3):  # this address made its hour's code requests: now it must also solve a proof of work
        ratelimit.sliding_add(passed, window=3600)
    for _ in range(3):  # not counted by the gate: the view refuses them at once unless they solved it
        assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400  # the view's, not a 429
    settings.OTP_CHALLENGE_AFTER = 100  # the same address, no longer busy: counted again
    assert api.post("/api/v1/auth/otp/request", {}, format="json").status_code == 400  # the budget was untouched
