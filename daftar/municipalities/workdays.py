"""Iranian working days, for legal time limits ("the issuing body must answer within N working days").

Semantics:

* Every datetime given or returned is timezone-aware (a naive one raises ``ValueError``). The
  calendar day of a datetime is its date in Asia/Tehran: 23:30 Tehran time (20:00 UTC) is still
  that Tehran day.
* A working day is not a Friday, not a Thursday when ``thursdays_off``, not an official holiday
  of Iran (the ``holidays`` package, country "IR") and not in ``extra_days_off`` (the days the
  municipality declared closed, ``DayOff``).
* ``add_working_days(start, n)`` is the deadline: the END of the n-th working day after the start
  day. The start day never counts, even when it is a working day. It returns 23:59:59.999999
  Tehran time of that day, aware, in Asia/Tehran. ``n == 0`` gives the end of the start day;
  ``n`` must be between 0 and 3650.
* ``working_days_between(start, end)`` counts the working days d with start_day < d <= end_day
  (0 when end <= start). So ``working_days_between(s, add_working_days(s, n)) == n``.

Both walk the calendar one day at a time: time limits are days or weeks long.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache

from daftar.runtime.cache import version_bump, version_get

if TYPE_CHECKING:
    from .models import Municipality

TEHRAN = ZoneInfo("Asia/Tehran")
MAX_DAYS = 3650
DAYS_OFF_CACHE_SECONDS = 300
_FRIDAY, _THURSDAY = 4, 3  # date.weekday()


@lru_cache(maxsize=32)
def official_holidays(year: int) -> dict[dt.date, str]:
    """Iran's official holidays in Gregorian ``year``, named in Persian when the package can."""
    languages = holidays.IR.supported_languages
    language = next((lang for lang in languages if lang.startswith("fa")), "en_US")
    return dict(holidays.IR(years=year, language=language))


def tehran_day(moment: dt.datetime) -> dt.date:
    """The calendar day of an aware datetime, in Tehran."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(TEHRAN).date()


@dataclass(frozen=True)
class WorkCalendar:
    thursdays_off: bool = True
    extra_days_off: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        weekday = day.weekday()
        if weekday == _FRIDAY or (self.thursdays_off and weekday == _THURSDAY):
            return False
        return day not in self.extra_days_off and day not in official_holidays(day.year)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end (23:59:59.999999 Tehran time) of the ``days``-th working day after ``start``'s day."""
        if not 0 <= days <= MAX_DAYS:
            raise ValueError(f"days must be between 0 and {MAX_DAYS}, not {days}")
        day = tehran_day(start)
        while days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return dt.datetime.combine(day, dt.time.max, tzinfo=TEHRAN)

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """The number of working days d with start's day < d <= end's day (0 when end <= start)."""
        first, last = tehran_day(start), tehran_day(end)
        count, day = 0, first
        while day < last:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def _days_off_key(municipality_id: int) -> str:
    return f"municipalities:days-off:{municipality_id}"


def _generation_key(municipality_id: int) -> str:
    return f"municipalities:days-off:gen:{municipality_id}"


def forget_days_off(municipality_id: int) -> None:
    """A ``DayOff`` of the municipality changed: move its generation on. Entries are kept with
    the generation read *before* their rows were, so one built from rows read just before a
    change (and written just after it) is never used."""
    version_bump(_generation_key(municipality_id), timeout=2 * DAYS_OFF_CACHE_SECONDS)


def calendar_for(municipality: Municipality) -> WorkCalendar:
    """The working calendar of a municipality: its Thursday setting and declared days off
    (cached under the municipality's generation: one cache round trip when current)."""
    key, generation_key = _days_off_key(municipality.pk), _generation_key(municipality.pk)
    found = cache.get_many([key, generation_key])
    generation = version_get(generation_key, timeout=2 * DAYS_OFF_CACHE_SECONDS, found=found)
    entry = found.get(key)
    if isinstance(entry, tuple) and entry[0] == generation:
        days_off: frozenset[dt.date] = entry[1]
    else:
        days_off = frozenset(municipality.days_off.values_list("date", flat=True))
        cache.set(key, (generation, days_off), DAYS_OFF_CACHE_SECONDS)
    return WorkCalendar(thursdays_off=municipality.thursdays_off, extra_days_off=days_off)
