"""The municipality administrator's calendar pages (issue 18 §3): the hours directive (S17),
extended days, days off and the decisions on estimated official holidays, and the work calendar
they change (legal deadlines, office hours)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.appointments.models import AppointmentStatus
from daftar.audit.models import AuditEntry
from daftar.desk.municipal.work_calendar import panels
from daftar.municipalities.models import DayOff, HolidayCorrection
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN, calendar_for, is_estimated, official_holidays
from daftar.notifications.models import OutboxMessage
from daftar.offices import calendar as cal
from daftar.offices.hours import HoursBook, day_hours
from daftar.offices.models import ExtendedDay, HoursDirective, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

# The `holidays` package (0.108) knows Iran's Islamic-calendar dates up to 2026 and estimates
# them after: 1405/10/16 (2027-01-06), the Mab'ath, is estimated. 1405/10/15 is a Tuesday.
TODAY = dt.date(2026, 12, 6)  # Sunday 15 Azar 1405
ESTIMATED = dt.date(2027, 1, 6)  # Wednesday: the Mab'ath, estimated
ACTUAL = dt.date(2027, 1, 5)  # Tuesday: the day it actually fell on, say
FIXED = dt.date(2027, 2, 11)  # Thursday: the Revolution's day, a solar (fixed) holiday
SATURDAY = dt.date(2026, 12, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def city() -> Any:
    return MunicipalityFactory(name="شهرداری آزمون")


@pytest.fixture
def admin(city: Any) -> Any:
    return RoleAssignmentFactory(municipality=city, role="municipality_admin").user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts() -> tuple[int, ...]:
    return (
        DayOff.objects.count(),
        HolidayCorrection.objects.count(),
        ExtendedDay.objects.count(),
        HoursDirective.objects.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.fixture
def pinned_csrf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CSRF token's random parts pinned, so two renders of a page are byte-identical."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "pinnedpinnedpinnedpinnedpinnedpi")


# --- the package's estimates --------------------------------------------------------------------


def test_the_package_marks_estimated_holidays_by_name():
    assert is_estimated(official_holidays(2027)[ESTIMATED])
    assert not is_estimated(official_holidays(2027)[FIXED])
    assert "(تخمینی)" in official_holidays(2027)[ESTIMATED]


# --- the work calendar honours the corrections --------------------------------------------------


def tehran(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=TEHRAN)


def test_a_cancelled_holiday_is_a_working_day_and_the_moved_one_is_not(city: Any, admin: Any):
    monday = dt.date(2027, 1, 4)
    # before: Tuesday works, Wednesday is the (estimated) holiday, Thursday off, Friday off
    assert calendar_for(city).add_working_days(tehran(monday), 2) == end_of(dt.date(2027, 1, 9))
    cal.holiday_cancel(municipality=city, date=ESTIMATED, actual_date=ACTUAL, reason="رؤیت هلال ماه", actor=admin)
    calendar = calendar_for(city)  # the cache moved on: no stale calendar
    assert calendar.is_working_day(ESTIMATED)
    assert not calendar.is_working_day(ACTUAL)
    assert calendar.add_working_days(tehran(monday), 1) == end_of(ESTIMATED)
    # another municipality keeps the package's estimate
    assert not calendar_for(MunicipalityFactory()).is_working_day(ESTIMATED)


def test_withdrawing_a_cancellation_restores_the_estimate(city: Any, admin: Any):
    correction = cal.holiday_cancel(
        municipality=city, date=ESTIMATED, actual_date=ACTUAL, reason="رؤیت هلال", actor=admin
    )
    assert calendar_for(city).is_working_day(ESTIMATED)
    cal.holiday_correction_remove(correction=correction, actor=admin)
    assert not calendar_for(city).is_working_day(ESTIMATED)
    assert calendar_for(city).is_working_day(ACTUAL)


def test_office_hours_follow_the_correction(city: Any, admin: Any):
    office: Any = OfficeFactory(municipality=city, weekdays=range(5))
    assert not day_hours(office, ESTIMATED).is_open_day
    assert day_hours(office, ACTUAL).is_open_day
    cal.holiday_cancel(municipality=city, date=ESTIMATED, actual_date=ACTUAL, reason="رؤیت هلال", actor=admin)
    assert day_hours(office, ESTIMATED).is_open_day
    moved = day_hours(office, ACTUAL)
    assert not moved.is_open_day and "مبعث" in moved.closed_reason
    book = HoursBook([office], ACTUAL, ESTIMATED)
    assert not book.day(office, ACTUAL).is_open_day
    assert book.day(office, ESTIMATED).is_open_day


def test_the_bookings_of_the_actual_day_are_cancelled(city: Any, admin: Any, django_capture_on_commit_callbacks: Any):
    from daftar.appointments.tests.factories import AppointmentFactory

    office = OfficeFactory(municipality=city, weekdays=range(5), services=["property_inquiry"])
    booking = AppointmentFactory(office=office, start=tehran(ACTUAL, 10))
    with django_capture_on_commit_callbacks(execute=True):
        cal.holiday_cancel(municipality=city, date=ESTIMATED, actual_date=ACTUAL, reason="رؤیت هلال", actor=admin)
    booking.refresh_from_db()
    assert booking.status != AppointmentStatus.BOOKED


# --- the hours directive ------------------------------------------------------------------------


def test_the_directive_page_shows_the_defaults(admin: Any):
    response = client_for(admin).get("/desk/municipality/hours/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "دستورالعمل ساعات کار" in text and "۰۸:۰۰" in text and "۱۴:۰۰" in text


def test_saving_the_directive_in_persian_digits_lists_and_tells_offices_out_of_line(city: Any, admin: Any):
    office = OfficeFactory(municipality=city, name="دفتر بلند", weekdays=range(5))  # 8:00–14:00
    OfficeStaffFactory(office=office, role=StaffRole.MANAGER, user=UserFactory(mobile="09351110000"))
    body = {"day_start": "۰۹:۰۰", "day_end": "۱۴:۰۰", "thursday_end": "", "evening_start": "", "evening_end": ""}
    response = client_for(admin).post("/desk/municipality/hours/", body, follow=True)
    assert response.status_code == 200
    directive = HoursDirective.objects.get(municipality=city)
    assert directive.day_start == dt.time(9)
    text = response.content.decode()
    assert "۱ دفتر بیرون از آن است" in text and "دفتر بلند" in text
    assert OutboxMessage.objects.filter(to="09351110000", kind="hours_directive_changed").exists()
    assert AuditEntry.objects.filter(action="office.directive_update").exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"day_start": "۱۴:۰۰", "day_end": "۰۸:۰۰"}, "آغاز کار روزانه باید پیش از پایان آن باشد."),
        ({"thursday_end": "۰۷:۰۰"}, "پایان کار پنجشنبه باید پس از آغاز کار روزانه باشد."),
        ({"evening_start": "۱۶:۰۰"}, "آغاز و پایان نوبت عصر را با هم بنویسید"),
        ({"evening_start": "۱۳:۰۰", "evening_end": "۱۸:۰۰"}, "نوبت عصر باید پس از پایان کار روزانه آغاز شود"),
        ({"day_start": "۲۵:۰۰"}, "نادرست است"),
    ],
)
def test_a_bad_directive_is_refused_and_nothing_changes(admin: Any, body: dict[str, str], error: str):
    full = {"day_start": "۰۸:۰۰", "day_end": "۱۴:۰۰", "thursday_end": "", "evening_start": "", "evening_end": ""}
    before = counts()
    response = client_for(admin).post("/desk/municipality/hours/", {**full, **body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert counts() == before


# --- extended days ------------------------------------------------------------------------------


def test_adding_and_withdrawing_an_extended_day(city: Any, admin: Any):
    client = client_for(admin)
    body = {"date": "۱۴۰۵/۱۲/۲۵", "start": "۰۸:۰۰", "end": "۲۰:۰۰", "title": "روزهای پایانی سال"}
    response = client.post("/desk/municipality/extended-days/", body, follow=True)
    assert response.status_code == 200
    row = ExtendedDay.objects.get(municipality=city)
    assert row.date == dt.date(2027, 3, 16) and row.end == dt.time(20)
    assert "روزهای پایانی سال" in response.content.decode()
    assert AuditEntry.objects.filter(action="office.extended_day_add").exists()
    # a second one the same day: 409
    before = counts()
    assert client.post("/desk/municipality/extended-days/", body).status_code == 409
    assert counts() == before
    confirm = client.get(f"/desk/municipality/extended-days/{row.pk}/remove/")
    assert confirm.status_code == 200 and "پس گرفته می‌شود" in confirm.content.decode()
    client.post(f"/desk/municipality/extended-days/{row.pk}/remove/")
    assert not ExtendedDay.objects.exists()
    assert AuditEntry.objects.filter(action="office.extended_day_remove").exists()


def test_an_extended_day_that_has_come_is_not_withdrawn(city: Any, admin: Any):
    row = ExtendedDay.objects.create(municipality=city, date=TODAY, start=dt.time(8), end=dt.time(20), title="امروز")
    client = client_for(admin)
    assert client.get(f"/desk/municipality/extended-days/{row.pk}/remove/").status_code == 409
    client.post(f"/desk/municipality/extended-days/{row.pk}/remove/")
    assert ExtendedDay.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"date": "۱۴۰۵/۰۱/۰۱"}, "این تاریخ گذشته است"),
        ({"date": "۱۴۰۵/۱۳/۴۰"}, ""),
        ({"start": "۲۰:۰۰", "end": "۰۸:۰۰"}, "ساعت آغاز باید پیش از ساعت پایان باشد."),
        ({"title": "ا"}, "عنوان را بنویسید"),
    ],
)
def test_a_bad_extended_day_is_refused(admin: Any, body: dict[str, str], error: str):
    full = {"date": "۱۴۰۵/۱۲/۲۵", "start": "۰۸:۰۰", "end": "۲۰:۰۰", "title": "روزهای پایانی سال"}
    before = counts()
    response = client_for(admin).post("/desk/municipality/extended-days/", {**full, **body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert counts() == before


# --- days off -----------------------------------------------------------------------------------


def test_the_days_off_page_shows_the_year_and_the_estimated_holidays(admin: Any):
    response = client_for(admin).get("/desk/municipality/days-off/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "تعطیلات سال ۱۴۰۵" in text
    assert "مبعث رسول اکرم" in text and "تخمینی" in text
    assert f"?date={ESTIMATED.isoformat()}" in text  # its decision link
    assert "(تخمینی)" not in text  # the package's label is shown as a badge, not in the name


def test_declaring_a_day_off_asks_then_declares(city: Any, admin: Any):
    client = client_for(admin)
    body = {"date": "۱۴۰۵/۰۹/۲۱", "title": "آلودگی هوا"}
    first = client.post("/desk/municipality/days-off/", body)
    assert first.status_code == 200
    assert "تأیید و اعلام تعطیلی" in first.content.decode()
    assert not DayOff.objects.exists()
    response = client.post("/desk/municipality/days-off/", {**body, "confirm": "1"}, follow=True)
    day_off = DayOff.objects.get(municipality=city)
    assert day_off.date == SATURDAY
    assert "تعطیل اعلام شد" in response.content.decode()
    assert AuditEntry.objects.filter(action="municipality.day_off_declare").exists()
    assert not calendar_for(city).is_working_day(SATURDAY)
    # twice: 409, nothing written
    before = counts()
    again = client.post("/desk/municipality/days-off/", {**body, "confirm": "1"})
    assert again.status_code == 409 and "پیش‌تر تعطیل اعلام شده" in again.content.decode()
    assert counts() == before
    # withdrawn: a working day again
    client.post(f"/desk/municipality/days-off/{day_off.pk}/remove/")
    assert not DayOff.objects.exists()
    assert calendar_for(city).is_working_day(SATURDAY)
    assert AuditEntry.objects.filter(action="municipality.day_off_remove").exists()


@pytest.mark.parametrize(
    ("date", "error"),
    [
        ("۱۴۰۵/۰۹/۱۴", "این تاریخ گذشته است"),
        ("۱۴۰۵/۰۹/۲۰", "جمعه"),  # a Friday
        ("۱۴۰۵/۱۱/۲۲", "تعطیل رسمی است"),  # the Revolution's day
        ("نامعلوم", "شمسی"),
    ],
)
def test_a_bad_day_off_is_refused(admin: Any, date: str, error: str):
    before = counts()
    response = client_for(admin).post(
        "/desk/municipality/days-off/", {"date": date, "title": "آلودگی هوا", "confirm": "1"}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert counts() == before


def test_a_day_off_that_has_come_is_not_withdrawn(city: Any, admin: Any):
    day_off = DayOff.objects.create(municipality=city, date=TODAY, title="برف")
    client = client_for(admin)
    assert client.get(f"/desk/municipality/days-off/{day_off.pk}/remove/").status_code == 409
    client.post(f"/desk/municipality/days-off/{day_off.pk}/remove/")
    assert DayOff.objects.filter(pk=day_off.pk).exists()


# --- estimated holidays -------------------------------------------------------------------------


def test_cancelling_an_estimated_holiday_and_naming_the_actual_day(city: Any, admin: Any):
    client = client_for(admin)
    url = f"/desk/municipality/holidays/decide/?date={ESTIMATED.isoformat()}"
    page = client.get(url)
    assert page.status_code == 200 and "مبعث رسول اکرم" in page.content.decode()
    body = {"action": "cancel", "actual_date": "۱۴۰۵/۱۰/۱۵", "reason": "رؤیت هلال ماه"}
    response = client.post(url, body, follow=True)
    assert response.status_code == 200
    correction = HolidayCorrection.objects.get(municipality=city)
    assert correction.kind == "cancelled" and correction.actual_date == ACTUAL
    assert correction.title == "مبعث رسول اکرم (ص)"
    assert AuditEntry.objects.filter(action="municipality.holiday_cancel").exists()
    text = response.content.decode()
    assert "لغو شد" in text and "روز درست تعطیل" in text
    # decided: the page says so (409) and nothing more is written
    before = counts()
    assert client.post(url, {"action": "confirm"}).status_code == 409
    assert counts() == before


def test_confirming_an_estimated_holiday_keeps_it_and_clears_the_panel(city: Any, admin: Any, monkeypatch: Any):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 20))
    panel = panels(admin)[0]
    assert panel.count == 1 and panel.items[0].due == ESTIMATED
    client_for(admin).post(f"/desk/municipality/holidays/decide/?date={ESTIMATED.isoformat()}", {"action": "confirm"})
    assert HolidayCorrection.objects.get(municipality=city).kind == "confirmed"
    assert not calendar_for(city).is_working_day(ESTIMATED)
    assert panels(admin)[0].count == 0


@pytest.mark.parametrize(
    ("day", "body", "status", "error"),
    [
        (dt.date(2027, 1, 7), {"action": "confirm"}, 400, "تعطیل رسمیِ تخمینی نیست"),  # not a holiday
        (FIXED, {"action": "confirm"}, 400, "تعطیل رسمیِ تخمینی نیست"),  # a fixed one
        (ESTIMATED, {"action": "cancel", "reason": ""}, 400, "این مقدار لازم است"),
        (ESTIMATED, {"action": "cancel", "reason": "رؤیت هلال", "actual_date": "۱۴۰۵/۱۰/۱۶"}, 400, "همان روز"),
        (ESTIMATED, {"action": "cancel", "reason": "رؤیت هلال", "actual_date": "۱۴۰۵/۱۱/۱۶"}, 400, "۷ روز"),
        (ESTIMATED, {"action": "cancel", "reason": "رؤیت هلال", "actual_date": "۱۴۰۵/۱۰/۱۸"}, 400, "خود تعطیل است"),
    ],
)
def test_a_bad_holiday_decision_is_refused(admin: Any, day: dt.date, body: dict[str, str], status: int, error: str):
    before = counts()
    response = client_for(admin).post(f"/desk/municipality/holidays/decide/?date={day.isoformat()}", body)
    assert response.status_code == status
    assert error in response.content.decode()
    assert counts() == before


def test_withdrawing_a_decision(city: Any, admin: Any):
    correction = cal.holiday_confirm(municipality=city, date=ESTIMATED, actor=admin)
    client = client_for(admin)
    assert "پس گرفته می‌شود" in client.get(f"/desk/municipality/holidays/{correction.pk}/withdraw/").content.decode()
    client.post(f"/desk/municipality/holidays/{correction.pk}/withdraw/")
    assert not HolidayCorrection.objects.exists()
    assert AuditEntry.objects.filter(action="municipality.holiday_correction_remove").exists()


# --- access -------------------------------------------------------------------------------------

PAGES = ["/desk/municipality/hours/", "/desk/municipality/extended-days/", "/desk/municipality/days-off/"]


@pytest.mark.parametrize("url", PAGES)
def test_access_to_the_pages(url: str, city: Any):
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    reviewer = RoleAssignmentFactory(municipality=city, role="reviewer").user
    forbidden = client_for(reviewer).get(url)
    assert forbidden.status_code == 403 and 'lang="fa"' in forbidden.content.decode()


def test_another_municipalitys_rows_are_not_found(city: Any, admin: Any, pinned_csrf: None):
    elsewhere = MunicipalityFactory()
    day_off = DayOff.objects.create(municipality=elsewhere, date=SATURDAY, title="برف")
    extended = ExtendedDay.objects.create(
        municipality=elsewhere, date=SATURDAY, start=dt.time(8), end=dt.time(20), title="تمدید"
    )
    correction = HolidayCorrection.objects.create(
        municipality=elsewhere, holiday_date=ESTIMATED, title="مبعث", kind="confirmed"
    )
    client = client_for(admin)
    for url, missing in [
        (f"/desk/municipality/days-off/{day_off.pk}/remove/", "/desk/municipality/days-off/999999/remove/"),
        (f"/desk/municipality/extended-days/{extended.pk}/remove/", "/desk/municipality/extended-days/999999/remove/"),
        (f"/desk/municipality/holidays/{correction.pk}/withdraw/", "/desk/municipality/holidays/999999/withdraw/"),
    ]:
        for method in ("get", "post"):
            theirs, none = getattr(client, method)(url), getattr(client, method)(missing)
            assert theirs.status_code == none.status_code == 404
            assert theirs.content == none.content
    assert DayOff.objects.filter(pk=day_off.pk).exists() and ExtendedDay.objects.filter(pk=extended.pk).exists()
    # choosing another municipality's id on a list page: 404 too
    assert client.get(f"/desk/municipality/days-off/?municipality={elsewhere.pk}").status_code == 404


def test_the_panels_list_offices_out_of_line(city: Any, admin: Any):
    office = OfficeFactory(municipality=city, name="دفتر دیرکار", weekdays=range(5))
    HoursDirective.objects.create(municipality=city, day_start=dt.time(9), day_end=dt.time(14))
    out = panels(admin)[1]
    assert out.count == 1 and out.items[0].label == "دفتر دیرکار"
    assert panels(UserFactory()) == []
    assert office.pk


def test_a_holiday_date_out_of_the_calendar_is_refused_not_a_server_error(tehran_rules):
    from django.test import Client  # the administrator's page, by hand

    from daftar.accounts.models import User  # (idem)

    client = Client()
    client.force_login(User.objects.get(mobile="09120000007"))
    for date in ("0001-01-01", "9999-12-31", "2026-02-30", "²"):
        response = client.get(f"/desk/municipality/holidays/decide/?date={date}")
        assert response.status_code == 400, date
