"""The booking pages (S17): public to view, login to book (redirect and back), the day list with
closed days disabled and their reason, slots as buttons with Persian digits, confirmation,
the appointment page with its code, my appointments and cancelling with confirmation."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from daftar.appointments import messages as msg
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_book

from .conftest import SATURDAY, at

pytestmark = pytest.mark.django_db

START = quote("2026-12-19T08:00:00+03:30")


def test_book_page_is_public_and_shows_services_days_and_slots(clock: Any, client: Any, office: Any) -> None:
    page = client.get(f"/offices/{office.pk}/book/")
    html = page.content.decode()
    assert page.status_code == 200
    assert office.name in html and "استعلام ملک" in html and "درخواست صدور پروانهٔ ساختمانی" in html
    assert "نوبت‌دهی برای خدمات شهرداری" not in html  # offered but not bookable
    page = client.get(f"/offices/{office.pk}/book/?service=property_inquiry")
    html = page.content.decode()
    assert 'data-day="2026-12-19"' in html and "۱۴۰۵/۰۹/۲۸" in html
    assert 'data-day="2026-12-25" data-closed="true"' in html and "جمعه" in html  # Friday
    assert 'data-day="2026-12-23" data-closed="true"' in html and "تعطیل رسمی" in html  # the holiday, with its reason
    page = client.get(f"/offices/{office.pk}/book/?service=property_inquiry&date=2026-12-19")
    html = page.content.decode()
    assert html.count('data-slot="') == 24
    assert "۰۸:۰۰" in html and "۱۳:۴۵" in html and "۲ باجهٔ آزاد" in html


def test_book_page_shows_full_slots_disabled(
    clock: Any, client: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen2)
    html = client.get(f"/offices/{office.pk}/book/?service=property_inquiry&date=1405/09/28").content.decode()
    assert 'data-slot="08:00" data-full="true"' in html


@pytest.mark.parametrize("date", ["abc", "1405/09/27", "2030-01-01", "9" * 40])
def test_book_page_bad_dates_are_a_persian_400(clock: Any, client: Any, office: Any, date: str) -> None:
    page = client.get(f"/offices/{office.pk}/book/?service=property_inquiry&date={quote(date)}")
    assert page.status_code == 400
    assert "نادرست" in page.content.decode() or "روز آینده" in page.content.decode()


def test_book_page_unknown_office_is_404(clock: Any, client: Any, office: Any) -> None:
    assert client.get("/offices/987654/book/").status_code == 404
    assert client.get("/offices/99999999999999999999999/book/").status_code == 404


def test_booking_needs_login_and_returns_to_the_confirmation(clock: Any, client: Any, office: Any) -> None:
    url = f"/offices/{office.pk}/book/confirm/?service=property_inquiry&start={START}"
    response = client.get(url)
    assert response.status_code == 302
    assert (
        response["Location"].startswith("/login/?next=")
        and quote(f"/offices/{office.pk}/book/confirm/") in response["Location"]
    )
    response = client.post(
        f"/offices/{office.pk}/book/confirm/", {"service": "property_inquiry", "start": "2026-12-19T08:00:00+03:30"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Appointment.objects.count() == 0


def test_confirm_then_book_then_cancel(clock: Any, client: Any, office: Any, citizen: Any) -> None:
    client.force_login(citizen)
    page = client.get(f"/offices/{office.pk}/book/confirm/?service=property_inquiry&start={START}")
    html = page.content.decode()
    assert page.status_code == 200 and "تأیید و رزرو نوبت" in html and "۱۴۰۵/۰۹/۲۸ ساعت ۰۸:۰۰ تا ۰۸:۱۵" in html
    response = client.post(
        f"/offices/{office.pk}/book/confirm/", {"service": "property_inquiry", "start": "2026-12-19T08:00:00+03:30"}
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appointments/{appointment.code}/"
    html = client.get(response["Location"]).content.decode()
    assert msg.BOOKED.format(code=appointment.code) in html and 'id="appointment-code">' + appointment.code in html

    mine = client.get("/appointments/").content.decode()
    assert f'data-appointment="{appointment.code}"' in mine and "لغو نوبت" in mine
    confirm = client.get(f"/appointments/{appointment.code}/cancel/")
    assert "بله، نوبت را لغو کن" in confirm.content.decode()
    response = client.post(f"/appointments/{appointment.code}/cancel/")
    assert response.status_code == 302 and response["Location"] == "/appointments/"
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    assert msg.CANCELLED.format(code=appointment.code) in client.get("/appointments/").content.decode()


def test_a_refused_booking_returns_to_the_day_with_the_persian_reason(
    clock: Any, client: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any, citizen3: Any
) -> None:
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen2)
    client.force_login(citizen3)
    response = client.post(
        f"/offices/{office.pk}/book/confirm/",
        {"service": "property_inquiry", "start": "2026-12-19T08:00:00+03:30"},
        follow=True,
    )
    assert msg.SLOT_FULL in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("date=2026-12-19")


def test_someone_elses_appointment_pages_are_404(
    clock: Any, client: Any, office: Any, inquiry: Any, citizen: Any, citizen2: Any
) -> None:
    appointment = appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    client.force_login(citizen2)
    assert client.get(f"/appointments/{appointment.code}/").status_code == 404
    assert client.get(f"/appointments/{appointment.code}/cancel/").status_code == 404
    assert client.post(f"/appointments/{appointment.code}/cancel/").status_code == 404
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_the_cancel_button_disappears_inside_the_cancellation_deadline(
    clock: Any, client: Any, office: Any, inquiry: Any, citizen: Any
) -> None:
    appointment = appointment_book(office=office, service=inquiry, start=at(SATURDAY, 10), citizen=citizen)
    client.force_login(citizen)
    assert "لغو نوبت</a>" in client.get("/appointments/").content.decode()
    clock.move_to(at(SATURDAY, 9, 1), tick=False)  # 59 minutes before
    assert "لغو نوبت</a>" not in client.get("/appointments/").content.decode()
    assert "لغو نوبت</a>" not in client.get(f"/appointments/{appointment.code}/").content.decode()
    response = client.post(f"/appointments/{appointment.code}/cancel/")
    assert response.status_code == 409 and msg.CANCEL_TOO_LATE.format(minutes="۶۰") in response.content.decode()


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2026-12-19T08:05:00+03:30", msg.SLOT_UNKNOWN),
        ("2026-12-19T08:00:00+03:30", msg.SLOT_FULL),
        ("garbage", msg.START_INVALID),
    ],
)
def test_the_confirmation_page_refuses_a_slot_that_cannot_be_booked(
    clock: Any,
    client: Any,
    office: Any,
    inquiry: Any,
    citizen: Any,
    citizen2: Any,
    citizen3: Any,
    start: str,
    message: str,
) -> None:
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen)
    appointment_book(office=office, service=inquiry, start=at(SATURDAY, 8), citizen=citizen2)
    client.force_login(citizen3)
    response = client.get(
        f"/offices/{office.pk}/book/confirm/?service=property_inquiry&start={quote(start)}", follow=True
    )
    assert message in response.content.decode()
    assert "تأیید و رزرو نوبت" not in response.content.decode()
