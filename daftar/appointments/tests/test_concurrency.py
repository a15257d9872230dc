"""No double booking, ever (issue 6 §4), proven on PostgreSQL: 50 citizens book the same slot of
an office with 2 counters at once; exactly 2 succeed, 48 get 409 ``slot_full``, and the
database holds exactly 2 live rows. Two reminder workers at once send each reminder once.
Skipped on SQLite (which serialises writers anyway); CI runs it on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from daftar.accounts.tests.factories import UserFactory
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_book, reminders_send
from daftar.kernel.errors import ApplicationError
from daftar.notifications.models import OutboxMessage

from .conftest import SATURDAY, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CITIZENS = 50


def run_all(workers: list[Any]) -> None:
    threads = [threading.Thread(target=w) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)


def test_50_concurrent_bookings_of_one_slot_with_2_counters(clock: Any, office: Any, inquiry: Any) -> None:
    citizens = [UserFactory(mobile=f"0936{n:07d}") for n in range(CITIZENS)]
    barrier = threading.Barrier(CITIZENS)
    won: list[Appointment] = []
    refused: list[ApplicationError] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(citizen: Any) -> Any:
        def run() -> None:
            try:
                barrier.wait()
                appointment = appointment_book(office=office, service=inquiry, start=at(SATURDAY, 9), citizen=citizen)
                with lock:
                    won.append(appointment)
            except ApplicationError as exc:
                with lock:
                    refused.append(exc)
            except BaseException as exc:  # pragma: no cover - reported below
                with lock:
                    errors.append(exc)
            finally:
                connections.close_all()

        return run

    run_all([worker(c) for c in citizens])
    assert errors == []
    assert len(won) == 2
    assert len(refused) == CITIZENS - 2
    assert {(e.status_code, e.code) for e in refused} == {(409, "slot_full")}
    live = Appointment.objects.filter(office=office, status=AppointmentStatus.BOOKED)
    assert live.count() == 2
    assert sorted(live.values_list("counter", flat=True)) == [1, 2]


def test_one_citizen_racing_themselves_gets_one_booking_per_day(
    clock: Any, office: Any, inquiry: Any, citizen: Any
) -> None:
    barrier = threading.Barrier(10)
    results: list[str] = []
    lock = threading.Lock()

    def worker(hour: int, minute: int) -> Any:
        def run() -> None:
            try:
                barrier.wait()
                appointment_book(office=office, service=inquiry, start=at(SATURDAY, hour, minute), citizen=citizen)
                outcome = "ok"
            except ApplicationError as exc:
                outcome = exc.code
            finally:
                connections.close_all()
            with lock:
                results.append(outcome)

        return run

    run_all([worker(9 + n // 4, 15 * (n % 4)) for n in range(10)])
    assert sorted(results) == ["ok"] + ["one_per_day"] * 9
    assert Appointment.objects.filter(citizen=citizen, status=AppointmentStatus.BOOKED).count() == 1


def test_two_reminder_workers_send_each_reminder_once(clock: Any, office: Any, inquiry: Any) -> None:
    import datetime as dt

    sunday = SATURDAY + dt.timedelta(days=1)
    for n in range(20):
        citizen = UserFactory(mobile=f"0937{n:07d}")
        appointment_book(office=office, service=inquiry, start=at(sunday, 8 + n // 4, 15 * (n % 4)), citizen=citizen)
    clock.move_to(at(SATURDAY, 16, 30), tick=False)  # reminders go out from 16:00 the day before
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            counts.append(reminders_send())
        finally:
            connections.close_all()

    run_all([worker for _ in range(4)])
    assert sum(counts) == 20
    assert OutboxMessage.objects.filter(kind="appointment_reminder").count() == 20


def test_the_exclusion_constraint_refuses_an_overlap_the_count_missed(
    clock: Any, office: Any, inquiry: Any, permit: Any
) -> None:
    """Were the locked count wrong, PostgreSQL's exclusion constraint (migration 0002) still
    refuses an overlapping booking of one counter with a different start; the citizen sees the
    usual 409."""
    from unittest import mock

    from daftar.appointments import services as appointment_services

    first, second = UserFactory(mobile="09380000001"), UserFactory(mobile="09380000002")
    held = appointment_book(office=office, service=permit, start=at(SATURDAY, 8), citizen=first)  # 8:00–8:30
    assert held.counter == 1
    with mock.patch.object(appointment_services, "day_booked", return_value=[]), pytest.raises(ApplicationError) as exc:
        appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8, 15), citizen=second)
    assert (exc.value.status_code, exc.value.code) == (409, "slot_full")
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
