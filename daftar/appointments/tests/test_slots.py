"""Slot generation (S17 «نوبت‌دهی اینترنتی»): hand-computed slots, busy counters, holidays,
extended days, past slots, the booking horizon, and the public slots API with bad inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.appointments import messages as msg
from daftar.appointments.models import Appointment
from daftar.appointments.services import appointment_book
from daftar.appointments.slots import day_slots
from daftar.offices.tests.factories import ExtendedDayFactory, OfficeClosureFactory

from .conftest import FRIDAY, HOLIDAY, SATURDAY, at

pytestmark = pytest.mark.django_db


def test_hand_computed_day_24_slots_of_15_minutes_capacity_2(clock: Any, office: Any, inquiry: Any) -> None:
    slots = day_slots(office, inquiry, SATURDAY)
    # 8:00–14:00 is 360 minutes: 24 slots of 15 minutes, 8:00 … 13:45, each on 2 counters
    assert len(slots) == 24
    assert [s.start for s in slots[:3]] == [at(SATURDAY, 8), at(SATURDAY, 8, 15), at(SATURDAY, 8, 30)]
    assert slots[-1].start == at(SATURDAY, 13, 45) and slots[-1].end == at(SATURDAY, 14)
    assert {(s.capacity, s.free) for s in slots} == {(2, 2)}


def test_30_minute_slots_fit_the_interval(clock: Any, office: Any, permit: Any) -> None:
    slots = day_slots(office, permit, SATURDAY)
    assert len(slots) == 12 and slots[-1].start == at(SATURDAY, 13, 30)


def test_a_30_minute_booking_blocks_both_15_minute_slots_it_overlaps_on_its_counter(
    clock: Any, office: Any, inquiry: Any, permit: Any, citizen: Any
) -> None:
    booked = appointment_book(office=office, service=permit, start=at(SATURDAY, 8), citizen=citizen)
    assert booked.counter == 1 and booked.end == at(SATURDAY, 8, 30)
    free = {s.start: s.free for s in day_slots(office, inquiry, SATURDAY)}
    assert free[at(SATURDAY, 8)] == 1
    assert free[at(SATURDAY, 8, 15)] == 1
    assert free[at(SATURDAY, 8, 30)] == 2
    slot = day_slots(office, inquiry, SATURDAY)[1]
    assert slot.free_counters == (2,)


def test_a_holiday_and_a_friday_have_no_slots(clock: Any, office: Any, inquiry: Any) -> None:
    assert day_slots(office, inquiry, HOLIDAY) == []
    assert day_slots(office, inquiry, FRIDAY) == []


def test_an_office_closure_has_no_slots(clock: Any, office: Any, inquiry: Any) -> None:
    OfficeClosureFactory(office=office, date=SATURDAY, reason="تعمیرات")
    assert day_slots(office, inquiry, SATURDAY) == []


def test_an_extended_day_produces_slots_even_on_a_friday(clock: Any, office: Any, inquiry: Any) -> None:
    ExtendedDayFactory(
        municipality=office.municipality,
        date=FRIDAY,
        start=dt.time(8),
        end=dt.time(20),
        title="ساعت کار تمدیدی روزهای پایانی سال",
    )
    slots = day_slots(office, inquiry, FRIDAY)
    assert len(slots) == 48  # 12 hours × 4
    assert slots[0].start == at(FRIDAY, 8) and slots[-1].end == at(FRIDAY, 20)


def test_past_slots_are_not_offered(clock: Any, office: Any, inquiry: Any) -> None:
    clock.move_to(at(SATURDAY, 10), tick=False)
    slots = day_slots(office, inquiry, SATURDAY)
    # the 10:00 slot has begun (start ≤ now); 10:15 … 13:45 remain
    assert slots[0].start == at(SATURDAY, 10, 15)
    assert len(slots) == 15


def test_the_day_is_read_with_one_query_for_appointments(
    clock: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any, django_assert_max_num_queries: Any
) -> None:
    from daftar.offices.hours import day_hours

    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 9), citizen=citizen)
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 9), citizen=citizen2)
    hours = day_hours(office, SATURDAY)
    with django_assert_max_num_queries(1):
        slots = day_slots(office, inquiry, SATURDAY, hours=hours)
    assert {s.start: s.free for s in slots}[at(SATURDAY, 9)] == 0


# --- the API ----------------------------------------------------------------------------------


def slots_url(office: Any, **params: str) -> str:
    from urllib.parse import urlencode

    return f"/api/v1/offices/{office.pk}/slots?{urlencode(params)}"


def test_slots_api_is_public_and_reads_jalali_dates_in_any_digits(
    clock: Any, api: Any, office: Any, inquiry: Any, citizen: Any
) -> None:
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    for date in ("1405/09/28", "۱۴۰۵/۰۹/۲۸", "2026-12-19", "١٤٠٥-٠٩-٢٨"):
        response = api.get(slots_url(office, date=date, service="property_inquiry"))
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body) == 24
        assert body[0] == {
            "start": "2026-12-19T08:00:00+03:30",
            "end": "2026-12-19T08:15:00+03:30",
            "service": "property_inquiry",
            "capacity": 2,
            "free": 1,
        }
        assert body[1]["free"] == 2


def test_slots_api_holiday_is_an_empty_list(clock: Any, api: Any, office: Any) -> None:
    response = api.get(slots_url(office, date="1405/10/02", service="property_inquiry"))
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    ("service", "detail"),
    [
        ("charges_payment", msg.SERVICE_NOT_OFFERED),  # not offered by this office
        ("appointment_booking", msg.SERVICE_NOT_OFFERED),  # offered, but not bookable
        ("no-such-service", msg.SERVICE_NOT_OFFERED),
        ("", msg.SERVICE_REQUIRED),
    ],
)
def test_slots_api_refuses_a_service_not_offered_in_persian(
    clock: Any, api: Any, office: Any, service: str, detail: str
) -> None:
    response = api.get(slots_url(office, date="1405/09/28", service=service))
    assert response.status_code == 400
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("date", "detail"),
    [
        ("", msg.DATE_REQUIRED),
        ("فردا", msg.DATE_INVALID),
        ("1405/13/01", msg.DATE_INVALID),
        ("2026-02-30", msg.DATE_INVALID),
        ("99999999999999999999", msg.DATE_INVALID),
        ("1405/09/27", msg.DATE_OUT_OF_RANGE.format(days="۱۴")),  # yesterday
        ("1405/10/12", msg.DATE_OUT_OF_RANGE.format(days="۱۴")),  # today + 14
    ],
)
def test_slots_api_refuses_bad_dates_and_dates_outside_the_horizon(
    clock: Any, api: Any, office: Any, date: str, detail: str
) -> None:
    response = api.get(slots_url(office, date=date, service="property_inquiry"))
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_slots_api_last_day_of_the_horizon_is_accepted(clock: Any, api: Any, office: Any) -> None:
    response = api.get(slots_url(office, date="1405/10/11", service="property_inquiry"))  # today + 13, a Thursday
    assert response.status_code == 200 and response.json() == []  # closed on Thursdays, but not refused


def test_slots_api_unknown_or_inactive_office_is_404(clock: Any, api: Any, office: Any) -> None:
    for pk in (office.pk + 1000, 99999999999999999999999):
        response = api.get(f"/api/v1/offices/{pk}/slots?date=1405/09/28&service=property_inquiry")
        assert response.status_code == 404
        assert response.json()["detail"] == msg.OFFICE_NOT_FOUND
    office.active = False
    office.save()
    response = api.get(slots_url(office, date="1405/09/28", service="property_inquiry"))
    assert response.status_code == 404


def test_slots_api_query_count_does_not_grow_with_bookings(
    clock: Any, api: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any, django_assert_max_num_queries: Any
) -> None:
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 10), citizen=citizen2)
    assert Appointment.objects.count() == 2
    with django_assert_max_num_queries(10):
        response = api.get(slots_url(office, date="1405/09/28", service="property_inquiry"))
    assert response.status_code == 200
