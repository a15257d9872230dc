"""The holder's SMS of each licence move are the declared texts of ``licences/sms.py`` (issue 21
§4): sent with their key to the holder's account, with the licence's municipality, in the text
that municipality's administrator saved (another municipality keeps the default)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from daftar.accounts.models import User
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.licences import sms
from daftar.licences.models import Licence, LicenceStatus
from daftar.licences.moves import licence_reinstate, licence_renew, licence_revoke, licence_suspend, licences_sweep
from daftar.licences.tests.factories import authority
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text, text_save

pytestmark = pytest.mark.django_db

REASON = "تخلف مالی: دریافت وجه بیش از تعرفهٔ مصوب"
ADMIN = "09120000007"  # Tehran's demo municipality administrator


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def only(key: str, licence: Licence) -> OutboxMessage:
    [message] = OutboxMessage.objects.filter(kind=key)
    assert (message.to, message.recipient, message.municipality) == (
        licence.holder.mobile,
        licence.holder,
        licence.municipality,
    )
    return message


def test_every_move_has_its_declared_text():
    assert set(sms.MOVES) == {"suspend", "reinstate", "suspension_end", "revoke", "renew", "expire"}
    assert {text.key for text in sms.MOVES.values()} == {
        "licence_suspend",
        "licence_reinstate",
        "licence_suspension_end",
        "licence_revoke",
        "licence_renew",
        "licence_expire",
    }
    for text in [sms.ISSUED, *sms.MOVES.values(), sms.RENEWAL_OPEN, sms.EXPIRY_REMINDER]:
        assert texts.REGISTRY[text.key] is text and text.audience == "holder"


def test_the_authority_moves_text_the_holder_with_the_licence_municipality(make_licence):
    suspended = licence_suspend(make_licence(), until=days(10), reason=REASON, actor=authority())
    text = only("licence_suspend", suspended).text
    assert suspended.number in text and to_jalali(days(10)) in text and REASON in text
    assert suspended.office_name in text

    reinstated = licence_reinstate(suspended, reason="تعهد کتبی دفتر به رعایت تعرفه‌ها", actor=authority())
    assert to_jalali(reinstated.valid_until) in only("licence_reinstate", reinstated).text

    revoked = licence_revoke(make_licence(), reason=REASON, actor=authority())
    assert REASON in only("licence_revoke", revoked).text

    renewed = licence_renew(make_licence(valid_until=days(20)), reason="درخواست تمدید در مهلت مقرر", actor=authority())
    assert to_jalali(renewed.valid_until) in only("licence_renew", renewed).text


def test_the_sweep_texts_the_holder_with_the_licence_municipality(make_licence):
    grace = settings.LICENCE_GRACE_DAYS
    ending = make_licence(status=LicenceStatus.SUSPENDED, suspended_until=days(-1))
    lapsed = make_licence(valid_until=days(-grace - 1))
    swept = licences_sweep()
    assert (swept["suspensions_ended"], swept["expired"]) == (1, 1)
    assert ending.number in only("licence_suspension_end", ending).text
    assert to_jalali(lapsed.valid_until) in only("licence_expire", lapsed).text


def test_a_holder_without_a_mobile_gets_nothing_and_the_move_stands(make_licence):
    licence = make_licence()
    User.objects.filter(pk=licence.holder_id).update(mobile="")
    licence.holder.refresh_from_db()
    assert licence_revoke(licence, reason=REASON, actor=authority()).status == LicenceStatus.REVOKED
    assert not OutboxMessage.objects.filter(kind="licence_revoke").exists()


def test_the_municipality_edited_text_is_what_its_holders_receive(make_licence):
    admin = User.objects.get(mobile=ADMIN)
    elsewhere = MunicipalityFactory()
    text_save(key="licence_revoke", municipality=elsewhere, body="لغو مجوز {number}: {reason}", actor=admin)
    first = licence_revoke(make_licence(), reason=REASON, actor=authority())
    assert only("licence_revoke", first).text == sms_text(
        sms.REVOKED.default.format(office=first.office_name, number=first.number, reason=REASON)
    )
    OutboxMessage.objects.all().delete()

    body = "شهرداری تهران: مجوز {number} ({office}) لغو شد، به دلیل {reason}. تا {valid_until} معتبر بود."
    text_save(key="licence_revoke", municipality=first.municipality, body=body, actor=admin)
    second = licence_revoke(make_licence(), reason=REASON, actor=authority())
    assert only("licence_revoke", second).text == sms_text(
        body.format(
            number=second.number,
            office=second.office_name,
            reason=REASON,
            valid_until=to_jalali(second.valid_until),
        )
    )


def test_an_edited_suspension_text_keeps_its_end_date(make_licence):
    """The administrator cannot drop ``{until}``: a suspension SMS without its end is useless."""
    admin = User.objects.get(mobile=ADMIN)
    licence = make_licence()
    with pytest.raises(ApplicationError) as caught:
        text_save(key="licence_suspend", municipality=licence.municipality, body="مجوز شما تعلیق شد.", actor=admin)
    assert "{until}" in caught.value.message
    licence_suspend(licence, until=days(5), reason=REASON, actor=authority())
    assert to_jalali(days(5)) in only("licence_suspend", licence).text
