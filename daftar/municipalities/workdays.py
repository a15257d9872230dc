"""Iranian working days, for legal time limits ("the issuing body must answer within N working days").

Semantics:

* Every datetime given or returned is timezone-aware (a naive one raises ``ValueError``). The
  calendar day of a datetime is its date in Asia/Tehran: 23:30 Tehran time (20:00 UTC) is still
  that Tehran day.
* A working day is not a Friday, not a Thursday when ``thursdays_off``, not an official holiday
  of Iran (the ``holidays`` package, country "IR") unless the municipality cancelled that
  estimated holiday (``holidays_cancelled``), and not in ``extra_days_off`` (the days the
  municipality declared closed, ``DayOff``, and the actual days of the holidays it moved).
* Estimated holidays: the package computes Islamic-calendar holidays from a table of observed
  dates and, beyond it, estimates them; an estimated one is named with the package's own
  estimated label (``Iran.estimated_label``, «%s (تخمینی)» in Persian). ``is_estimated`` reads
  that label; a date counts as estimated when every occasion named on it is (a date that is
  also a fixed solar holiday stays a holiday whatever the moon does). The municipality confirms
  such a holiday or cancels it and names the actual day (``HolidayCorrection``).
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


_LANGUAGE = next((lang for lang in holidays.IR.supported_languages if lang.startswith("fa")), "en_US")
# the package's label of an estimated holiday, "%s (تخمینی)": what follows the name
_ESTIMATED_SUFFIX = holidays.IR(years=2000, language=_LANGUAGE).tr(holidays.IR.estimated_label).replace("%s", "")
# the package joins the occasions of one date with this
_NAMES_SEPARATOR = "; "


@lru_cache(maxsize=32)
def official_holidays(year: int) -> dict[dt.date, str]:
    """Iran's official holidays in Gregorian ``year``, named in Persian when the package can
    (estimated Islamic-calendar ones carry the package's estimated label)."""
    return dict(holidays.IR(years=year, language=_LANGUAGE, islamic_show_estimated=True))


def holiday_names(name: str) -> list[str]:
    """The occasions of one date's holiday name (the package joins them with "; ")."""
    return [part.strip() for part in name.split(_NAMES_SEPARATOR) if part.strip()]


def is_estimated(name: str) -> bool:
    """Every occasion named is one the package only estimated (module docstring)."""
    parts = holiday_names(name)
    return bool(parts) and all(part.endswith(_ESTIMATED_SUFFIX.strip()) for part in parts)


def partly_estimated(name: str) -> bool:
    """Some, not all, of the occasions named are estimated (the day stays a holiday)."""
    parts = holiday_names(name)
    return any(part.endswith(_ESTIMATED_SUFFIX.strip()) for part in parts) and not is_estimated(name)


def without_estimate(name: str) -> str:
    """The name without the package's estimated label (the actual day is no estimate)."""
    suffix = _ESTIMATED_SUFFIX.strip()
    parts = [part[: -len(suffix)].strip() if part.endswith(suffix) else part for part in holiday_names(name)]
    return "؛ ".join(parts)


def official_holidays_between(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """The official holidays with first <= date <= last, in date order."""
    out: dict[dt.date, str] = {}
    for year in range(first.year, last.year + 1):
        out.update({d: n for d, n in official_holidays(year).items() if first <= d <= last})
    return dict(sorted(out.items()))


def tehran_day(moment: dt.datetime) -> dt.date:
    """The calendar day of an aware datetime, in Tehran."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(TEHRAN).date()


@dataclass(frozen=True)
class WorkCalendar:
    thursdays_off: bool = True
    extra_days_off: frozenset[dt.date] = frozenset()
    # estimated official holidays the municipality cancelled: working days after all
    holidays_cancelled: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        weekday = day.weekday()
        if weekday == _FRIDAY or (self.thursdays_off and weekday == _THURSDAY):
            return False
        if day in self.extra_days_off:
            return False
        return day in self.holidays_cancelled or day not in official_holidays(day.year)

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


@dataclass(frozen=True)
class CalendarFacts:
    """What a municipality declared about its days: the days off, the estimated holidays it
    cancelled, and the actual days of those it moved (date → the occasion's name)."""

    days_off: frozenset[dt.date] = frozenset()
    cancelled: frozenset[dt.date] = frozenset()
    moved: tuple[tuple[dt.date, str], ...] = ()

    def holiday(self, day: dt.date) -> str:
        """The official holiday on ``day`` here (its name), or ``""``: the package's, less the
        cancelled ones, plus the actual days of the moved ones."""
        for moved_day, title in self.moved:
            if moved_day == day:
                return title
        if day in self.cancelled:
            return ""
        return official_holidays(day.year).get(day, "")


def calendar_facts(municipality_id: int) -> CalendarFacts:
    """The municipality's ``CalendarFacts`` (cached under its generation: one cache round trip
    when current; ``forget_days_off`` moves the generation on after any change)."""
    from .models import DayOff, HolidayCorrection  # a cycle: models.py imports this module (forget_days_off)

    key, generation_key = _days_off_key(municipality_id), _generation_key(municipality_id)
    found = cache.get_many([key, generation_key])
    generation = version_get(generation_key, timeout=2 * DAYS_OFF_CACHE_SECONDS, found=found)
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation and isinstance(entry[1], CalendarFacts):
        facts: CalendarFacts = entry[1]
        return facts
    days_off = frozenset(DayOff.objects.filter(municipality_id=municipality_id).values_list("date", flat=True))
    cancelled, moved = set(), []
    rows = HolidayCorrection.objects.filter(municipality_id=municipality_id, kind=HolidayCorrection.Kind.CANCELLED)
    for holiday_date, actual_date, title in rows.values_list("holiday_date", "actual_date", "title"):
        cancelled.add(holiday_date)
        if actual_date is not None:
            moved.append((actual_date, title))
    facts = CalendarFacts(days_off=days_off, cancelled=frozenset(cancelled), moved=tuple(sorted(moved)))
    cache.set(key, (generation, facts), DAYS_OFF_CACHE_SECONDS)
    return facts


def calendar_for(municipality: Municipality) -> WorkCalendar:
    """The working calendar of a municipality: its Thursday setting, declared days off and
    holiday corrections (``calendar_facts``)."""
    facts = calendar_facts(municipality.pk)
    closed = facts.days_off | {day for day, _title in facts.moved}
    return WorkCalendar(
        thursdays_off=municipality.thursdays_off, extra_days_off=frozenset(closed), holidays_cancelled=facts.cancelled
    )
