"""Bookings the office can no longer honour (S17 «نوبت‌دهی اینترنتی»): a booking on a day or
hour the office no longer opens (its closure, new weekly hours, the municipality's day off, an
extended day withdrawn, the office deactivated) is cancelled and its citizen told by SMS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.appointments import messages as msg
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_book, appointments_reconcile, reminders_send
from daftar.appointments.sms import CANCELLED_BY_OFFICE
from daftar.audit.constants import action_label
from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.tests.factories import DayOffFactory
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office, StaffRole
from daftar.offices.services import closure_add, hours_set
from daftar.offices.tests.factories import ExtendedDayFactory, OfficeClosureFactory

from .conftest import SATURDAY, at, staff

pytestmark = pytest.mark.django_db

SUNDAY = SATURDAY + dt.timedelta(days=1)  # 1405/09/29
MONDAY = SATURDAY + dt.timedelta(days=2)
THURSDAY = SATURDAY + dt.timedelta(days=5)  # not a working day of the test offices
WEEK = [{"weekday": d, "start": "08:00", "end": "14:00"} for d in range(5)]


def status(appointment: Appointment) -> str:
    return Appointment.objects.get(pk=appointment.pk).status


def cancellation_sms(appointment: Appointment, office: Office, weekday: str, date: str, time: str, reason: str) -> str:
    return CANCELLED_BY_OFFICE.default.format(
        code=appointment.code, office=office.name, weekday=weekday, date=date, time=time, reason=reason
    )


def test_a_closure_cancels_that_days_bookings_with_an_sms_and_no_reminder(
    clock: Any, office: Any, office_b: Any, inquiry: Any, citizen: Any, citizen2: Any, citizen3: Any
) -> None:
    manager = staff(office, "09353330001", StaffRole.MANAGER)
    sunday = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen)
    monday = appointment_book(office=office, service=inquiry, start=at(MONDAY, 9), citizen=citizen2)
    elsewhere = appointment_book(office=office_b, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen3)

    closure_add(office=office, date="۱۴۰۵/۰۹/۲۹", reason="تعمیرات ساختمان", actor=manager)

    assert status(sunday) == AppointmentStatus.CANCELLED
    assert Appointment.objects.get(pk=sunday.pk).cancelled_at is not None
    assert status(monday) == status(elsewhere) == AppointmentStatus.BOOKED
    [sms] = OutboxMessage.objects.filter(kind="appointment_cancelled_by_office")
    assert sms.to == citizen.mobile
    assert sms.text == cancellation_sms(sunday, office, "یکشنبه", "۱۴۰۵/۰۹/۲۹", "۰۸:۳۰", "تعطیلی دفتر: تعمیرات ساختمان")
    entry = AuditEntry.objects.get(action="appointment.cancelled_by_office")
    assert entry.actor_id == manager.pk and entry.data["reason"] == "تعطیلی دفتر: تعمیرات ساختمان"
    assert action_label("appointment.cancelled_by_office") == "لغو نوبت به سبب بسته بودن دفتر در آن زمان"
    # the counter is free again for that day's other office, and no reminder goes to the citizen
    clock.move_to(at(SATURDAY, 16), tick=False)
    assert reminders_send() == 1  # office_b's booking only
    assert list(OutboxMessage.objects.filter(kind="appointment_reminder").values_list("to", flat=True)) == [
        citizen3.mobile
    ]


def test_new_weekly_hours_cancel_only_the_bookings_outside_them(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    manager = staff(office, "09353330001", StaffRole.MANAGER)
    early = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen)
    late = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 10, 30), citizen=citizen2)
    week = [r for r in WEEK if r["weekday"] != 1] + [{"weekday": 1, "start": "10:00", "end": "14:00"}]
    hours_set(office=office, rows=week, actor=manager)
    assert status(early) == AppointmentStatus.CANCELLED and status(late) == AppointmentStatus.BOOKED
    [sms] = OutboxMessage.objects.filter(kind="appointment_cancelled_by_office")
    assert sms.to == citizen.mobile and f"({msg.REASON_HOURS_CHANGED})" in sms.text
    # a booking whose end would cross the new closing time goes too
    ends_late = appointment_book(office=office, service=inquiry, start=at(MONDAY, 13, 45), citizen=citizen)
    hours_set(office=office, rows=[*WEEK[:2], {"weekday": 2, "start": "08:00", "end": "13:50"}, *WEEK[3:]], actor=None)
    assert status(ends_late) == AppointmentStatus.CANCELLED


def test_a_refused_schedule_cancels_nothing(clock: Any, office: Any, inquiry: Any, citizen: Any) -> None:
    booked = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 8, 30), citizen=citizen)
    with pytest.raises(ApplicationError) as refused:
        hours_set(office=office, rows=[{"weekday": 1, "start": "06:00", "end": "07:00"}], actor=None)
    assert refused.value.code == "outside_directive"
    assert status(booked) == AppointmentStatus.BOOKED
    assert not OutboxMessage.objects.filter(kind="appointment_cancelled_by_office").exists()


def test_a_municipality_day_off_cancels_that_days_bookings_at_every_office(
    clock: Any,
    office: Any,
    office_b: Any,
    inquiry: Any,
    citizen: Any,
    citizen2: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    one = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    two = appointment_book(office=office_b, service=inquiry, start=at(SUNDAY, 11), citizen=citizen2)
    monday = appointment_book(office=office_b, service=inquiry, start=at(MONDAY, 11), citizen=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        DayOffFactory(municipality=office.municipality, date=SUNDAY, title="تعطیلی به دلیل آلودگی هوا")
    assert status(one) == status(two) == AppointmentStatus.CANCELLED
    assert status(monday) == AppointmentStatus.BOOKED
    texts = sorted(OutboxMessage.objects.filter(kind="appointment_cancelled_by_office").values_list("to", "text"))
    assert texts[0] == (
        citizen.mobile,
        cancellation_sms(
            one, office, "یکشنبه", "۱۴۰۵/۰۹/۲۹", "۰۹:۰۰", "تعطیلی اعلام‌شدهٔ شهرداری: تعطیلی به دلیل آلودگی هوا"
        ),
    )
    assert AuditEntry.objects.filter(action="appointment.cancelled_by_office", actor=None).count() == 2


def test_a_day_off_declared_for_a_past_day_touches_nothing(
    clock: Any, office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        DayOffFactory(municipality=office.municipality, date=SATURDAY - dt.timedelta(days=1), title="گذشته")
    assert not OutboxMessage.objects.exists()


def test_withdrawing_or_narrowing_an_extended_day_cancels_the_bookings_it_allowed(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any, django_capture_on_commit_callbacks: Any
) -> None:
    extended = ExtendedDayFactory(
        municipality=office.municipality, date=THURSDAY, start=dt.time(8), end=dt.time(20), title="تمدید پایان سال"
    )
    morning = appointment_book(office=office, service=inquiry, start=at(THURSDAY, 9), citizen=citizen)
    evening = appointment_book(office=office, service=inquiry, start=at(THURSDAY, 18), citizen=citizen2)
    with django_capture_on_commit_callbacks(execute=True):
        extended.end = dt.time(16)
        extended.save()
    assert status(morning) == AppointmentStatus.BOOKED and status(evening) == AppointmentStatus.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        extended.delete()
    assert status(morning) == AppointmentStatus.CANCELLED
    sms = OutboxMessage.objects.filter(kind="appointment_cancelled_by_office", to=citizen.mobile).get()
    assert "(روز کاری این دفتر نیست)" in sms.text and "پنجشنبه ۱۴۰۵/۱۰/۰۳" in sms.text


def test_deactivating_an_office_cancels_its_future_bookings(
    clock: Any, office: Any, inquiry: Any, citizen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    booked = appointment_book(office=office, service=inquiry, start=at(MONDAY, 9), citizen=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        office.active = False
        office.save()
    assert status(booked) == AppointmentStatus.CANCELLED
    sms = OutboxMessage.objects.get(kind="appointment_cancelled_by_office")
    assert f"({msg.REASON_OFFICE_INACTIVE})" in sms.text


def test_a_started_booking_is_left_alone(clock: Any, office: Any, inquiry: Any, citizen: Any) -> None:
    booked = appointment_book(office=office, service=inquiry, start=at(SATURDAY, 9), citizen=citizen)
    clock.move_to(at(SATURDAY, 9, 5), tick=False)
    OfficeClosureFactory(office=office, date=SATURDAY, reason="قطع برق ساختمان")
    assert appointments_reconcile(office=office) == []
    assert status(booked) == AppointmentStatus.BOOKED


def test_a_closure_committed_while_booking_is_seen_under_the_office_lock(
    clock: Any, office: Any, inquiry: Any, citizen: Any, monkeypatch: Any
) -> None:
    """The slots were computed before the closure; the booking re-reads the hours under the lock."""
    from daftar.appointments import services
    from daftar.appointments.slots import day_slots
    from daftar.kernel.errors import ApplicationError

    before = day_slots(office, inquiry, SUNDAY)
    monkeypatch.setattr(services, "day_slots", lambda *args, **kwargs: before)
    OfficeClosureFactory(office=office, date=SUNDAY, reason="تعمیرات ساختمان")
    with pytest.raises(ApplicationError) as caught:
        appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    assert caught.value.code == "slot_unknown"
    assert not Appointment.objects.exists()
