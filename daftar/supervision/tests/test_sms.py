"""Supervision's SMS (issue 21 §4): each declared text goes out under its key to the licence
holder, with their account and the licence's municipality on the outbox row, in the
municipality's own words when its administrator edited them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from daftar.accounts.models import User
from daftar.licences.models import Licence
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import text_save
from daftar.supervision import sms
from daftar.supervision.reports import report_review
from daftar.supervision.services import (
    decision_make,
    notice_issue,
    notice_respond,
    report_submit,
    violation_record,
)

pytestmark = pytest.mark.django_db

AUTHORITY = "09120000005"
SUPERVISOR = "09120000006"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"
ANSWER = "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."
CONTENT = "گزارش عملکرد شش‌ماههٔ دفتر با آمار خدمات"


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


@pytest.fixture(autouse=True)
def _fresh_texts() -> Iterator[None]:
    """The texts' per-process cache would outlive an edited text rolled back with its test."""
    texts.cache_clear()
    yield
    texts.cache_clear()


def sent(key: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=key).order_by("pk"))


def edit(key: str, municipality: Any, body: str) -> None:
    text_save(key=key, municipality=municipality, body=body, actor=user(AUTHORITY))


# --- each SMS, to the holder --------------------------------------------------------------------


def test_each_supervision_sms_goes_to_the_holder_with_account_and_municipality(make_licence):
    licence = make_licence()
    holder, supervisor = licence.holder, user(SUPERVISOR)
    violation_record(licence, type_code="outside_hours", description=REASON, actor=supervisor)
    notice = notice_issue(licence, actor=supervisor)
    notice_respond(notice, text=ANSWER, actor=holder)
    decision_make(notice, actor=user(AUTHORITY), reason=REASON)
    for key, words in [
        (sms.VIOLATION.key, ["تخلف", licence.number]),
        (sms.NOTICE.key, ["اخطاریهٔ تصمیم «تذکر»", "پاسخ دهید"]),
        (sms.DECISION.key, ["تصمیم انضباطی «تذکر»", REASON]),
    ]:
        message = OutboxMessage.objects.get(kind=key)
        assert (message.to, message.recipient_id, message.municipality_id) == (
            holder.mobile,
            holder.pk,
            licence.municipality_id,
        ), key
        assert all(word in message.text for word in words), message.text


def test_report_received_and_clarify_go_to_the_holder(make_licence):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=TEHRAN), tick=False):
        licence = make_licence()
        report = report_submit(licence, period="1404-H2", content=CONTENT, actor=licence.holder)
        report_review(report, outcome="clarify", note="شمار خدمات آذر را توضیح دهید.", actor=user(SUPERVISOR))
    received = OutboxMessage.objects.get(kind=sms.REPORT_RECEIVED.key)
    clarify = OutboxMessage.objects.get(kind=sms.REPORT_CLARIFY.key)
    for message in (received, clarify):
        assert (message.to, message.recipient_id, message.municipality_id) == (
            licence.holder.mobile,
            licence.holder_id,
            licence.municipality_id,
        )
    assert "نیمهٔ دوم ۱۴۰۴" in received.text and "دریافت شد" in received.text
    assert "شمار خدمات آذر را توضیح دهید." in clarify.text


# --- a municipality's own words --------------------------------------------------------------------


def test_an_edited_text_reaches_its_municipality_and_no_other(make_licence):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=TEHRAN), tick=False):
        tehran, elsewhere = make_licence(), make_licence()
        other = MunicipalityFactory()
        Licence.objects.filter(pk=elsewhere.pk).update(municipality=other)
        elsewhere.refresh_from_db()
        edit(sms.REPORT_RECEIVED.key, tehran.municipality, "گزارش {period} دفتر {office} به دست ما رسید.")
        report_submit(tehran, period="1404-H2", content=CONTENT, actor=tehran.holder)
        report_submit(elsewhere, period="1404-H2", content=CONTENT, actor=elsewhere.holder)
    mine = OutboxMessage.objects.get(kind=sms.REPORT_RECEIVED.key, recipient=tehran.holder)
    theirs = OutboxMessage.objects.get(kind=sms.REPORT_RECEIVED.key, recipient=elsewhere.holder)
    assert mine.text.startswith("گزارش نیمهٔ دوم ۱۴۰۴") and "به دست ما رسید" in mine.text
    assert theirs.municipality_id == other.pk
    assert theirs.text.startswith("دفتر ") and "دریافت شد" in theirs.text
