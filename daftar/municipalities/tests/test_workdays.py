import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daftar.municipalities.models import DayOff
from daftar.municipalities.tests.factories import DayOffFactory, MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN, WorkCalendar, calendar_for, official_holidays

UTC = dt.UTC
END_OF_DAY = dt.time(23, 59, 59, 999999)


def tehran(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TEHRAN)


def deadline(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=TEHRAN)


def test_fridays_are_off_and_thursdays_follow_the_setting():
    thursday, friday, saturday = dt.date(2026, 1, 22), dt.date(2026, 1, 23), dt.date(2026, 1, 24)
    for calendar in (WorkCalendar(), WorkCalendar(thursdays_off=False)):
        assert not calendar.is_working_day(friday)
        assert calendar.is_working_day(saturday)
    assert not WorkCalendar().is_working_day(thursday)
    assert WorkCalendar(thursdays_off=False).is_working_day(thursday)


def test_thursday_setting_moves_the_deadline():
    wednesday = tehran(2026, 1, 21, 10)  # 1 Bahman 1404
    assert WorkCalendar().add_working_days(wednesday, 1) == deadline(dt.date(2026, 1, 24))  # Saturday
    assert WorkCalendar(thursdays_off=False).add_working_days(wednesday, 1) == deadline(dt.date(2026, 1, 22))


def test_official_holidays_2026_nowruz_and_eid_al_fitr():
    holidays_2026 = official_holidays(2026)
    # 29 Esfand 1404 (oil nationalisation day) and 1-4 Farvardin 1405 (Nowruz, the first two
    # also Eid al-Fitr in the package's 2026 table).
    for day in range(20, 25):
        assert dt.date(2026, 3, day) in holidays_2026
    assert "نوروز" in holidays_2026[dt.date(2026, 3, 21)]
    assert "فطر" in holidays_2026[dt.date(2026, 3, 21)]
    assert dt.date(2026, 3, 25) not in holidays_2026


def test_nowruz_1405_is_skipped():
    # Start: Wednesday 27 Esfand 1404 (2026-03-18). Not counted:
    #   Thu 28 Esfand (Thursday), Fri 29 Esfand (Friday, oil day), Sat-Tue 1-4 Farvardin 1405
    #   (Nowruz; Eid al-Fitr on 1-2 Farvardin), Thu-Fri 6-7 Farvardin (weekend).
    # Working days: Wed 5 (1), Sat 8 (2), Sun 9 (3), Mon 10 (4), Tue 11 Farvardin 1405 (5).
    start = tehran(2026, 3, 18, 9, 0)
    assert WorkCalendar().add_working_days(start, 5) == deadline(dt.date(2026, 3, 31))
    assert WorkCalendar().add_working_days(start, 1) == deadline(dt.date(2026, 3, 25))


def test_start_day_never_counts_and_zero_is_end_of_start_day():
    saturday = tehran(2026, 1, 24, 8)
    calendar = WorkCalendar()
    assert calendar.add_working_days(saturday, 0) == deadline(dt.date(2026, 1, 24))
    assert calendar.add_working_days(saturday, 1) == deadline(dt.date(2026, 1, 25))
    friday = tehran(2026, 1, 23, 8)
    assert calendar.add_working_days(friday, 1) == deadline(dt.date(2026, 1, 24))


def test_end_of_day_boundary_in_tehran():
    # Saturday 23:30 Tehran time is 20:00 UTC: still Saturday in Tehran.
    late = dt.datetime(2026, 1, 24, 20, 0, tzinfo=UTC)
    result = WorkCalendar().add_working_days(late, 1)
    assert result == deadline(dt.date(2026, 1, 25))  # Sunday, not Monday
    assert result.tzinfo == TEHRAN and result.utcoffset() == dt.timedelta(hours=3, minutes=30)
    # 20:30 UTC is 00:00 Sunday in Tehran.
    assert WorkCalendar().add_working_days(late + dt.timedelta(minutes=30), 1) == deadline(dt.date(2026, 1, 26))


def test_working_days_between():
    calendar = WorkCalendar()
    saturday = tehran(2026, 1, 24, 8)
    assert calendar.working_days_between(saturday, saturday) == 0
    assert calendar.working_days_between(saturday, saturday - dt.timedelta(days=3)) == 0
    assert calendar.working_days_between(saturday, tehran(2026, 1, 24, 23)) == 0
    # Sun-Wed count, Thu-Fri do not, Saturday does.
    assert calendar.working_days_between(saturday, tehran(2026, 1, 31, 0, 5)) == 5


def test_limits_and_naive_datetimes():
    calendar = WorkCalendar()
    start = tehran(2026, 1, 24, 8)
    with pytest.raises(ValueError):
        calendar.add_working_days(start, 3651)
    with pytest.raises(ValueError):
        calendar.add_working_days(start, -1)
    with pytest.raises(ValueError):
        calendar.add_working_days(dt.datetime(2026, 1, 24, 8), 1)
    assert calendar.add_working_days(start, 3650) > start


@given(
    start=st.datetimes(
        min_value=dt.datetime(2024, 1, 1),
        max_value=dt.datetime(2027, 12, 31, 23, 59, 59),
        timezones=st.sampled_from([UTC, TEHRAN]),
    ),
    days=st.integers(min_value=0, max_value=60),
    thursdays_off=st.booleans(),
)
def test_round_trip(start: dt.datetime, days: int, thursdays_off: bool):
    calendar = WorkCalendar(thursdays_off=thursdays_off)
    end = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, end) == days
    assert end.tzinfo == TEHRAN and end.time() == END_OF_DAY
    assert days == 0 or calendar.is_working_day(end.date())


@pytest.mark.django_db
def test_municipality_day_off_is_skipped_and_cache_is_invalidated():
    municipality = MunicipalityFactory()
    start = tehran(2026, 1, 24, 8)  # Saturday 4 Bahman 1404
    assert calendar_for(municipality).add_working_days(start, 1) == deadline(dt.date(2026, 1, 25))

    day_off = DayOffFactory(municipality=municipality, date=dt.date(2026, 1, 25), title="آلودگی هوا")
    assert calendar_for(municipality).add_working_days(start, 1) == deadline(dt.date(2026, 1, 26))
    assert calendar_for(MunicipalityFactory()).add_working_days(start, 1) == deadline(dt.date(2026, 1, 25))

    day_off.delete()
    assert calendar_for(municipality).add_working_days(start, 1) == deadline(dt.date(2026, 1, 25))


@pytest.mark.django_db
def test_calendar_for_reads_thursdays_and_caches_days_off(django_assert_num_queries):
    municipality = MunicipalityFactory(thursdays_off=False)
    DayOffFactory(municipality=municipality, date=dt.date(2026, 1, 25), title="تعطیلی")
    with django_assert_num_queries(2):  # the days off and the holiday corrections, once
        calendar_for(municipality)
        calendar = calendar_for(municipality)
    assert calendar == WorkCalendar(thursdays_off=False, extra_days_off=frozenset({dt.date(2026, 1, 25)}))


@pytest.mark.django_db
def test_a_day_off_declared_while_the_calendar_is_being_read_is_not_forgotten(monkeypatch):
    """The read-then-write race: a reader reads the days off, a day off is declared (and the
    cache told), then the reader writes what it read. The next reader must see the new day."""
    from django.db.models.query import QuerySet

    municipality = MunicipalityFactory()
    start = tehran(2026, 1, 24, 8)  # Saturday 4 Bahman 1404
    original = QuerySet.__iter__
    declared: list[DayOff] = []

    def read_then_declare(qs):
        rows = list(original(qs))
        if qs.model is DayOff and not declared:
            declared.append(DayOffFactory(municipality=municipality, date=dt.date(2026, 1, 25), title="برف"))
        return iter(rows)

    monkeypatch.setattr(QuerySet, "__iter__", read_then_declare)
    assert calendar_for(municipality).add_working_days(start, 1) == deadline(dt.date(2026, 1, 25))  # read before
    monkeypatch.setattr(QuerySet, "__iter__", original)
    assert declared
    assert calendar_for(municipality).add_working_days(start, 1) == deadline(dt.date(2026, 1, 26))
