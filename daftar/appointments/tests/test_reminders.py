"""Day-before reminders (S17): every live appointment of tomorrow gets one SMS, exactly once,
however often the beat task runs; they go out from APPOINTMENT_REMINDER_HOUR (Tehran) the day
before, never for a slot no longer open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.appointments.models import Appointment
from daftar.appointments.services import appointment_book, appointment_cancel, reminders_send
from daftar.appointments.sms import REMINDER
from daftar.appointments.tasks import send_reminders
from daftar.notifications.models import OutboxMessage
from daftar.offices.tests.factories import OfficeClosureFactory

from .conftest import SATURDAY, at

pytestmark = pytest.mark.django_db

SUNDAY = SATURDAY + dt.timedelta(days=1)


def test_reminders_are_sent_the_day_before_exactly_once(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any, citizen3: Any
) -> None:
    tomorrow = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen)
    cancelled = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen2)
    appointment_cancel(appointment=cancelled, actor=citizen2)
    today = appointment_book(office=office, service=inquiry, start=at(SATURDAY, 10), citizen=citizen3)
    later = appointment_book(
        office=office, service=inquiry, start=at(SATURDAY + dt.timedelta(days=2), 9), citizen=citizen3
    )

    # review #10: nothing goes out before APPOINTMENT_REMINDER_HOUR (16:00 Tehran) the day before
    assert send_reminders.delay().get() == 0
    clock.move_to(at(SATURDAY, 16), tick=False)
    assert send_reminders.delay().get() == 1
    assert send_reminders.delay().get() == 0
    assert reminders_send() == 0
    [sms] = OutboxMessage.objects.filter(kind="appointment_reminder")
    assert sms.to == citizen.mobile
    assert sms.text == REMINDER.default.format(
        weekday="یکشنبه", date="۱۴۰۵/۰۹/۲۹", time="۰۸:۳۰", office=office.name, service="استعلام ملک", code=tomorrow.code
    )
    assert "فردا، یکشنبه ۱۴۰۵/۰۹/۲۹ ساعت ۰۸:۳۰" in sms.text
    assert Appointment.objects.get(pk=tomorrow.pk).reminded_at is not None
    assert Appointment.objects.get(pk=today.pk).reminded_at is None
    assert Appointment.objects.get(pk=later.pk).reminded_at is None
    # the next day, the Monday appointment's turn comes, once
    clock.move_to(at(SUNDAY, 20), tick=False)
    assert reminders_send() == 1 and reminders_send() == 0


def test_no_reminder_after_midnight_or_before_the_reminder_hour(
    clock: Any, office: Any, inquiry: Any, citizen: Any
) -> None:
    booked = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    for hour, minute in ((0, 10), (6, 0), (15, 59)):
        clock.move_to(at(SATURDAY, hour, minute), tick=False)
        assert reminders_send() == 0
    clock.move_to(at(SATURDAY, 16), tick=False)
    assert reminders_send() == 1
    assert Appointment.objects.get(pk=booked.pk).reminded_at is not None


def test_the_reminder_hour_is_a_setting(clock: Any, office: Any, inquiry: Any, citizen: Any, settings: Any) -> None:
    settings.APPOINTMENT_REMINDER_HOUR = 19
    appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    clock.move_to(at(SATURDAY, 18, 30), tick=False)
    assert reminders_send() == 0
    clock.move_to(at(SATURDAY, 19), tick=False)
    assert reminders_send() == 1


def test_an_evening_booking_for_tomorrow_gets_no_reminder_besides_its_confirmation(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    clock.move_to(at(SATURDAY, 15, 50), tick=False)
    before = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    clock.move_to(at(SATURDAY, 20), tick=False)
    evening = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 10), citizen=citizen2)
    clock.move_to(at(SATURDAY, 20, 30), tick=False)
    assert reminders_send() == 1
    assert Appointment.objects.get(pk=before.pk).reminded_at is not None
    assert Appointment.objects.get(pk=evening.pk).reminded_at is None
    assert OutboxMessage.objects.filter(to=citizen2.mobile, kind="appointment_booked").count() == 1
    assert not OutboxMessage.objects.filter(to=citizen2.mobile, kind="appointment_reminder").exists()


def test_no_reminder_for_a_slot_no_longer_open(clock: Any, office: Any, inquiry: Any, citizen: Any) -> None:
    """Defence in depth: a closure written without the service (so nothing was cancelled)."""
    booked = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    OfficeClosureFactory(office=office, date=SUNDAY, reason="قطع برق ساختمان")
    clock.move_to(at(SATURDAY, 16), tick=False)
    assert reminders_send() == 0
    assert Appointment.objects.get(pk=booked.pk).reminded_at is None
    assert not OutboxMessage.objects.filter(kind="appointment_reminder").exists()
