"""The daily renewal reminders (issue 21 §4, ``licences/reminders.py``): the holder and the
active managers of the licence's office are told once when the renewal window opens and once at
each of ``LICENCE_EXPIRY_REMINDER_DAYS`` before the end; a rerun, a second beat or a missed day
never sends twice, a missed day catches up with the one nearest message, and a renewed,
revoked, suspended or expired licence gets nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.licences import reminders
from daftar.licences.models import Licence, LicenceReminder, LicenceStatus
from daftar.licences.moves import licence_renew, licence_revoke, renewal_window
from daftar.licences.reminders import ladder, licence_reminders_send
from daftar.licences.tasks import remind_renewals
from daftar.licences.tests.factories import authority
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text, text_save
from daftar.offices.models import StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

OPEN = "licence_renewal_open"
REMINDER = "licence_expiry_reminder"
KINDS = (OPEN, REMINDER)
WINDOW = settings.LICENCE_RENEWAL_WINDOW_DAYS
START = dt.date.today() + dt.timedelta(days=1)  # the first day every test runs on (rules in force)


@pytest.fixture(autouse=True)
def reminder_days(settings: Any) -> None:
    settings.LICENCE_EXPIRY_REMINDER_DAYS = (30, 7, 1)  # the example defaults, whatever the environment says


def run_on(day: dt.date) -> dict[str, int]:
    """The beat's daily run on ``day`` at the reminder hour (Tehran)."""
    moment = dt.datetime.combine(day, dt.time(settings.LICENCE_REMINDER_HOUR), tzinfo=TEHRAN)
    with time_machine.travel(moment, tick=False):
        return remind_renewals()


def sent(kind: str | None = None) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.filter(kind__in=[kind] if kind else KINDS).select_related("recipient")
    return list(rows.order_by("pk"))


@pytest.fixture
def staffed(make_licence):
    """A licence ending ``WINDOW`` days after START, its office run by two active managers (one a
    person without a mobile), with an inactive manager and a clerk who are not told."""

    def make(**kwargs: Any) -> tuple[Licence, list[User]]:
        kwargs.setdefault("valid_until", START + dt.timedelta(days=WINDOW))
        with time_machine.travel(dt.datetime.combine(START, dt.time(9), tzinfo=TEHRAN), tick=False):
            licence = make_licence(**kwargs)
        office = OfficeFactory(licence=licence, municipality=licence.municipality, district=licence.district)
        managers = [OfficeStaffFactory.create(office=office, role=StaffRole.MANAGER).user for _ in range(2)]
        OfficeStaffFactory(office=office, role=StaffRole.MANAGER, user=licence.holder)  # the holder runs it too
        OfficeStaffFactory(office=office, role=StaffRole.MANAGER, active=False)
        OfficeStaffFactory(office=office, role=StaffRole.CLERK)
        OfficeStaffFactory(office=office, role=StaffRole.MANAGER, user=UserFactory(mobile=""))
        return licence, managers

    return make


def test_the_window_opening_is_told_once_to_the_holder_and_the_active_managers(staffed):
    licence, managers = staffed()
    assert run_on(START - dt.timedelta(days=1)) == {OPEN: 0, REMINDER: 0}  # the day before it opens
    assert not sent()
    assert run_on(START) == {OPEN: 1, REMINDER: 0}
    assert run_on(START) == {OPEN: 0, REMINDER: 0}  # a second beat the same day
    assert run_on(START + dt.timedelta(days=1)) == {OPEN: 0, REMINDER: 0}
    messages = sent()
    assert [m.recipient for m in messages] == [licence.holder, *managers]  # each person once
    opens, closes = renewal_window(licence)
    for message in messages:
        assert (message.kind, message.to, message.municipality) == (
            OPEN,
            message.recipient.mobile,
            licence.municipality,
        )
        assert licence.number in message.text and persian_digits(licence.display_name) in message.text  # its name now
        for day in (opens, licence.valid_until, closes):
            assert to_jalali(day) in message.text  # Jalali dates, Persian digits
    assert LicenceReminder.objects.filter(licence=licence).count() == 1


def test_each_reminder_goes_once_on_its_day(staffed):
    licence, _ = staffed()
    end = licence.valid_until
    days_sent: dict[str, list[int]] = {}
    for n in range(WINDOW + 3):  # every day from the window's opening to after the end, twice a day
        day = START + dt.timedelta(days=n)
        run_on(day)
        for kind, count in run_on(day).items():
            assert count == 0, (day, kind)
    for message in sent():
        if message.recipient == licence.holder:
            days_sent.setdefault(message.kind, []).append((end - timezone.localdate(message.created_at)).days)
    assert days_sent == {OPEN: [WINDOW], REMINDER: [30, 7, 1]}
    reminder_texts = [m.text for m in sent(REMINDER) if m.recipient == licence.holder]
    assert "۳۰ روز دیگر" in reminder_texts[0] and "۷ روز دیگر" in reminder_texts[1]
    assert "۱ روز دیگر" in reminder_texts[2] and to_jalali(end) in reminder_texts[2]
    assert Counter(r.offset for r in LicenceReminder.objects.filter(licence=licence)) == Counter(
        {WINDOW: 1, 30: 1, 7: 1, 1: 1}
    )


def test_missed_days_catch_up_with_the_one_nearest_message(make_licence):
    with time_machine.travel(dt.datetime.combine(START, dt.time(9), tzinfo=TEHRAN), tick=False):
        licence = make_licence(valid_until=START + dt.timedelta(days=5))  # never reminded so far
    assert run_on(START) == {OPEN: 0, REMINDER: 1}  # the 7-day one, not the opening nor the 30-day one
    [message] = sent()
    assert "۵ روز دیگر" in message.text and to_jalali(licence.valid_until) in message.text
    assert run_on(START + dt.timedelta(days=1)) == {OPEN: 0, REMINDER: 0}
    # the beat was down from then until the last valid day: the 1-day reminder, said as «today»
    assert run_on(licence.valid_until) == {OPEN: 0, REMINDER: 1}
    assert "امروز" in sent()[-1].text
    assert run_on(licence.valid_until + dt.timedelta(days=1)) == {OPEN: 0, REMINDER: 0}
    assert len(sent()) == 2


def test_renewed_revoked_suspended_and_expired_licences_get_nothing(make_licence):
    in_window = START + dt.timedelta(days=20)
    with time_machine.travel(dt.datetime.combine(START, dt.time(9), tzinfo=TEHRAN), tick=False):
        renewed = licence_renew(
            make_licence(valid_until=in_window), reason="درخواست تمدید در مهلت مقرر", actor=authority()
        )
        licence_revoke(make_licence(valid_until=in_window), reason="تخلف مالی مکرر دفتر", actor=authority())
        make_licence(status=LicenceStatus.SUSPENDED, suspended_until=in_window, valid_until=in_window)
        make_licence(status=LicenceStatus.EXPIRED, valid_until=START - dt.timedelta(days=40))
        make_licence(valid_until=START - dt.timedelta(days=1))  # active in the row, past its last day
    for n in (0, 13, 19, 20, 21):
        assert run_on(START + dt.timedelta(days=n)) == {OPEN: 0, REMINDER: 0}
    assert not sent() and not LicenceReminder.objects.exists()
    assert Licence.objects.get(pk=renewed.pk).valid_until > in_window


def test_a_renewal_stops_the_reminders_of_the_old_term(staffed):
    licence, _ = staffed()
    run_on(START)  # the window opened
    with time_machine.travel(dt.datetime.combine(START, dt.time(12), tzinfo=TEHRAN), tick=False):
        licence_renew(licence, reason="درخواست تمدید در مهلت مقرر", actor=authority())
    old_end = licence.valid_until
    for before in (30, 7, 1, 0):
        assert run_on(old_end - dt.timedelta(days=before)) == {OPEN: 0, REMINDER: 0}
    assert {m.kind for m in sent()} == {OPEN}


def test_the_municipality_edited_text_is_what_the_holder_receives(staffed):
    admin = User.objects.get(mobile="09120000007")
    text_save(key=REMINDER, municipality=MunicipalityFactory(), body="یادآوری {number} تا {valid_until}", actor=admin)
    first, _ = staffed(valid_until=START + dt.timedelta(days=7))
    run_on(START)
    holder_text = next(m.text for m in sent(REMINDER) if m.recipient == first.holder)
    assert holder_text.startswith("یادآوری: اعتبار مجوز دفتر")  # the default: the edit was another city's

    OutboxMessage.objects.all().delete()
    body = "شهرداری تهران: مجوز {number} {remaining} در {valid_until} پایان می‌یابد؛ تمدید تا {closes}."
    text_save(key=REMINDER, municipality=first.municipality, body=body, actor=admin)
    second, managers = staffed(valid_until=START + dt.timedelta(days=8))
    run_on(START + dt.timedelta(days=1))
    _, closes = renewal_window(second)
    expected = sms_text(
        body.format(
            number=second.number,
            remaining="۷ روز دیگر",
            valid_until=to_jalali(second.valid_until),
            closes=to_jalali(closes),
        )
    )
    told = {m.recipient: m.text for m in sent(REMINDER)}
    assert told == {second.holder: expected, managers[0]: expected, managers[1]: expected}


def test_a_failed_send_leaves_no_mark_and_does_not_stop_the_others(staffed, monkeypatch):
    broken, _ = staffed()
    other, _ = staffed()
    real = reminders.notify

    def notify(key: str, **kwargs: Any) -> Any:
        if kwargs["number"] == broken.number and kwargs["to"] != broken.holder:
            raise RuntimeError("gateway table locked")  # after the holder's row was written
        return real(key, **kwargs)

    monkeypatch.setattr(reminders, "notify", notify)
    assert run_on(START) == {OPEN: 1, REMINDER: 0}
    assert OutboxMessage.objects.filter(text__contains=other.number).count() == 3  # holder, two managers
    assert not LicenceReminder.objects.filter(licence=broken).exists()
    assert not OutboxMessage.objects.filter(text__contains=broken.number).exists()  # the holder's rolled back
    monkeypatch.setattr(reminders, "notify", real)
    assert run_on(START + dt.timedelta(days=1)) == {OPEN: 1, REMINDER: 0}  # caught up the next day
    assert LicenceReminder.objects.filter(licence=broken).count() == 1


def test_reminder_days_outside_the_window_are_left_out(settings):
    settings.LICENCE_EXPIRY_REMINDER_DAYS = (0, 7, WINDOW + 30, 7, 30)
    assert [(days, text.key) for days, text in ladder()] == [(WINDOW, OPEN), (30, REMINDER), (7, REMINDER)]
    settings.LICENCE_EXPIRY_REMINDER_DAYS = ()
    assert [(days, text.key) for days, text in ladder()] == [(WINDOW, OPEN)]


def test_the_reminders_run_hourly_and_send_from_the_reminder_hour():
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == remind_renewals.name]
    assert entry["schedule"] == 60 * 60.0  # a missed hour (worker down) is caught up the same day
    night = dt.datetime.combine(START, dt.time(settings.LICENCE_REMINDER_HOUR - 1, 59), tzinfo=TEHRAN)
    assert set(licence_reminders_send(night).values()) <= {0}
    assert remind_renewals.name == "daftar.licences.tasks.remind_renewals"
    assert licence_reminders_send.__module__ == "daftar.licences.reminders"
