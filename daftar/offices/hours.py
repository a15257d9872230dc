"""When an office is open (S17, P8), computed in Asia/Tehran.

An office's day is closed on Fridays, on Iran's official holidays (the ``holidays`` package, as
the municipality corrected its estimated ones: ``workdays.CalendarFacts.holiday``),
on the municipality's declared days off (``municipalities.DayOff``) and on the office's own
closures; otherwise it is the office's weekly intervals for that weekday. A municipality's
extended day (``ExtendedDay``) opens every office for its window, added to the usual intervals,
even on a day that is otherwise closed — a Friday, an official holiday or a day off the same
municipality declared: the extended declaration is the municipality's later, explicit word.
One thing beats an extended day: the office's own announced closure (``OfficeClosure``). An
office that told citizens «closed for repairs» stays closed; the municipality's extended hours
permit offices to open, they do not reopen a closed one.

A sanction on the office's licence beats everything (issue 17, ``licences.sanctions``): on the
days a suspension or a revocation covers the office has no hours at all, so it takes no booking,
its live bookings are cancelled, and its pages show it as not operating.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import jdatetime
from django.db.models import Q

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import JALALI_MONTHS, to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.licences.sanctions import Sanction, sanction_on
from daftar.municipalities.models import DayOff, HolidayCorrection
from daftar.municipalities.workdays import TEHRAN, CalendarFacts, calendar_facts

from .models import (
    FRIDAY,
    WEEKDAYS,
    ExtendedDay,
    HoursDirective,
    Office,
    OfficeClosure,
    WeeklyHours,
    directive_for,
    iran_weekday,
)

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class DayHours:
    """An office's hours on one day: the open intervals and, when closed, why (Persian)."""

    day: dt.date
    intervals: list[Interval]
    closed_reason: str = ""
    extended: str = ""  # the title of the municipality's extended day, if any

    @property
    def is_open_day(self) -> bool:
        return bool(self.intervals)


def _merge(intervals: Iterable[tuple[dt.time, dt.time]]) -> list[tuple[dt.time, dt.time]]:
    out: list[tuple[dt.time, dt.time]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def office_sanction(office: Office, day: dt.date) -> Sanction | None:
    """The sanction on the office's licence that stops it on ``day``, or None (reads the licence
    once per office object; ``select_related("licence")`` makes it free)."""
    if office.licence_id is None:
        return None
    return sanction_on(office.licence, day)


def day_hours(office: Office, day: dt.date, *, weekly: list[WeeklyHours] | None = None) -> DayHours:
    """The office's hours on ``day`` (pass ``weekly`` to reuse rows already loaded)."""
    sanction = office_sanction(office, day)
    if sanction is not None:
        return DayHours(day, [], closed_reason=sanction.closed_reason)
    extended = ExtendedDay.objects.filter(municipality_id=office.municipality_id, date=day).first()
    rows = weekly if weekly is not None else list(office.weekly_hours.all())
    declared = None
    holiday = calendar_facts(office.municipality_id).holiday(day)
    if iran_weekday(day) != FRIDAY and not holiday:
        declared = DayOff.objects.filter(municipality_id=office.municipality_id, date=day).first()
    # read on every day: an office's closure beats even an extended day on a Friday or holiday
    closure = OfficeClosure.objects.filter(office_id=office.pk, date=day).first()
    return compose_day(day, rows, extended=extended, declared=declared, closure=closure, holiday=holiday)


def compose_day(
    day: dt.date,
    weekly: Iterable[WeeklyHours],
    *,
    extended: ExtendedDay | None,
    declared: DayOff | None,
    closure: OfficeClosure | None,
    holiday: str,
) -> DayHours:
    """The rules of the module docstring applied to facts already loaded (no queries):
    ``holiday`` is the official holiday's name that day in the office's municipality, or ""."""
    usual = [(r.start, r.end) for r in weekly if r.weekday == iran_weekday(day)]
    reason = ""
    if iran_weekday(day) == FRIDAY:
        reason = "جمعه"
    elif holiday:
        reason = f"تعطیل رسمی: {holiday}"
    elif declared:
        reason = f"تعطیلی اعلام‌شدهٔ شهرداری: {declared.title}"
    elif closure:
        reason = f"تعطیلی دفتر: {closure.reason}"
    elif not usual:
        reason = "روز کاری این دفتر نیست"
    if closure and extended:
        # the office's own closure wins over the municipality's extended day (module docstring)
        return DayHours(day, [], closed_reason=f"تعطیلی دفتر: {closure.reason}")
    if extended:
        windows = _merge([*([] if reason else usual), (extended.start, extended.end)])
        return DayHours(day, [_aware(day, s, e) for s, e in windows], extended=extended.title)
    if reason:
        return DayHours(day, [], closed_reason=reason)
    return DayHours(day, [_aware(day, s, e) for s, e in _merge(usual)])


def _aware(day: dt.date, start: dt.time, end: dt.time) -> Interval:
    return dt.datetime.combine(day, start, tzinfo=TEHRAN), dt.datetime.combine(day, end, tzinfo=TEHRAN)


def is_open_at(office: Office, moment: dt.datetime, *, weekly: list[WeeklyHours] | None = None) -> bool:
    """Open at ``moment`` (an aware datetime): inside an interval, start included, end excluded
    (an office open 8:00–14:00 is open at 13:59 and closed at 14:00)."""
    local = moment.astimezone(TEHRAN)
    hours = day_hours(office, local.date(), weekly=weekly)
    return any(start <= local < end for start, end in hours.intervals)


# --- many offices at once (S17: the public list shows every office's hours) -----------------


class HoursBook:
    """Everything ``day_hours`` reads, for many offices over the days ``first``…``last``, loaded
    in four queries (extended days, declared days off, closures, holiday corrections). The offices' weekly rows are
    read from ``office.weekly_hours.all()``: prefetch them (``prefetch_related("weekly_hours")``)
    and a list of any length costs the same number of queries."""

    def __init__(self, offices: Iterable[Office], first: dt.date, last: dt.date | None = None):
        self.offices = list(offices)
        self.first, self.last = first, last or first
        municipalities = {o.municipality_id for o in self.offices}
        ids = [o.pk for o in self.offices]
        span = (self.first, self.last)
        self._extended: dict[tuple[int, dt.date], ExtendedDay] = {}
        self._declared: dict[tuple[int, dt.date], DayOff] = {}
        self._closures: dict[tuple[int, dt.date], OfficeClosure] = {}
        self._facts: dict[int, CalendarFacts] = {}
        if not self.offices:
            return
        for e in ExtendedDay.objects.filter(municipality_id__in=municipalities, date__range=span):
            self._extended[(e.municipality_id, e.date)] = e
        for d in DayOff.objects.filter(municipality_id__in=municipalities, date__range=span):
            self._declared[(d.municipality_id, d.date)] = d
        for c in OfficeClosure.objects.filter(office_id__in=ids, date__range=span):
            self._closures[(c.office_id, c.date)] = c
        # the municipalities' holiday corrections touching the span, in one query
        cancelled: dict[int, set[dt.date]] = {m: set() for m in municipalities}
        moved: dict[int, list[tuple[dt.date, str]]] = {m: [] for m in municipalities}
        corrections = HolidayCorrection.objects.filter(
            Q(holiday_date__range=span) | Q(actual_date__range=span),
            municipality_id__in=municipalities,
            kind=HolidayCorrection.Kind.CANCELLED,
        )
        for fix in corrections:
            cancelled[fix.municipality_id].add(fix.holiday_date)
            if fix.actual_date is not None:
                moved[fix.municipality_id].append((fix.actual_date, fix.title))
        for m in municipalities:
            self._facts[m] = CalendarFacts(cancelled=frozenset(cancelled[m]), moved=tuple(moved[m]))

    def day(self, office: Office, day: dt.date) -> DayHours:
        if not self.first <= day <= self.last:
            return day_hours(office, day)
        sanction = office_sanction(office, day)
        if sanction is not None:
            return DayHours(day, [], closed_reason=sanction.closed_reason)
        return compose_day(
            day,
            office.weekly_hours.all(),
            extended=self._extended.get((office.municipality_id, day)),
            declared=self._declared.get((office.municipality_id, day)),
            closure=self._closures.get((office.pk, day)),
            holiday=self._holiday(office.municipality_id, day),
        )

    def _holiday(self, municipality_id: int, day: dt.date) -> str:
        if municipality_id not in self._facts:
            self._facts[municipality_id] = calendar_facts(municipality_id)
        return self._facts[municipality_id].holiday(day)

    def days(self, office: Office) -> list[DayHours]:
        count = (self.last - self.first).days + 1
        return [self.day(office, self.first + dt.timedelta(days=n)) for n in range(count)]

    def is_open_at(self, office: Office, moment: dt.datetime) -> bool:
        local = moment.astimezone(TEHRAN)
        return any(start <= local < end for start, end in self.day(office, local.date()).intervals)


def open_now_ids(offices: Iterable[Office], moment: dt.datetime) -> set[int]:
    """Ids of the offices open at ``moment`` (three queries plus the weekly rows, which are
    read from ``office.weekly_hours.all()`` — prefetch them)."""
    local = moment.astimezone(TEHRAN)
    book = HoursBook(offices, local.date())
    return {o.pk for o in book.offices if book.is_open_at(o, local)}


# --- Persian text for citizens (S17: the duty to inform) ----------------------------------------


def interval_text(start: dt.datetime | dt.time, end: dt.datetime | dt.time) -> str:
    """«۰۸:۰۰ تا ۱۴:۰۰»."""
    first = start if isinstance(start, dt.time) else start.time()
    last = end if isinstance(end, dt.time) else end.time()
    return f"{_fmt(first)} تا {_fmt(last)}"


def day_text(hours: DayHours) -> dict[str, object]:
    """One day of an office for people: Jalali date and weekday in Persian, the hours or why closed."""
    return {
        "date": hours.day,
        "date_jalali": to_jalali(hours.day),
        "weekday": WEEKDAYS[iran_weekday(hours.day)],
        "open": hours.is_open_day,
        "hours": " و ".join(interval_text(s, e) for s, e in hours.intervals),
        "intervals": [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in hours.intervals],
        "closed_reason": hours.closed_reason,
        "extended": hours.extended,
    }


def upcoming_days(office: Office, start: dt.date, days: int = 14) -> list[dict[str, object]]:
    """The next ``days`` days of the office from ``start``, each as ``day_text`` (3 queries +
    the weekly rows)."""
    book = HoursBook([office], start, start + dt.timedelta(days=max(days, 1) - 1))
    return [day_text(h) for h in book.days(office)]


def next_opening(book: HoursBook, office: Office, moment: dt.datetime, days: int = 14) -> dt.datetime | None:
    """When a closed office next opens: the start of its first interval after ``moment`` within
    ``days`` days (its approved hours, days off, holidays, closures and sanctions all counted,
    through ``book`` — give it the span to avoid queries), or None when it opens at ``moment``
    or not within the span."""
    local = moment.astimezone(TEHRAN)
    for n in range(days):
        for start, end in book.day(office, local.date() + dt.timedelta(days=n)).intervals:
            if start <= local < end:
                return None
            if start > local:
                return start
    return None


def _short(t: dt.time) -> str:
    """«۸:۰۰», «۱۶:۳۰»: a time said in a sentence."""
    return persian_digits(f"{t.hour}:{t.minute:02d}")


def next_opening_text(opening: dt.datetime, moment: dt.datetime) -> str:
    """«بسته است؛ شنبه ساعت ۸:۰۰ باز می‌شود» — today, tomorrow, a weekday of this week, or the
    weekday with its Jalali date further on."""
    local, day = moment.astimezone(TEHRAN).date(), opening.astimezone(TEHRAN)
    ahead = (day.date() - local).days
    if ahead == 0:
        when = "امروز"
    elif ahead == 1:
        when = "فردا"
    elif ahead < 7:
        when = WEEKDAYS[iran_weekday(day.date())]
    else:
        j = jdatetime.date.fromgregorian(date=day.date())
        when = f"{WEEKDAYS[iran_weekday(day.date())]} {persian_digits(j.day)} {JALALI_MONTHS[j.month - 1]}"
    return f"بسته است؛ {when} ساعت {_short(day.time())} باز می‌شود"


# --- the directive ----------------------------------------------------------------------------


def _fmt(t: dt.time) -> str:
    return persian_digits(t.strftime("%H:%M"))


def windows_text(directive: HoursDirective, weekday: int) -> str:
    windows = directive.windows(weekday)
    if not windows:
        return "تعطیل"
    return " و ".join(f"{_fmt(s)} تا {_fmt(e)}" for s, e in windows)


def check_schedule(office: Office, rows: Iterable[tuple[int, dt.time, dt.time]]) -> list[tuple[int, dt.time, dt.time]]:
    """Validate a weekly schedule ``[(weekday, start, end), …]`` against the municipality's
    directive (S17): every interval inside one permitted window of its weekday, none overlapping
    another. Returns the rows sorted; raises a Persian ``ApplicationError`` naming the first
    offending day otherwise."""
    directive = directive_for(office.municipality_id)
    clean = sorted(rows)
    for weekday, start, end in clean:
        if not 0 <= weekday <= 6:
            raise ApplicationError("روز هفته نامعتبر است.", fields={"weekday": ["روز هفته نامعتبر است."]})
        if start >= end:
            message = f"در {WEEKDAYS[weekday]} ساعت آغاز باید پیش از ساعت پایان باشد."
            raise ApplicationError(message, fields={"hours": [message]})
        if not any(ws <= start and end <= we for ws, we in directive.windows(weekday)):
            message = (
                f"ساعت {_fmt(start)} تا {_fmt(end)} در {WEEKDAYS[weekday]} بیرون از ساعات مصوب شهرداری است "
                f"(مجاز: {windows_text(directive, weekday)})."
            )
            raise ApplicationError(message, code="outside_directive", fields={"hours": [message]})
    for (d1, _s1, e1), (d2, s2, _e2) in itertools.pairwise(clean):
        if d1 == d2 and s2 < e1:
            message = f"بازه‌های ساعت کار {WEEKDAYS[d1]} هم‌پوشانی دارند."
            raise ApplicationError(message, code="overlap", fields={"hours": [message]})
    return clean
