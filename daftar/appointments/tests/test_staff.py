"""Office staff and appointments (S17): the day's list, «انجام شد» / «حاضر نشد» (not before the
start), audit of every change, and IDOR: a clerk of office B cannot list or mark office A's
appointments (404, the same body as a missing one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.tests.helpers import client_for
from daftar.appointments import messages as msg
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_book
from daftar.audit.models import AuditEntry
from daftar.offices.models import StaffRole

from .conftest import SATURDAY, at, staff

pytestmark = pytest.mark.django_db

SUNDAY = SATURDAY + dt.timedelta(days=1)


@pytest.fixture
def booked(clock: Any, office: Any, inquiry: Any, citizen: Any) -> Appointment:
    return appointment_book(office=office, service=inquiry, start=at(SATURDAY, 9), citizen=citizen)


def mark(client: Any, code: str, status: str) -> Any:
    return client.post(f"/api/v1/appointments/{code}/status", {"status": status}, format="json")


def test_clerk_lists_the_day_with_citizen_names(booked: Appointment, office: Any, clerk: Any) -> None:
    response = client_for(clerk).get(f"/api/v1/offices/{office.pk}/appointments?date=۱۴۰۵/۰۹/۲۸")
    assert response.status_code == 200
    [row] = response.json()
    assert row["code"] == booked.code and row["citizen_name"] == "مریم احمدی"
    assert row["citizen_mobile"] == "09351110001" and row["start_jalali"] == "1405/09/28 09:00"
    # another day is empty; today is the default
    assert client_for(clerk).get(f"/api/v1/offices/{office.pk}/appointments?date=2026-12-20").json() == []
    assert len(client_for(clerk).get(f"/api/v1/offices/{office.pk}/appointments").json()) == 1


def test_manager_may_list_too_and_bad_dates_are_400(booked: Appointment, office: Any) -> None:
    manager = staff(office, "09352220009", StaffRole.MANAGER)
    client = client_for(manager)
    assert client.get(f"/api/v1/offices/{office.pk}/appointments?date=1405/09/28").status_code == 200
    response = client.get(f"/api/v1/offices/{office.pk}/appointments?date=xyz")
    assert response.status_code == 400 and response.json()["detail"] == msg.DATE_INVALID


def test_done_is_recorded_and_audited(booked: Appointment, clerk: Any) -> None:
    response = mark(client_for(clerk), booked.code, "done")
    assert response.status_code == 200 and response.json()["status"] == "done"
    booked.refresh_from_db()
    assert booked.marked_by == clerk and booked.marked_at is not None
    assert AuditEntry.objects.filter(action="appointment.done", object_id=str(booked.pk)).exists()
    again = mark(client_for(clerk), booked.code, "no_show")
    assert again.status_code == 409 and again.json()["detail"] == msg.STATUS_NOT_BOOKED.format(status="انجام شد")


def test_no_show_before_the_start_is_refused_and_allowed_after(booked: Appointment, clerk: Any, clock: Any) -> None:
    response = mark(client_for(clerk), booked.code, "no_show")
    assert response.status_code == 409 and response.json()["detail"] == msg.NO_SHOW_TOO_EARLY
    clock.move_to(at(SATURDAY, 8, 59), tick=False)
    assert mark(client_for(clerk), booked.code, "no_show").status_code == 409
    clock.move_to(at(SATURDAY, 9, 0), tick=False)
    response = mark(client_for(clerk), booked.code, "no_show")
    assert response.status_code == 200 and response.json()["status"] == "no_show"
    assert AuditEntry.objects.filter(action="appointment.no_show", object_id=str(booked.pk)).exists()


def test_done_before_the_appointments_day_is_refused(
    clock: Any, office: Any, inquiry: Any, citizen: Any, clerk: Any
) -> None:
    tomorrow = appointment_book(office=office, service=inquiry, start=at(SUNDAY, 9), citizen=citizen)
    response = mark(client_for(clerk), tomorrow.code, "done")
    assert response.status_code == 409 and response.json()["detail"] == msg.DONE_TOO_EARLY
    clock.move_to(at(SUNDAY, 7), tick=False)  # that morning, before its start: served early is fine
    assert mark(client_for(clerk), tomorrow.code, "done").status_code == 200


@pytest.mark.parametrize("status", ["booked", "cancelled", "", "NO_SHOW", "حاضر نشد"])
def test_only_no_show_or_done_may_be_marked(booked: Appointment, clerk: Any, status: str) -> None:
    response = mark(client_for(clerk), booked.code, status)
    assert response.status_code == 400
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_clerk_of_office_b_cannot_list_or_mark_office_a(booked: Appointment, office: Any, clerk_b: Any) -> None:
    client = client_for(clerk_b)
    listing = client.get(f"/api/v1/offices/{office.pk}/appointments?date=1405/09/28")
    missing_office = client.get("/api/v1/offices/987654/appointments?date=1405/09/28")
    assert listing.status_code == missing_office.status_code == 404
    assert listing.content == missing_office.content
    theirs = mark(client, booked.code, "done")
    missing = mark(client, "ZZZZ-ZZZZ", "done")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_the_citizen_cannot_mark_their_own_appointment(booked: Appointment, citizen: Any) -> None:
    assert mark(client_for(citizen), booked.code, "done").status_code == 404
    assert client_for(citizen).get(f"/api/v1/offices/{booked.office_id}/appointments").status_code == 404


def test_a_municipality_supervisor_reads_the_office_but_may_not_work_its_list(booked: Appointment, office: Any) -> None:
    supervisor = RoleAssignmentFactory(municipality=office.municipality, role="supervisor").user
    response = client_for(supervisor).get(f"/api/v1/offices/{office.pk}/appointments")
    assert response.status_code == 403
    assert mark(client_for(supervisor), booked.code, "done").status_code == 403


def test_anonymous_staff_endpoints_are_401(booked: Appointment, api: Any, office: Any) -> None:
    assert api.get(f"/api/v1/offices/{office.pk}/appointments").status_code == 401
    assert mark(api, booked.code, "done").status_code == 401


# --- the page ---------------------------------------------------------------------------------


def test_clerk_page_lists_and_marks(booked: Appointment, office: Any, clerk: Any, client: Any) -> None:
    client.force_login(clerk)
    page = client.get(f"/offices/{office.pk}/appointments/?date=1405/09/28")
    assert page.status_code == 200
    html = page.content.decode()
    assert booked.code in html and "مریم احمدی" in html and "۰۹:۰۰" in html and "۱۴۰۵/۰۹/۲۸" in html
    assert "حاضر نشد</button>" not in html  # before the start, only «انجام شد» is offered
    response = client.post(f"/appointments/{booked.code}/status/", {"status": "done"})
    assert response.status_code == 302
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.DONE
    follow = client.get(response["Location"])
    assert msg.MARKED.format(code=booked.code, status="انجام شد") in follow.content.decode()


def test_clerk_page_bad_date_is_a_persian_400(office: Any, clerk: Any, client: Any, clock: Any) -> None:
    client.force_login(clerk)
    page = client.get(f"/offices/{office.pk}/appointments/?date=۱۴۰۵/۱۳/۴۰")
    assert page.status_code == 400 and msg.DATE_INVALID in page.content.decode()


def test_clerk_b_gets_404_pages_for_office_a(booked: Appointment, office: Any, clerk_b: Any, client: Any) -> None:
    client.force_login(clerk_b)
    assert client.get(f"/offices/{office.pk}/appointments/").status_code == 404
    assert client.post(f"/appointments/{booked.code}/status/", {"status": "done"}).status_code == 404
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED


def test_a_stranger_sending_a_bad_body_still_gets_the_404_of_a_missing_code(booked: Appointment, clerk_b: Any) -> None:
    client = client_for(clerk_b)
    theirs = client.post(f"/api/v1/appointments/{booked.code}/status", {"status": ["x"]}, format="json")
    missing = client.post("/api/v1/appointments/ZZZZ-ZZZZ/status", {"status": ["x"]}, format="json")
    assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content


def test_a_municipality_supervisor_marking_on_the_page_gets_a_persian_403(booked: Appointment, office: Any) -> None:
    """Issue 8 (the pages' access matrix): the page refuses as the API does (403), with a
    Persian page; it used to redirect to the office's list with a flash message."""
    from django.test import Client

    supervisor = RoleAssignmentFactory(municipality=office.municipality, role="supervisor").user
    client = Client()
    client.force_login(supervisor)
    response = client.post(f"/appointments/{booked.code}/status/", {"status": "done"})
    assert response.status_code == 403
    assert msg.NOT_STAFF in response.content.decode()
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED
