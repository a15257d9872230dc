"""Booking and cancelling through the API (S17): the lowest free counter, 409 when every counter
is taken, one booking per office per day, the weekly limit, the SMS texts (Jalali, Persian
digits), another citizen's code answered like a missing one, idempotency and bad inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest

from daftar.applications.tests.helpers import client_for
from daftar.appointments import messages as msg
from daftar.appointments import services as appointment_services
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_book, clean_code
from daftar.audit.models import AuditEntry
from daftar.notifications.models import OutboxMessage

from .conftest import SATURDAY, at, make_office

pytestmark = pytest.mark.django_db

SLOT = "2026-12-19T08:00:00+03:30"


def book(client: Any, office: Any, start: str = SLOT, service: str = "property_inquiry", **headers: str) -> Any:
    return client.post(
        "/api/v1/appointments", {"office": office.pk, "service": service, "start": start}, format="json", **headers
    )


def test_booking_answers_201_with_the_code_and_takes_the_lowest_free_counter(
    clock: Any, office: Any, citizen: Any, citizen2: Any
) -> None:
    response = book(client_for(citizen), office)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["office"] == office.pk and body["service"] == "property_inquiry"
    assert body["start"] == SLOT and body["end"] == "2026-12-19T08:15:00+03:30"
    assert body["start_jalali"] == "1405/09/28 08:00"
    assert body["counter"] == 1 and body["status"] == "booked"
    assert clean_code(body["code"]) == body["code"] and len(body["code"].replace("-", "")) == 8
    second = book(client_for(citizen2), office).json()
    assert second["counter"] == 2 and second["code"] != body["code"]


def test_third_booking_of_a_two_counter_slot_is_409_slot_full(
    clock: Any, office: Any, citizen: Any, citizen2: Any, citizen3: Any
) -> None:
    assert book(client_for(citizen), office).status_code == 201
    assert book(client_for(citizen2), office).status_code == 201
    response = book(client_for(citizen3), office)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_full" and response.json()["detail"] == msg.SLOT_FULL
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 2
    # the slot is shown full to everyone
    slots = client_for(citizen3).get(f"/api/v1/offices/{office.pk}/slots?date=1405/09/28&service=property_inquiry")
    assert slots.json()[0]["free"] == 0


def test_a_30_minute_booking_holds_its_counter_for_both_quarter_hours(
    clock: Any, office: Any, citizen: Any, citizen2: Any, citizen3: Any
) -> None:
    assert book(client_for(citizen), office, service="building_permit").json()["counter"] == 1  # 8:00–8:30
    assert book(client_for(citizen2), office, start="2026-12-19T08:15:00+03:30").json()["counter"] == 2
    response = book(client_for(citizen3), office, start="2026-12-19T08:15:00+03:30")
    assert response.status_code == 409 and response.json()["code"] == "slot_full"


def test_the_booking_sms_has_office_service_and_jalali_date_with_persian_digits(
    clock: Any, office: Any, citizen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        code = book(client_for(citizen), office).json()["code"]
    sms = OutboxMessage.objects.get(kind="appointment_booked")
    assert sms.to == citizen.mobile
    assert sms.text == (
        f"دفتر: نوبت شما در «{office.name}» برای «استعلام ملک» در شنبه ۱۴۰۵/۰۹/۲۸ ساعت ۰۸:۰۰ ثبت شد. کد نوبت: {code}"
    )


def test_cancellation_frees_the_seat_and_sends_an_sms(
    clock: Any, office: Any, citizen: Any, citizen2: Any, citizen3: Any
) -> None:
    code = book(client_for(citizen), office).json()["code"]
    assert book(client_for(citizen2), office).status_code == 201
    assert book(client_for(citizen3), office).status_code == 409
    response = client_for(citizen).delete(f"/api/v1/appointments/{code}")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    sms = OutboxMessage.objects.get(kind="appointment_cancelled")
    assert sms.text == f"دفتر: نوبت {code} در «{office.name}» برای شنبه ۱۴۰۵/۰۹/۲۸ ساعت ۰۸:۰۰ لغو شد."
    again = book(client_for(citizen3), office)
    assert again.status_code == 201 and again.json()["counter"] == 1  # the freed counter
    # cancelling twice is refused
    twice = client_for(citizen).delete(f"/api/v1/appointments/{code}")
    assert twice.status_code == 409 and twice.json()["detail"] == msg.CANCEL_NOT_BOOKED


def test_cancellation_closes_60_minutes_before_the_start(clock: Any, office: Any, citizen: Any) -> None:
    code = book(client_for(citizen), office, start="2026-12-19T10:00:00+03:30").json()["code"]
    clock.move_to(at(SATURDAY, 9, 1), tick=False)
    response = client_for(citizen).delete(f"/api/v1/appointments/{code}")
    assert response.status_code == 409
    assert response.json()["detail"] == msg.CANCEL_TOO_LATE.format(minutes="۶۰")
    assert Appointment.objects.get(code=code).status == AppointmentStatus.BOOKED


def test_a_citizen_cannot_book_two_at_the_same_office_on_one_day(
    clock: Any, office: Any, office_b: Any, citizen: Any
) -> None:
    client = client_for(citizen)
    assert book(client, office).status_code == 201
    response = book(client, office, start="2026-12-19T11:00:00+03:30")
    assert response.status_code == 409
    assert response.json() == {"code": "one_per_day", "detail": msg.ONE_PER_DAY, "fields": {}}
    assert book(client, office_b, start="2026-12-19T11:00:00+03:30").status_code == 201  # another office: fine


def test_weekly_limit_counts_the_iranian_week_saturday_to_friday(
    clock: Any, settings: Any, office: Any, citizen: Any
) -> None:
    settings.APPOINTMENT_WEEKLY_LIMIT = 3
    client = client_for(citizen)
    for day in ("19", "20", "21"):  # Saturday, Sunday, Monday
        assert book(client, office, start=f"2026-12-{day}T09:00:00+03:30").status_code == 201
    response = book(client, office, start="2026-12-22T09:00:00+03:30")  # Tuesday, same week
    assert response.status_code == 409
    assert response.json()["detail"] == msg.WEEKLY_LIMIT.format(limit="۳")
    assert book(client, office, start="2026-12-26T09:00:00+03:30").status_code == 201  # next Saturday
    # a cancelled booking no longer counts
    code = Appointment.objects.get(day=dt.date(2026, 12, 21)).code
    assert client.delete(f"/api/v1/appointments/{code}").status_code == 200
    assert book(client, office, start="2026-12-22T09:00:00+03:30").status_code == 201


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("2026-12-19T08:05:00+03:30", "slot_unknown"),  # not on the 15-minute grid
        ("2026-12-19T14:00:00+03:30", "slot_unknown"),  # after closing
        ("2026-12-23T09:00:00+03:30", "slot_unknown"),  # a holiday
        ("2027-01-09T09:00:00+03:30", "date_out_of_range"),  # beyond the horizon
        ("2026-12-18T09:00:00+03:30", "date_out_of_range"),  # yesterday
        ("not a date", "start_invalid"),
        ("2026-12-19T25:00:00", "start_invalid"),
        ("1405/09/28 8", "start_invalid"),
        ("9" * 60, "start_invalid"),
        ("", "start_required"),
    ],
)
def test_a_start_that_is_not_a_free_slot_is_refused(
    clock: Any, office: Any, citizen: Any, start: str, code: str
) -> None:
    response = book(client_for(citizen), office, start=start)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert Appointment.objects.count() == 0


def test_a_past_slot_cannot_be_booked(clock: Any, office: Any, citizen: Any) -> None:
    clock.move_to(at(SATURDAY, 8, 0), tick=False)
    response = book(client_for(citizen), office)
    assert response.status_code == 400 and response.json()["detail"] == msg.SLOT_UNKNOWN


@pytest.mark.parametrize("start", ["1405/09/28 08:00", "۱۴۰۵/۰۹/۲۸ ۰۸:۰۰", "2026-12-19 08:00", "2026-12-19T04:30:00Z"])
def test_start_in_jalali_or_iso_any_digits(clock: Any, office: Any, citizen: Any, start: str) -> None:
    response = book(client_for(citizen), office, start=start)
    assert response.status_code == 201, response.content
    assert response.json()["start"] == SLOT


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"office": "abc", "service": "property_inquiry", "start": SLOT}, 400),
        ({"office": 10**30, "service": "property_inquiry", "start": SLOT}, 404),
        ({"office": -1, "service": "property_inquiry", "start": SLOT}, 404),
        ({"service": "property_inquiry", "start": SLOT}, 400),
        ({"office": 987654, "service": "property_inquiry", "start": SLOT}, 404),
        ({"office": "__office__", "service": "charges_payment", "start": SLOT}, 400),
        ({"office": "__office__", "service": ["x"], "start": SLOT}, 400),
        ({"office": "__office__", "service": "property_inquiry", "start": {"a": 1}}, 400),
    ],
)
def test_bad_bodies_are_4xx_never_500(clock: Any, office: Any, citizen: Any, body: dict, status: int) -> None:
    body = {k: (office.pk if v == "__office__" else v) for k, v in body.items()}
    response = client_for(citizen).post("/api/v1/appointments", body, format="json")
    assert response.status_code == status, response.content
    assert response.json()["detail"]


def test_anonymous_cannot_book_or_list_401(clock: Any, api: Any, office: Any) -> None:
    assert book(api, office).status_code == 401
    assert api.get("/api/v1/appointments").status_code == 401
    assert api.delete("/api/v1/appointments/ABCD-EFGH").status_code == 401
    assert Appointment.objects.count() == 0


def test_another_citizens_code_is_404_identical_to_a_missing_code(
    clock: Any, office: Any, citizen: Any, citizen2: Any
) -> None:
    code = book(client_for(citizen), office).json()["code"]
    other = client_for(citizen2)
    for method in ("get", "delete"):
        theirs = getattr(other, method)(f"/api/v1/appointments/{code}")
        missing = getattr(other, method)("/api/v1/appointments/ZZZZ-ZZZZ")
        garbage = getattr(other, method)("/api/v1/appointments/' OR 1=1 --")
        assert theirs.status_code == missing.status_code == garbage.status_code == 404
        assert theirs.content == missing.content == garbage.content
    assert Appointment.objects.get(code=code).status == AppointmentStatus.BOOKED
    # the owner may type it in lower case, without the dash, in any digits
    assert client_for(citizen).get(f"/api/v1/appointments/{code.replace('-', '').lower()}").status_code == 200


def test_idempotency_key_replays_the_first_answer(clock: Any, office: Any, citizen: Any) -> None:
    client = client_for(citizen)
    first = book(client, office, HTTP_IDEMPOTENCY_KEY="book-key-0001")
    second = book(client, office, HTTP_IDEMPOTENCY_KEY="book-key-0001")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1


def test_my_list_shows_upcoming_first_then_the_rest(clock: Any, office: Any, office_b: Any, citizen: Any) -> None:
    client = client_for(citizen)
    late = book(client, office, start="2026-12-20T12:00:00+03:30").json()["code"]
    early = book(client, office, start="2026-12-19T09:00:00+03:30").json()["code"]
    cancelled = book(client, office_b, start="2026-12-21T09:00:00+03:30").json()["code"]
    client.delete(f"/api/v1/appointments/{cancelled}")
    body = client.get("/api/v1/appointments").json()
    assert [row["code"] for row in body] == [early, late, cancelled]
    assert body[0]["start"] == "2026-12-19T09:00:00+03:30"  # Tehran time, as when it was booked
    assert body[2]["status_display"] == "لغوشده"


def test_booking_and_cancelling_are_audited(clock: Any, office: Any, citizen: Any) -> None:
    client = client_for(citizen)
    code = book(client, office).json()["code"]
    client.delete(f"/api/v1/appointments/{code}")
    appointment = Appointment.objects.get(code=code)
    actions = list(
        AuditEntry.objects.filter(object_id=str(appointment.pk), object_type="appointments.appointment")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["appointment.booked", "appointment.cancelled"]


def test_the_database_refusal_is_the_same_clean_409(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    """Were the locked count ever wrong, the unique constraint (and on PostgreSQL the exclusion
    constraint) refuses the double booking; the citizen sees the usual 409."""
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    with mock.patch.object(appointment_services, "day_booked", return_value=[]):
        response = book(client_for(citizen2), office)
    assert response.status_code == 409 and response.json()["code"] == "slot_full"
    assert Appointment.objects.count() == 1


def test_an_office_with_one_counter_has_capacity_one(clock: Any, district: Any, citizen: Any, citizen2: Any) -> None:
    small = make_office(district, "دفتر یک‌باجه", counters=1)
    assert book(client_for(citizen), small).status_code == 201
    assert book(client_for(citizen2), small).status_code == 409
