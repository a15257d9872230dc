"""Jalali (Solar Hijri) dates: parsing user input and formatting with Persian digits.

Dates are stored Gregorian/UTC; people read and type Jalali. Both ISO Gregorian
(``2025-11-24``) and Jalali (``1404-09-03``, ``۱۴۰۴/۰۹/۰۳``) are accepted where a date is read.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import jdatetime
from django.core.exceptions import ValidationError
from django.utils import dateparse, timezone

from daftar.kernel import messages as m
from daftar.kernel.normalize import normalize_text, persian_digits

_DATE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
# Years before this are Jalali: the Jalali calendar is ~621 years behind the Gregorian one.
_JALALI_YEAR_LIMIT = 1700


def parse_date(raw: object) -> dt.date:
    """Parse a Gregorian or Jalali date typed by a person; raise ValidationError otherwise."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    match = _DATE.match(normalize_text(str(raw)))
    if not match:
        raise ValidationError(m.DATE_INVALID, code="date_invalid")
    year, month, day = (int(g) for g in match.groups())
    try:
        if year < _JALALI_YEAR_LIMIT:
            return jdatetime.date(year, month, day).togregorian()
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationError(m.DATE_INVALID, code="date_invalid") from exc


_DATETIME = re.compile(r"^(.+?)(?:[ T]+([0-9]{1,2}):([0-9]{2}))?$")
TEHRAN = ZoneInfo("Asia/Tehran")


def parse_datetime(raw: object) -> dt.datetime:
    """Parse ``1405/01/15 08:00`` (Jalali) or ``2026-04-04 08:00`` (Gregorian), read as
    Tehran local time; a date alone means 00:00. ISO date-times as the API returns them
    (``2026-11-24T09:00:00+03:30``, ``…Z``, ``2026-11-24T09:00:00``) are accepted too: an offset
    is kept, a naive one is Tehran time (a year before 1700 is Jalali, as in ``parse_date``).
    Returns an aware datetime."""
    if isinstance(raw, dt.datetime):
        return raw if timezone.is_aware(raw) else raw.replace(tzinfo=TEHRAN)
    text = normalize_text(str(raw))
    match = _DATETIME.match(text)
    if match:
        try:
            day = parse_date(match.group(1))
        except ValidationError:
            day = None
        hour, minute = int(match.group(2) or 0), int(match.group(3) or 0)
        if day is not None and hour <= 23 and minute <= 59:
            return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TEHRAN)
    moment = _iso_datetime(text)
    if moment is None:
        raise ValidationError(m.DATETIME_INVALID, code="datetime_invalid")
    return moment


_ISO_DATETIME = re.compile(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})([ T][0-9:.,]+(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)$")


def _iso_datetime(text: str) -> dt.datetime | None:
    """An ISO 8601 date-time with a time part (Django's parser), or None. The date part is read
    by ``parse_date``, so a Jalali year (``1405-02-31T09:00:00``) stays Jalali."""
    match = _ISO_DATETIME.match(text.strip())
    if not match:
        return None
    try:
        day = parse_date(match.group(1))
        moment = dateparse.parse_datetime(day.isoformat() + match.group(2))
    except (ValidationError, ValueError):
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=TEHRAN)


def to_jalali(value: dt.date | dt.datetime | None, *, with_time: bool = False, digits: bool = True) -> str:
    """Format a date (or an aware datetime, in Tehran time) as ``۱۴۰۴/۰۹/۰۳``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        jvalue = jdatetime.datetime.fromgregorian(datetime=value)
        text = jvalue.strftime("%Y/%m/%d، ساعت %H:%M" if with_time else "%Y/%m/%d")
    else:
        text = jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")
    return persian_digits(text) if digits else text


def jalali_iso(value: dt.date | dt.datetime | None) -> str | None:
    """The ``_jalali`` twin of an API date field: Latin digits, ``1404/09/03``."""
    if value is None:
        return None
    return to_jalali(value, digits=False)


JALALI_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]


def jalali_year_month(day: dt.date) -> tuple[int, int]:
    """The Jalali (year, month) of a Gregorian date."""
    j = jdatetime.date.fromgregorian(date=day)
    return j.year, j.month


def jalali_age(born: dt.date, today: dt.date) -> int:
    """Whole Jalali years from ``born`` to ``today``, as people count birthdays: one born on
    Esfand 30 has theirs on Esfand 29 in a year without Esfand 30."""
    b = jdatetime.date.fromgregorian(date=born)
    t = jdatetime.date.fromgregorian(date=today)
    birthday = (b.month, b.day)
    if birthday == (12, 30) and not jdatetime.date(t.year, 1, 1).isleap():
        birthday = (12, 29)
    return t.year - b.year - ((t.month, t.day) < birthday)


def jalali_month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last Gregorian days of a Jalali month (Esfand has 29 or 30 days)."""
    first = jdatetime.date(year, month, 1)
    following = jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
    return first.togregorian(), following.togregorian() - dt.timedelta(days=1)


def jalali_month_label(year: int, month: int) -> str:
    """«آبان ۱۴۰۵»."""
    return f"{JALALI_MONTHS[month - 1]} {persian_digits(year)}"


_PERIOD_NAMES = {
    "H": {1: "نیمهٔ نخست", 2: "نیمهٔ دوم"},
    "Q": {1: "بهار", 2: "تابستان", 3: "پاییز", 4: "زمستان"},
}


def jalali_period_label(key: str) -> str:
    """«نیمهٔ نخست ۱۴۰۵» for ``1405-H1``, «بهار ۱۴۰۵» for ``1405-Q1``, «سال ۱۴۰۵» for ``1405-Y``
    (a key of another shape is returned as it is)."""
    year, _, part = str(key).upper().partition("-")
    if not year.isdigit():
        return str(key)
    if part == "Y":
        return f"سال {persian_digits(year)}"
    names = _PERIOD_NAMES.get(part[:1], {})
    number = int(part[1:]) if part[1:].isdigit() else 0
    if number not in names:
        return str(key)
    return f"{names[number]} {persian_digits(year)}"
