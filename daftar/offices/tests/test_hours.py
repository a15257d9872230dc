"""Working hours (S17, P8): the directive bounds the weekly schedule; «open now» in Tehran time;
official holidays, the municipality's days off and the office's closures close a day; the
municipality's extended days open it (the last days of the year), though never against the
office's own closure."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daftar.kernel.errors import ApplicationError
from daftar.municipalities.tests.factories import DayOffFactory
from daftar.municipalities.workdays import TEHRAN, official_holidays
from daftar.offices.hours import HoursBook, check_schedule, day_hours, is_open_at, open_now_ids, upcoming_days
from daftar.offices.models import Office
from daftar.offices.services import hours_set
from daftar.offices.tests.factories import ExtendedDayFactory, HoursDirectiveFactory, OfficeClosureFactory

from .conftest import MANAGER, user

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)  # 1405/09/02, an ordinary working Monday
NOWRUZ = dt.date(2026, 3, 21)  # 1405/01/01, a Saturday
LAST_THURSDAY_1404 = dt.date(2026, 3, 19)  # 1404/12/28, a Thursday near the end of Esfand
SATURDAY = dt.date(2026, 12, 19)  # 1405/09/28, an ordinary working Saturday
FRIDAY = dt.date(2026, 12, 25)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


def test_a_schedule_outside_the_directive_is_refused_and_nothing_changes(make_office):
    office = make_office()
    with pytest.raises(ApplicationError) as refused:
        hours_set(office=office, rows=[{"weekday": 0, "start": "07:00", "end": "14:00"}], actor=user(MANAGER))
    assert refused.value.code == "outside_directive"
    assert refused.value.message == (
        "ساعت ۰۷:۰۰ تا ۱۴:۰۰ در شنبه بیرون از ساعات مصوب شهرداری است (مجاز: ۰۸:۰۰ تا ۱۴:۰۰)."
    )
    assert office.weekly_hours.count() == 5  # Saturday–Wednesday 8–14 as before


def test_a_friday_and_overlapping_intervals_are_refused(make_office):
    office = make_office()
    with pytest.raises(ApplicationError) as friday:
        check_schedule(office, [(6, dt.time(8), dt.time(12))])
    assert "جمعه" in friday.value.message and "(مجاز: تعطیل)" in friday.value.message
    with pytest.raises(ApplicationError) as overlap:
        check_schedule(office, [(1, dt.time(8), dt.time(12)), (1, dt.time(11), dt.time(14))])
    assert overlap.value.message == "بازه‌های ساعت کار یکشنبه هم‌پوشانی دارند."


@pytest.mark.parametrize(
    ("moment", "open_"),
    [((13, 59), True), ((14, 0), False), ((8, 0), True), ((7, 59), False)],
)
def test_open_now_at_1359_and_1400_tehran_time(make_office, moment, open_):
    office = make_office()
    instant = at(MONDAY, *moment)
    with time_machine.travel(instant, tick=False):
        assert is_open_at(office, instant) is open_
        assert (office.pk in open_now_ids(Office.objects.prefetch_related("weekly_hours"), instant)) is open_
    # the same instant in UTC (10:29 / 10:30 UTC) is read in Tehran time
    assert is_open_at(office, instant.astimezone(dt.UTC)) is open_


def test_an_official_holiday_has_no_hours(make_office):
    office = make_office()
    assert NOWRUZ in official_holidays(NOWRUZ.year)  # from the `holidays` package (IR)
    hours = day_hours(office, NOWRUZ)
    assert hours.intervals == []
    assert hours.closed_reason.startswith("تعطیل رسمی: ")
    assert not is_open_at(office, at(NOWRUZ, 10))


def test_the_extended_last_days_of_the_year_open_the_office(make_office, tehran):
    office = make_office()  # Saturday–Wednesday only: Thursdays are closed
    assert day_hours(office, LAST_THURSDAY_1404).closed_reason == "روز کاری این دفتر نیست"
    ExtendedDayFactory(
        municipality=tehran,
        date=LAST_THURSDAY_1404,
        start=dt.time(8),
        end=dt.time(20),
        title="ساعت کار تمدیدی روزهای پایانی سال",
    )
    hours = day_hours(office, LAST_THURSDAY_1404)
    assert hours.extended == "ساعت کار تمدیدی روزهای پایانی سال"
    assert hours.intervals == [(at(LAST_THURSDAY_1404, 8), at(LAST_THURSDAY_1404, 20))]
    assert is_open_at(office, at(LAST_THURSDAY_1404, 19, 30))
    assert not is_open_at(office, at(LAST_THURSDAY_1404, 20))


def test_an_extended_day_on_a_working_day_widens_the_usual_hours(make_office, tehran):
    office = make_office()
    wednesday = dt.date(2026, 3, 18)  # 1404/12/27
    ExtendedDayFactory(municipality=tehran, date=wednesday, start=dt.time(12), end=dt.time(19), title="تمدید")
    assert day_hours(office, wednesday).intervals == [(at(wednesday, 8), at(wednesday, 19))]


def test_a_declared_day_off_and_an_office_closure_close_the_day(make_office, tehran):
    office, other = make_office(), make_office(district=6)
    DayOffFactory(municipality=tehran, date=MONDAY, title="تعطیلی به دلیل آلودگی هوا")
    assert day_hours(office, MONDAY).closed_reason == "تعطیلی اعلام‌شدهٔ شهرداری: تعطیلی به دلیل آلودگی هوا"
    tuesday = MONDAY + dt.timedelta(days=1)
    OfficeClosureFactory(office=office, date=tuesday, reason="تعمیرات ساختمان")
    assert day_hours(office, tuesday).closed_reason == "تعطیلی دفتر: تعمیرات ساختمان"
    assert not is_open_at(office, at(tuesday, 10))
    assert is_open_at(other, at(tuesday, 10))  # the closure is this office's alone


def test_evening_shift_only_when_the_directive_has_one(make_office, tehran, directive):
    office = make_office()
    week = [(d, dt.time(8), dt.time(14)) for d in range(5)] + [(2, dt.time(16), dt.time(18))]
    hours_set(office=office, rows=week, actor=None)
    assert day_hours(office, MONDAY).intervals == [(at(MONDAY, 8), at(MONDAY, 14)), (at(MONDAY, 16), at(MONDAY, 18))]
    assert is_open_at(office, at(MONDAY, 17, 59)) and not is_open_at(office, at(MONDAY, 15))
    with pytest.raises(ApplicationError) as late:
        hours_set(office=office, rows=[(2, dt.time(16), dt.time(19))], actor=None)
    assert "(مجاز: ۰۸:۰۰ تا ۱۴:۰۰ و ۱۶:۰۰ تا ۱۸:۰۰)" in late.value.message
    directive.evening_start = directive.evening_end = None
    directive.save()
    with pytest.raises(ApplicationError):
        hours_set(office=office, rows=[(2, dt.time(16), dt.time(18))], actor=None)


def test_thursday_per_directive(make_office, tehran):
    office = make_office()
    thursday = [(5, dt.time(8), dt.time(12))]
    with pytest.raises(ApplicationError) as closed:
        hours_set(office=office, rows=thursday, actor=None)  # default directive: Thursday closed
    assert "پنجشنبه" in closed.value.message and "(مجاز: تعطیل)" in closed.value.message

    HoursDirectiveFactory(municipality=tehran, thursday_end=dt.time(12))
    hours_set(office=office, rows=thursday, actor=None)
    next_thursday = dt.date(2026, 11, 26)
    assert day_hours(office, next_thursday).intervals == [(at(next_thursday, 8), at(next_thursday, 12))]
    with pytest.raises(ApplicationError):
        hours_set(office=office, rows=[(5, dt.time(8), dt.time(13))], actor=None)


def test_the_batch_book_agrees_with_day_hours_in_constant_queries(make_office, tehran):
    offices = [make_office(district=3 + n % 5) for n in range(6)]
    DayOffFactory(municipality=tehran, date=MONDAY, title="آلودگی هوا")
    OfficeClosureFactory(office=offices[1], date=MONDAY + dt.timedelta(days=1), reason="تعمیرات")
    ExtendedDayFactory(municipality=tehran, date=MONDAY + dt.timedelta(days=3), title="تمدید")
    loaded = list(Office.objects.filter(pk__in=[o.pk for o in offices]).prefetch_related("weekly_hours"))
    with CaptureQueriesContext(connection) as queries:
        book = HoursBook(loaded, MONDAY, MONDAY + dt.timedelta(days=13))
        batch = [book.day(o, MONDAY + dt.timedelta(days=n)) for o in loaded for n in range(14)]
    assert len(queries) == 4  # extended days, days off, closures, holiday corrections
    assert batch == [day_hours(o, MONDAY + dt.timedelta(days=n)) for o in loaded for n in range(14)]


def test_the_next_days_in_persian_with_jalali_dates(make_office, tehran):
    office = make_office()
    OfficeClosureFactory(office=office, date=MONDAY + dt.timedelta(days=1), reason="تعمیرات ساختمان")
    days = upcoming_days(office, MONDAY, 14)
    assert len(days) == 14
    assert days[0]["date_jalali"] == "۱۴۰۵/۰۹/۰۲" and days[0]["weekday"] == "دوشنبه"
    assert days[0]["hours"] == "۰۸:۰۰ تا ۱۴:۰۰"
    assert days[1]["closed_reason"] == "تعطیلی دفتر: تعمیرات ساختمان" and days[1]["hours"] == ""
    assert days[4]["weekday"] == "جمعه" and days[4]["closed_reason"] == "جمعه"


def test_an_office_closure_beats_the_municipality_extended_day(make_office, tehran):
    office, other = make_office(), make_office(district=6)
    ExtendedDayFactory(municipality=tehran, date=SATURDAY, start=dt.time(8), end=dt.time(20), title="تمدید")
    OfficeClosureFactory(office=office, date=SATURDAY, reason="تعمیرات ساختمان")
    hours = day_hours(office, SATURDAY)
    assert hours.intervals == [] and hours.closed_reason == "تعطیلی دفتر: تعمیرات ساختمان"
    assert hours.extended == ""
    assert not is_open_at(office, at(SATURDAY, 10))
    # the other office gets the extended hours
    assert day_hours(other, SATURDAY).intervals == [(at(SATURDAY, 8), at(SATURDAY, 20))]
    # the batch path used by the finder and the public page agrees
    book = HoursBook([office, other], SATURDAY, SATURDAY)
    assert book.day(office, SATURDAY) == hours
    assert book.day(other, SATURDAY) == day_hours(other, SATURDAY)


def test_an_office_closure_beats_an_extended_friday(make_office, tehran):
    office = make_office()
    ExtendedDayFactory(municipality=tehran, date=FRIDAY, start=dt.time(9), end=dt.time(13), title="تمدید")
    assert day_hours(office, FRIDAY).intervals == [(at(FRIDAY, 9), at(FRIDAY, 13))]
    OfficeClosureFactory(office=office, date=FRIDAY, reason="تعمیرات ساختمان")
    assert day_hours(office, FRIDAY).closed_reason == "تعطیلی دفتر: تعمیرات ساختمان"
    assert HoursBook([office], FRIDAY).day(office, FRIDAY) == day_hours(office, FRIDAY)


def test_an_extended_day_still_wins_over_the_municipality_day_off(make_office, tehran):
    """Documented choice: both are the municipality's word; the extended declaration wins."""
    office = make_office()
    DayOffFactory(municipality=tehran, date=SATURDAY, title="تعطیلی به دلیل آلودگی هوا")
    assert day_hours(office, SATURDAY).closed_reason.startswith("تعطیلی اعلام‌شدهٔ شهرداری")
    ExtendedDayFactory(municipality=tehran, date=SATURDAY, start=dt.time(10), end=dt.time(16), title="تمدید")
    hours = day_hours(office, SATURDAY)
    assert hours.intervals == [(at(SATURDAY, 10), at(SATURDAY, 16))] and hours.extended == "تمدید"
    assert HoursBook([office], SATURDAY).day(office, SATURDAY) == hours
