"""The SMS of accounts (issue 21 §4): each goes out under its own key, to the right number, with
the person's account where there is one; the one-time codes stay sensitive and belong to no
municipality, a role's SMS to the role's municipality, in its edited words when it has them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import request_code
from daftar.accounts import services, sms
from daftar.accounts.constants import Role
from daftar.accounts.models import RoleAssignment
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import MessageText, OutboxMessage
from daftar.notifications.services import text_save

pytestmark = pytest.mark.django_db

DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@pytest.fixture(autouse=True)
def _fresh_texts() -> Iterator[None]:
    """The texts' per-process cache would outlive an edited text rolled back with its test."""
    texts.cache_clear()
    yield
    texts.cache_clear()


def admin_of(municipality: Any) -> Any:
    return RoleAssignmentFactory(municipality=municipality, role="municipality_admin").user


def test_the_login_code_is_sensitive_to_the_number_and_of_no_municipality(api):
    assert request_code(api, "09121234567").status_code == 202
    message = OutboxMessage.objects.get(kind=sms.OTP.key)
    assert (message.to, message.sensitive, message.recipient_id, message.municipality_id) == (
        "09121234567",
        True,
        None,
        None,
    )
    assert message.text.startswith("دفتر: رمز ورود شما ") and "۲ دقیقه" in message.text


def test_the_installations_login_text_is_used_and_must_keep_the_code(api):
    admin = UserFactory()
    with pytest.raises(ApplicationError) as caught:
        text_save(key=sms.OTP.key, municipality=None, body="رمز شما آماده است.", actor=admin)
    assert "{code}" in caught.value.message and not MessageText.objects.exists()
    text_save(key=sms.OTP.key, municipality=None, body="کد ورود به دفتر: {code}", actor=admin)
    request_code(api, "09121234567")
    message = OutboxMessage.objects.get(kind=sms.OTP.key)
    assert message.text.startswith("کد ورود به دفتر: ") and message.sensitive


def test_changing_the_number_sends_a_sensitive_code_to_the_new_one_and_tells_the_old_one():
    user = UserFactory(mobile="09121112233")
    pending = services.mobile_change_request(user=user, new_mobile="09357778899", address="127.0.0.1")
    code_sms = OutboxMessage.objects.get(kind=sms.MOBILE_CHANGE_CODE.key)
    assert (code_sms.to, code_sms.sensitive, code_sms.municipality_id) == ("09357778899", True, None)
    assert "رمز تأیید شمارهٔ تازه" in code_sms.text
    code = "".join(ch for ch in code_sms.text.translate(DIGITS) if ch.isdigit())[:6]
    services.mobile_change_confirm(user=user, pending=pending, code=code)
    told = OutboxMessage.objects.get(kind=sms.MOBILE_CHANGED.key)
    assert (told.to, told.sensitive, told.municipality_id) == ("09121112233", False, None)
    assert told.text == sms.MOBILE_CHANGED.default
    assert not OutboxMessage.objects.filter(kind="security").exists()


def test_a_granted_and_a_revoked_role_are_told_in_the_roles_municipality():
    city = MunicipalityFactory(name="شهرداری آزمون")
    admin = admin_of(city)
    granted = services.role_grant_by_mobile(municipality=city, mobile="09111234567", role="inspector", actor=admin)
    services.role_revoke_checked(assignment=granted, actor=admin)
    person = granted.user
    for key, words in [(sms.ROLE_GRANTED.key, "داده شد"), (sms.ROLE_REVOKED.key, "برداشته شد")]:
        message = OutboxMessage.objects.get(kind=key)
        assert (message.to, message.recipient_id, message.municipality_id) == (person.mobile, person.pk, city.pk)
        assert f"«{Role.INSPECTOR.label}»" in message.text
        assert "شهرداری آزمون" in message.text and words in message.text
    assert not RoleAssignment.objects.filter(pk=granted.pk).exists()


def test_a_municipalitys_edited_role_text_is_its_own():
    mine, other = MunicipalityFactory(name="شهرداری یکم"), MunicipalityFactory(name="شهرداری دوم")
    admin = admin_of(mine)
    text_save(key=sms.ROLE_GRANTED.key, municipality=mine, body="به {municipality_name} خوش آمدید: {role}", actor=admin)
    services.role_grant_by_mobile(municipality=mine, mobile="09111234567", role="inspector", actor=admin)
    services.role_grant_by_mobile(municipality=other, mobile="09111234568", role="inspector", actor=admin_of(other))
    ours = OutboxMessage.objects.get(kind=sms.ROLE_GRANTED.key, to="09111234567")
    theirs = OutboxMessage.objects.get(kind=sms.ROLE_GRANTED.key, to="09111234568")
    assert ours.text.startswith("به شهرداری یکم خوش آمدید: ")
    assert theirs.text.startswith("نقش «") and "در شهرداری دوم به شما داده شد" in theirs.text
