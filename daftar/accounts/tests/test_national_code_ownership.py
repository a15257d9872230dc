"""A national code goes only to the person whose mobile number is registered to it (S15.3).

The profile (``PATCH /api/v1/me`` and the profile page) asks the mobile-ownership inquiry
before it keeps a code (decision 0030). The simulator's rule (``SimulatorAdapter``): every number
is registered to every valid code except numbers beginning 0999 (registered to nobody's); a code
beginning 990 gets no answer for its first two asks per (number, code).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from rest_framework.test import APIClient

from daftar.accounts import messages as msg
from daftar.accounts import sms
from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.inquiries.adapters import InquiryUnavailable, SimulatorAdapter
from daftar.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

OWNER = "09351110001"  # the simulator registers it to any valid code
SQUATTER = "09990000001"  # 0999…: the simulator registers it to nobody's code


_serials = itertools.count(1)


def national_code(prefix: str = "001") -> str:
    """A valid national code starting with ``prefix`` (three digits), unique per call."""
    body = f"{prefix}{next(_serials):06d}"
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(total if total < 2 else 11 - total)


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def asks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (number, code) the simulator is asked about, in order."""
    seen: list[tuple[str, str]] = []
    real = SimulatorAdapter.mobile_owner

    def spy(self: SimulatorAdapter, mobile: str, code: str, *, timeout: float) -> Any:
        seen.append((mobile, code))
        return real(self, mobile, code, timeout=timeout)

    monkeypatch.setattr(SimulatorAdapter, "mobile_owner", spy)
    return seen


def claim(user: User, code: str) -> Any:
    return client_for(user).patch("/api/v1/me", {"national_code": code}, format="json")


def sms_to(mobile: str) -> list[str]:
    return list(OutboxMessage.objects.filter(to=mobile).values_list("text", flat=True))


def test_a_code_the_number_is_registered_to_is_saved_with_its_proof(asks: list[tuple[str, str]]) -> None:
    user, code = UserFactory(mobile=OWNER), national_code()
    response = claim(user, code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["national_code"], body["national_code_verified"]) == (code, True)
    assert body["national_code_verified_at"]
    assert asks == [(OWNER, code)]
    user.refresh_from_db()
    assert user.national_code_verified and user.ownership_reference.startswith("SIM-mobile_owner-")
    entry = AuditEntry.objects.get(action="user_profile_updated", object_id=str(user.pk))
    assert entry.data["ownership_reference"] == user.ownership_reference


def test_a_code_the_number_is_not_registered_to_is_refused_and_nothing_is_saved() -> None:
    squatter, code = UserFactory(mobile=SQUATTER), national_code()
    response = client_for(squatter).patch("/api/v1/me", {"national_code": code, "first_name": "دیگر"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "ownership_not_proven",
        "detail": msg.OWNERSHIP_NOT_PROVEN,
        "fields": {"national_code": [msg.OWNERSHIP_NOT_PROVEN]},
    }
    squatter.refresh_from_db()
    assert (squatter.national_code, squatter.first_name) == ("", "رضا")
    assert AuditEntry.objects.filter(action="national_code_not_proven", object_id=str(squatter.pk)).exists()


def test_the_refusal_does_not_tell_whether_another_account_holds_the_code(asks: list[tuple[str, str]]) -> None:
    free, taken = national_code(), national_code()
    holder = UserFactory(mobile=OWNER, national_code=taken)
    stranger = UserFactory(mobile=SQUATTER)
    to_free, to_taken = claim(stranger, free), claim(stranger, taken)
    assert (to_free.status_code, to_free.content) == (to_taken.status_code, to_taken.content)
    assert dict(to_free.items()).keys() == dict(to_taken.items()).keys()
    # nothing about the holder was even read: only the stranger's own number was asked
    assert asks == [(SQUATTER, free), (SQUATTER, taken)]
    holder.refresh_from_db()
    assert holder.national_code == taken and sms_to(OWNER) == []


def test_a_code_held_by_a_number_that_fails_is_released_to_its_proven_owner(
    tehran_rules: Any, asks: list[tuple[str, str]]
) -> None:
    from daftar.applications.tests.factories import ApplicationFactory

    code = national_code()
    squatter = UserFactory(mobile=SQUATTER, national_code=code)  # set before the inquiry existed
    case = ApplicationFactory(applicant=squatter)
    owner = UserFactory(mobile=OWNER)
    response = claim(owner, code)
    assert response.status_code == 200, response.content
    assert response.json()["national_code_verified"] is True
    assert asks == [(OWNER, code), (SQUATTER, code)]
    owner.refresh_from_db()
    squatter.refresh_from_db()
    assert owner.national_code_verified and owner.national_code == code
    assert (squatter.national_code, squatter.ownership_verified_at) == ("", None)
    released = AuditEntry.objects.get(action="national_code_released", object_id=str(squatter.pk))
    assert released.actor_id is None and released.data["to"] == owner.pk
    updated = AuditEntry.objects.get(action="user_profile_updated", object_id=str(owner.pk))
    assert updated.data["released_from"] == squatter.pk
    [text] = sms_to(SQUATTER)
    assert text == sms.NATIONAL_CODE_RELEASED.default
    told = OutboxMessage.objects.get(to=SQUATTER)
    assert (told.kind, told.recipient_id, told.municipality_id) == (sms.NATIONAL_CODE_RELEASED.key, squatter.pk, None)
    assert code not in text and OWNER not in text
    case.refresh_from_db()
    assert case.applicant_id == squatter.pk  # the squatter's cases stay with their account


def test_a_code_on_another_number_of_the_same_owner_is_a_conflict_only_they_read() -> None:
    code = national_code()
    first = UserFactory(mobile="09351110002", national_code=code)
    second = UserFactory(mobile=OWNER)
    response = claim(second, code)
    assert response.status_code == 409
    assert response.json()["detail"] == msg.NATIONAL_CODE_ON_OWN_ACCOUNT
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.national_code, second.national_code) == (code, "")
    assert sms_to(first.mobile) == []
    entry = AuditEntry.objects.get(action="national_code_on_two_accounts", object_id=str(second.pk))
    assert entry.data["other"] == first.pk


def test_no_answer_from_the_inquiry_saves_nothing_and_says_when_to_try_again(settings: Any) -> None:
    user, code = UserFactory(mobile=OWNER), national_code("990")  # 990…: no answer twice
    for _ in range(2):
        response = client_for(user).patch("/api/v1/me", {"national_code": code, "first_name": "تازه"}, format="json")
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.INQUIRY_BREAKER_COOLDOWN)
        body = response.json()
        assert body["code"] == "ownership_unavailable"
        assert "۱ دقیقهٔ دیگر" in body["detail"] and body["fields"]["national_code"] == [body["detail"]]
        user.refresh_from_db()
        assert (user.national_code, user.first_name) == ("", "رضا")
    assert claim(user, code).status_code == 200  # the third ask is answered


def test_no_answer_about_the_holder_changes_neither_account(monkeypatch: pytest.MonkeyPatch) -> None:
    code = national_code()
    squatter = UserFactory(mobile=SQUATTER, national_code=code)
    owner = UserFactory(mobile=OWNER)
    real = SimulatorAdapter.mobile_owner

    def holder_down(self: SimulatorAdapter, mobile: str, national: str, *, timeout: float) -> Any:
        if mobile == SQUATTER:
            raise InquiryUnavailable("timed out")
        return real(self, mobile, national, timeout=timeout)

    monkeypatch.setattr(SimulatorAdapter, "mobile_owner", holder_down)
    assert claim(owner, code).status_code == 503
    squatter.refresh_from_db()
    owner.refresh_from_db()
    assert (squatter.national_code, owner.national_code) == (code, "")
    assert sms_to(SQUATTER) == []


def test_while_the_inquiry_is_down_its_circuit_opens_and_nobody_waits_on_it(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.OWNERSHIP_BACKEND, settings.OWNERSHIP_HTTP_URL = "http", "https://shahkar.example/"
    settings.INQUIRY_BREAKER_THRESHOLD, settings.INQUIRY_BREAKER_COOLDOWN = 2, 120
    calls: list[str] = []

    def down(url: str, **kwargs: Any) -> Any:
        calls.append(url)
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(requests, "post", down)
    user, code = UserFactory(mobile=OWNER), national_code()
    assert [claim(user, code).status_code for _ in range(3)] == [503, 503, 503]
    assert calls == ["https://shahkar.example/mobile_owner"] * 2  # the third was not sent
    assert 0 < int(claim(user, code)["Retry-After"]) <= 120


def test_the_stored_code_is_asked_about_only_while_it_is_unproven(asks: list[tuple[str, str]]) -> None:
    code = national_code()
    user = UserFactory(mobile=OWNER, national_code=code)  # set before the inquiry existed
    client = client_for(user)
    assert client.patch("/api/v1/me", {"first_name": "نام"}, format="json").status_code == 200
    assert asks == [] and client.get("/api/v1/me").json()["national_code_verified"] is False
    assert client.patch("/api/v1/me", {"national_code": code}, format="json").json()["national_code_verified"]
    assert client.patch("/api/v1/me", {"national_code": code, "last_name": "ب"}, format="json").status_code == 200
    assert asks == [(OWNER, code)]


def test_a_new_number_or_a_cleared_code_leaves_no_proof() -> None:
    user, code = UserFactory(mobile=OWNER), national_code()
    assert claim(user, code).status_code == 200
    User.objects.filter(pk=user.pk).update(mobile="09351110009")  # the number changed hands
    moved = User.objects.get(pk=user.pk)
    assert moved.national_code == code and not moved.national_code_verified
    assert client_for(moved).get("/api/v1/me").json()["national_code_verified_at"] is None
    assert claim(moved, "").status_code == 200
    moved.refresh_from_db()
    assert (moved.national_code, moved.ownership_verified_at, moved.ownership_reference) == ("", None, "")


def test_each_account_has_a_daily_budget_of_codes_to_ask_about(settings: Any) -> None:
    settings.OWNERSHIP_CHECKS_PER_DAY = 2
    user, first = UserFactory(mobile=SQUATTER), national_code()
    assert [claim(user, code).status_code for code in (first, first, national_code())] == [400, 400, 400]
    response = claim(user, national_code())
    assert response.status_code == 429 and response.json()["code"] == "ownership_cap"
    assert int(response["Retry-After"]) > 3600
    assert claim(user, first).status_code == 400  # asking again about a code asked today is free
    assert claim(user, national_code()).status_code == 429  # the refused code was not counted as asked


def test_trying_again_after_an_outage_does_not_spend_the_budget(settings: Any) -> None:
    settings.OWNERSHIP_CHECKS_PER_DAY = 1
    user, code = UserFactory(mobile=OWNER), national_code("990")  # no answer twice, then one
    assert [claim(user, code).status_code for _ in range(3)] == [503, 503, 200]


def test_a_holder_that_changed_during_the_ask_is_try_again(monkeypatch: pytest.MonkeyPatch) -> None:
    code = national_code()
    squatter = UserFactory(mobile=SQUATTER, national_code=code)
    owner = UserFactory(mobile=OWNER)
    real = SimulatorAdapter.mobile_owner

    def meanwhile(self: SimulatorAdapter, mobile: str, national: str, *, timeout: float) -> Any:
        if mobile == SQUATTER:  # while its number is asked, the holder moves to another number
            User.objects.filter(pk=squatter.pk).update(mobile="09351110008")
        return real(self, mobile, national, timeout=timeout)

    monkeypatch.setattr(SimulatorAdapter, "mobile_owner", meanwhile)
    response = claim(owner, code)
    assert response.status_code == 503 and response.json()["code"] == "ownership_retry"
    squatter.refresh_from_db()
    assert squatter.national_code == code and sms_to(SQUATTER) == [] and sms_to("09351110008") == []


# --- the profile page ------------------------------------------------------------------------


def _form(code: str, **extra: str) -> dict[str, str]:
    return {
        "person_type": "natural",
        "nationality": "IR",
        "first_name": "سارا",
        "last_name": "محمدی",
        "national_code": code,
        "birth_date": "",
        "legal_name": "",
        "national_id": "",
        **extra,
    }


@pytest.fixture
def page_for(client: Any) -> Callable[[User], Any]:
    def login(user: User) -> Any:
        client.force_login(user)
        return client

    return login


def test_the_profile_page_refuses_a_code_of_someone_else_in_persian(page_for: Callable[[User], Any]) -> None:
    code = national_code()
    holder = UserFactory(mobile=OWNER, national_code=code)
    squatter = UserFactory(mobile=SQUATTER)
    client = page_for(squatter)
    response = client.post("/profile/", _form(code))
    assert response.status_code == 400
    html = response.content.decode()
    assert msg.OWNERSHIP_NOT_PROVEN in html and msg.NATIONAL_CODE_ON_OWN_ACCOUNT not in html
    squatter.refresh_from_db()
    holder.refresh_from_db()
    assert (squatter.national_code, holder.national_code) == ("", code)


def test_the_profile_page_says_whether_the_code_is_proven(page_for: Callable[[User], Any]) -> None:
    code = national_code()
    user = UserFactory(mobile=OWNER, national_code=code)
    client = page_for(user)
    assert msg.OWNERSHIP_UNVERIFIED in client.get("/profile/").content.decode()
    assert client.post("/profile/", _form(code)).status_code == 302
    html = client.get("/profile/").content.decode()
    assert msg.OWNERSHIP_UNVERIFIED not in html and "کد ملی با استعلام مالکیت شمارهٔ همراه تأیید شده است" in html


def test_the_profile_page_answers_an_outage_with_503_and_keeps_the_form(page_for: Callable[[User], Any]) -> None:
    client = page_for(UserFactory(mobile=OWNER))
    response = client.post("/profile/", _form(national_code("990")))
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "سامانهٔ استعلام مالکیت شمارهٔ همراه اکنون پاسخ نمی‌دهد" in html
    assert 'value="سارا"' in html  # what the person typed is still there


def test_the_audit_of_a_release_does_not_carry_the_code() -> None:
    code = national_code()
    UserFactory(mobile=SQUATTER, national_code=code)
    assert claim(UserFactory(mobile=OWNER), code).status_code == 200
    for entry in AuditEntry.objects.filter(action__in=["national_code_released", "user_profile_updated"]):
        assert code not in json.dumps(entry.data)


def test_staff_cannot_type_a_proof_in_the_admin(client: Any) -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    target = UserFactory(mobile=SQUATTER)
    client.force_login(root)
    url = f"/admin/accounts/user/{target.pk}/change/"
    code = national_code()
    form = {
        **_form(code),
        "is_active": "on",
        "ownership_verified_at_0": "2026-01-01",
        "ownership_verified_at_1": "10:00:00",
        "ownership_reference": "FORGED",
        "ownership_mobile": SQUATTER,
        "ownership_national_code": code,
    }
    assert client.post(url, form).status_code == 302
    target.refresh_from_db()
    assert target.national_code == code  # staff may set it (audited), but it stays unproven
    assert (target.ownership_reference, target.national_code_verified) == ("", False)
    assert 'name="ownership_reference"' not in client.get(url).content.decode()


def test_an_unproven_stored_code_does_not_block_saving_other_fields(asks: list[tuple[str, str]]) -> None:
    """Accounts from before the inquiry hold codes never proven: the name is saved even when the
    inquiry refuses the stored code (a relative's SIM) and the code stays unproven; sending the
    code on its own is refused as a new claim would be."""
    code = national_code()
    user = UserFactory.create(mobile=SQUATTER, national_code=code, first_name="", last_name="")
    client = client_for(user)

    saved = client.patch("/api/v1/me", {"first_name": "سارا", "national_code": code}, format="json")

    assert saved.status_code == 200, saved.content
    assert asks == [(SQUATTER, code)]
    user.refresh_from_db()
    assert user.first_name == "سارا" and user.national_code == code and not user.national_code_verified

    proved = client.patch("/api/v1/me", {"national_code": code}, format="json")

    assert proved.status_code == 400 and proved.json()["code"] == "ownership_not_proven"
    assert asks == [(SQUATTER, code), (SQUATTER, code)]
