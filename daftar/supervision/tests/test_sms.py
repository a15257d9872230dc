"""Supervision's SMS (issue 21 §4): each declared text goes out under its key to the right people,
with their account and the licence's municipality on the outbox row, in the municipality's own
words when its administrator edited them; office managers get notices, the reminder of a notice's
response deadline and the six-monthly report reminder (issue 21: «Office managers get SMS for
notices and their deadlines»)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.licences.models import Licence, LicenceStatus
from daftar.municipalities.models import DayOff
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import text_save
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.supervision import sms
from daftar.supervision.models import Notice
from daftar.supervision.reports import report_review
from daftar.supervision.services import (
    decision_make,
    notice_issue,
    notice_respond,
    notices_remind,
    report_submit,
    reports_remind,
    violation_record,
)

pytestmark = pytest.mark.django_db

AUTHORITY = "09120000005"
SUPERVISOR = "09120000006"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"
ANSWER = "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."
CONTENT = "گزارش عملکرد شش‌ماههٔ دفتر با آمار خدمات"
# Saturday 7 Azar 1405, 10:00 Tehran: a notice issued now is due at the end of Saturday 14 Azar
# (five working days; Thursday 13 Azar too when Thursdays are working days), so with the example
# setting of 2 working days its reminder is due on Tuesday 10 Azar (1 December 2026).
ISSUED = dt.datetime(2026, 11, 28, 10, 0, tzinfo=TEHRAN)


def at(day: int, hour: int = 10, month: int = 12) -> time_machine.travel:
    return time_machine.travel(dt.datetime(2026, month, day, hour, 0, tzinfo=TEHRAN), tick=False)


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


@pytest.fixture(autouse=True)
def _fresh_texts(settings: Any) -> Iterator[None]:
    """The texts' per-process cache would outlive an edited text rolled back with its test."""
    settings.SUPERVISION_NOTICE_REMINDER_DAYS = 2
    settings.SUPERVISION_NOTICE_REMINDER_HOUR = 9
    texts.cache_clear()
    yield
    texts.cache_clear()


def office_of(licence: Licence) -> Office:
    return OfficeFactory.create(municipality=licence.municipality, district=licence.district, licence=licence)


def manager(office: Office, person: User | None = None, *, active: bool = True, role: str = StaffRole.MANAGER) -> User:
    person = person or UserFactory.create()
    OfficeStaffFactory(office=office, user=person, role=role, active=active)
    return person


def issue(licence: Licence) -> Notice:
    violation_record(licence, type_code="outside_hours", description=REASON, actor=user(SUPERVISOR))
    return notice_issue(licence, actor=user(SUPERVISOR))


def sent(key: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=key).order_by("pk"))


def recipients(key: str) -> list[int | None]:
    return [m.recipient_id for m in sent(key)]


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


# --- a notice: holder and the office's managers ----------------------------------------------------


def test_a_notice_goes_to_the_holder_and_each_active_manager_of_the_office_once(make_licence):
    licence, elsewhere = make_licence(), make_licence()
    office = office_of(licence)
    first, second = manager(office), manager(office)
    manager(office, licence.holder)  # the holder manages the office too: one SMS, not two
    manager(office, active=False)  # no longer at the office
    manager(office, role=StaffRole.CLERK)  # a clerk is not told
    manager(office_of(elsewhere))  # another office's manager

    issue(licence)

    assert Counter(recipients(sms.NOTICE.key)) == Counter([licence.holder_id, first.pk, second.pk])
    for message in sent(sms.NOTICE.key):
        assert message.municipality_id == licence.municipality_id
        assert message.to == User.objects.get(pk=message.recipient_id).mobile
        assert "اخطاریهٔ تصمیم" in message.text and licence.number in message.text
    # the violation and the decision stay the holder's
    assert recipients(sms.VIOLATION.key) == [licence.holder_id]


def test_a_licence_without_an_office_tells_its_holder(make_licence):
    licence = make_licence()
    issue(licence)
    assert recipients(sms.NOTICE.key) == [licence.holder_id]


# --- the reminder of a notice's response deadline --------------------------------------------------


def reminded_notice(make_licence: Any) -> tuple[Licence, Notice, User]:
    with time_machine.travel(ISSUED, tick=False):
        licence = make_licence()
        boss = manager(office_of(licence))
        notice = issue(licence)
    return licence, notice, boss


def test_the_deadline_reminder_goes_once_working_days_before_to_holder_and_managers(make_licence):
    licence, notice, boss = reminded_notice(make_licence)
    with at(30, month=11):
        assert notices_remind() == 0  # Monday: three working days are left
    with at(1, hour=8):
        assert notices_remind() == 0  # Tuesday, before the hour: no SMS at night
    with at(1):
        assert notices_remind() == 1
        assert notices_remind() == 0  # a rerun sends nothing
    with at(2):
        assert notices_remind() == 0  # nor the next day
    messages = sent(sms.NOTICE_REMINDER.key)
    assert Counter(m.recipient_id for m in messages) == Counter([licence.holder_id, boss.pk])
    for message in messages:
        assert message.municipality_id == licence.municipality_id
        assert "مهلت پاسخ به اخطاریهٔ تصمیم «تذکر»" in message.text and "۱۴۰۵/۰۹/۱۴" in message.text
    notice.refresh_from_db()
    assert notice.reminded_at == dt.datetime(2026, 12, 1, 10, 0, tzinfo=TEHRAN)


def test_no_reminder_on_the_day_the_notice_was_issued(make_licence, settings):
    settings.SUPERVISION_RESPONSE_DAYS = 2  # the notice opens inside the reminder's window
    reminded_notice(make_licence)
    with time_machine.travel(ISSUED + dt.timedelta(hours=1), tick=False):
        assert notices_remind() == 0  # its own SMS has just given the deadline
    with at(29, month=11):
        assert notices_remind() == 1


def test_the_reminder_counts_the_municipalitys_working_days(make_licence):
    with time_machine.travel(ISSUED - dt.timedelta(days=1), tick=False):
        licence = make_licence()
        # Monday 10 Azar declared closed before the notice: its deadline moves a working day on
        DayOff.objects.create(municipality=licence.municipality, date=dt.date(2026, 11, 30), title="آلودگی هوا")
    with time_machine.travel(ISSUED, tick=False):
        issue(licence)
    with at(1):
        assert notices_remind() == 0  # Tuesday: three working days are left now
    with at(2):
        assert notices_remind() == 1


def test_no_reminder_once_the_office_responded(make_licence):
    licence, notice, _ = reminded_notice(make_licence)
    with at(30, month=11):
        notice_respond(notice, text=ANSWER, actor=licence.holder)
    with at(1):
        assert notices_remind() == 0
    assert not sent(sms.NOTICE_REMINDER.key)


def test_no_reminder_for_a_decided_notice_or_a_licence_out_of_supervision(make_licence):
    licence, notice, _ = reminded_notice(make_licence)
    with at(30, month=11):
        notice_respond(notice, text=ANSWER, actor=licence.holder)
        decision_make(notice, actor=user(AUTHORITY), reason=REASON)
    Notice.objects.filter(pk=notice.pk).update(responded_at=None)  # decided, whatever else it says
    other, other_notice, _ = reminded_notice(make_licence)
    Licence.objects.filter(pk=other.pk).update(status=LicenceStatus.REVOKED)
    with at(1):
        assert notices_remind() == 0
    assert not sent(sms.NOTICE_REMINDER.key)
    other_notice.refresh_from_db()
    assert other_notice.reminded_at is None


def test_no_reminder_after_the_deadline(make_licence):
    _, notice, _ = reminded_notice(make_licence)
    with time_machine.travel(notice.response_due + dt.timedelta(hours=10), tick=False):
        assert notices_remind() == 0
    assert not sent(sms.NOTICE_REMINDER.key)


def test_the_reminder_setting_is_read(make_licence, settings):
    settings.SUPERVISION_NOTICE_REMINDER_DAYS = 0  # on the deadline's own day
    reminded_notice(make_licence)
    with at(4):
        assert notices_remind() == 0  # Friday: a working day is still left
    with at(5):
        assert notices_remind() == 1


def test_the_reminder_is_sent_in_the_municipalitys_edited_words(make_licence):
    licence, _, boss = reminded_notice(make_licence)
    edit(sms.NOTICE_REMINDER.key, licence.municipality, "یادآوری: پاسخ اخطاریهٔ مجوز {number} تا {due}.")
    with at(1):
        assert notices_remind() == 1
    texts_sent = {m.recipient_id: m.text for m in sent(sms.NOTICE_REMINDER.key)}
    assert set(texts_sent) == {licence.holder_id, boss.pk}
    for text in texts_sent.values():
        assert text.startswith("یادآوری: پاسخ اخطاریهٔ مجوز " + licence.number) and "۱۴۰۵/۰۹/۱۴" in text


# --- the six-monthly report reminder -------------------------------------------------------------


def test_the_report_reminder_reaches_the_managers_too(make_licence):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=TEHRAN), tick=False):
        licence = make_licence()
        office = office_of(licence)
        boss = manager(office)
        manager(office, active=False)
        assert reports_remind() == {"reminded": 1, "missing": 0}
        assert reports_remind() == {"reminded": 0, "missing": 0}
    assert Counter(recipients(sms.REPORT_REMINDER.key)) == Counter([licence.holder_id, boss.pk])
    assert {m.municipality_id for m in sent(sms.REPORT_REMINDER.key)} == {licence.municipality_id}


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


def test_a_failing_reminder_rolls_back_and_is_tried_next_hour(make_licence, monkeypatch):
    from daftar.supervision import services

    _licence, notice, _boss = reminded_notice(make_licence)
    real = services._tell_office

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the gateway's adapter exploded")

    monkeypatch.setattr(services, "_tell_office", broken)
    with at(1):
        assert notices_remind() == 0  # no crash of the run, nothing recorded
    notice.refresh_from_db()
    assert notice.reminded_at is None and not sent(sms.NOTICE_REMINDER.key)
    monkeypatch.setattr(services, "_tell_office", real)
    with at(1, hour=11):
        assert notices_remind() == 1
