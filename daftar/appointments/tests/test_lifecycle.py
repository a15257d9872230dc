"""The appointment's declared lifecycle (issue 16): every illegal (state, move) taken through the
real service is refused and changes nothing; the moves a person may take now are what the API
answers in ``actions`` and the pages offer; the status changes only through a move; and a clerk
does not mark an appointment they booked themselves (404, as a code that does not exist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.applications.tests.helpers import client_for
from daftar.appointments import messages as msg
from daftar.appointments.models import Appointment
from daftar.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointments_reconcile,
)
from daftar.appointments.workflow import APPOINTMENT, AppointmentStatus
from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import StatusProtected
from daftar.notifications.models import OutboxMessage
from daftar.offices.tests.factories import OfficeClosureFactory

from .conftest import SATURDAY, at, staff

pytestmark = pytest.mark.django_db

SUNDAY = SATURDAY + dt.timedelta(days=1)


@pytest.fixture
def booked(clock: Any, office: Any, inquiry: Any, citizen: Any) -> Appointment:
    return appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)


def _fingerprint(appointment: Appointment) -> tuple[Any, ...]:
    row = Appointment.objects.filter(pk=appointment.pk).values().get()
    return row, AuditEntry.objects.count(), OutboxMessage.objects.count()


def _take_through_the_service(action: str, appointment: Appointment, clerk: Any, citizen: Any) -> None:
    if action == "cancel":
        appointment_cancel(appointment=appointment, actor=citizen)
    elif action in ("done", "no_show"):
        appointment_mark(appointment=appointment, status=action, actor=clerk)
    else:  # the system's move: the office closes that day
        OfficeClosureFactory(office=appointment.office, date=appointment.day, reason="تعمیرات")
        appointments_reconcile(office=appointment.office)


def _put_in(appointment: Appointment, state: str) -> None:
    Appointment.objects.filter(pk=appointment.pk).update(status=state)  # a fixture, not a move


ILLEGAL = list(APPOINTMENT.illegal())


@pytest.mark.parametrize(
    ("state", "action"), [(s, m.action) for s, m in ILLEGAL], ids=[f"{s}-{m.action}" for s, m in ILLEGAL]
)
def test_every_illegal_move_through_the_service_is_refused_and_changes_nothing(
    booked: Appointment, clock: Any, office: Any, citizen: Any, state: str, action: str
) -> None:
    clerk = staff(office, "09352220011")
    # a moment at which the move's guard would pass from ``booked``
    clock.move_to(at(SUNDAY, 10) if action in ("done", "no_show") else at(SATURDAY, 7), tick=False)
    _put_in(booked, state)
    before = _fingerprint(booked)
    if action == "cancel_by_office":
        _take_through_the_service(action, booked, clerk, citizen)  # only booked rows are its to cancel
    else:
        with pytest.raises(ApplicationError) as refused:
            _take_through_the_service(action, booked, clerk, citizen)
        assert refused.value.status_code == 409 and refused.value.code == "not_booked"
        label = AppointmentStatus(state).label
        expected = msg.CANCEL_NOT_BOOKED if action == "cancel" else msg.STATUS_NOT_BOOKED.format(status=label)
        assert refused.value.message == expected
    assert _fingerprint(booked) == before


def test_the_status_is_not_assigned_outside_a_move(booked: Appointment) -> None:
    with pytest.raises(StatusProtected):
        booked.status = AppointmentStatus.DONE
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_the_api_answers_the_moves_each_person_may_take_now(
    booked: Appointment, clock: Any, office: Any, citizen: Any
) -> None:
    clerk = staff(office, "09352220012")
    mine = client_for(citizen).get(f"/api/v1/appointments/{booked.code}").json()
    assert mine["actions"] == ["cancel"]
    day = client_for(clerk).get(f"/api/v1/offices/{office.pk}/appointments?date={SUNDAY.isoformat()}").json()
    assert day[0]["actions"] == []  # Saturday: neither done (its day) nor no-show (its start) yet
    clock.move_to(at(SUNDAY, 9, 30), tick=False)
    assert client_for(citizen).get(f"/api/v1/appointments/{booked.code}").json()["actions"] == []  # too late
    day = client_for(clerk).get(f"/api/v1/offices/{office.pk}/appointments?date={SUNDAY.isoformat()}").json()
    assert day[0]["actions"] == ["done", "no_show"]
    page = client_for(clerk)
    page.force_login(clerk)
    text = page.get(f"/offices/{office.pk}/appointments/?date={SUNDAY.isoformat()}").content.decode()
    assert 'value="done"' in text and 'value="no_show"' in text


def test_a_clerk_does_not_mark_their_own_appointment(clock: Any, office: Any, inquiry: Any) -> None:
    clerk = staff(office, "09352220013")
    own = appointment_book(office=office, service=inquiry, start=at(SATURDAY, 9), citizen=clerk)
    clock.move_to(at(SATURDAY, 10), tick=False)
    before = _fingerprint(own)
    client = client_for(clerk)
    response = client.post(f"/api/v1/appointments/{own.code}/status", {"status": "done"}, format="json")
    missing = client.post("/api/v1/appointments/ZZZZ-9999/status", {"status": "done"}, format="json")
    assert response.status_code == 404 and response.json() == missing.json()
    assert response.json()["detail"] == msg.NOT_FOUND
    assert _fingerprint(own) == before
    day = client.get(f"/api/v1/offices/{office.pk}/appointments?date={SATURDAY.isoformat()}").json()
    assert [row["actions"] for row in day] == [[]]  # no button for it on the day's list either


def test_a_transaction_for_its_code_serves_it_once(booked: Appointment, clock: Any, office: Any) -> None:
    from django.db import transaction

    from daftar.appointments.services import appointment_served

    clerk = staff(office, "09352220014")
    clock.move_to(at(SUNDAY, 9, 5), tick=False)
    for _ in range(2):  # the same code served twice: done once
        with transaction.atomic():
            row = Appointment.objects.select_for_update().select_related("service").get(pk=booked.pk)
            appointment_served(appointment=row, actor=clerk, payment_ref="R-1")
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.DONE and booked.marked_by == clerk
    entry = AuditEntry.objects.get(action="appointment.done", object_id=str(booked.pk))
    assert entry.data["payment_ref"] == "R-1"
