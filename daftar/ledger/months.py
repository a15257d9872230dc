"""Jalali months, the periods of an office's books (S18): ``Transaction`` and ``CostEntry`` carry
their Jalali ``jyear``/``jmonth``, so a month is a filter on indexed columns, never a calendar
conversion in the database.

Month ranges are read from people and machines alike: a Jalali month «۱۴۰۵/۰۸» or
``1405-08``, or a date (Jalali ``1405/08/15`` or ISO ``2026-11-06``) standing for its Jalali
month. Without a range, ``month_range`` covers the last ``DEFAULT_MONTHS`` Jalali months up to
the current one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_month_label, jalali_year_month, parse_date
from daftar.kernel.normalize import normalize_text, persian_digits

from . import messages as msg

DEFAULT_MONTHS = 6
MAX_MONTHS = 60

_MONTH = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A Jalali month; ``index`` counts months from year 0 so ranges are plain integers."""

    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(*jalali_year_month(day))

    @property
    def label(self) -> str:
        """«آبان ۱۴۰۵»."""
        return jalali_month_label(self.year, self.month)

    @property
    def code(self) -> str:
        """``1405/08`` (Latin digits, for URLs and CSV)."""
        return f"{self.year}/{self.month:02d}"

    def shifted(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def body(self) -> dict[str, Any]:
        return {"year": self.year, "month": self.month, "label": self.label}


def current_month(today: dt.date | None = None) -> Month:
    return Month.of(today or timezone.localdate())


def parse_month(raw: object, *, error: str = msg.RANGE_INVALID, field: str = "month") -> Month:
    """«۱۴۰۵/۰۸», ``1405-8`` (a Jalali month) or any date ``parse_date`` reads (its Jalali month)."""
    text = normalize_text(str(raw if raw is not None else ""))
    match = _MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1300 <= year <= 1600 and 1 <= month <= 12:
            return Month(year, month)
        raise ApplicationError(error, code="invalid", fields={field: [error]})
    try:
        day = parse_date(text)
    except (ValidationError, OverflowError, ValueError):
        raise ApplicationError(error, code="invalid", fields={field: [error]}) from None
    if not dt.date(1922, 1, 1) <= day <= dt.date(2220, 1, 1):
        raise ApplicationError(error, code="invalid", fields={field: [error]})
    return Month.of(day)


def month_range(
    raw_from: object = None,
    raw_to: object = None,
    *,
    default_months: int = DEFAULT_MONTHS,
    max_months: int = MAX_MONTHS,
    today: dt.date | None = None,
) -> list[Month]:
    """The months from ``raw_from`` to ``raw_to`` inclusive (blank: the last ``default_months``
    months ending with the current one, or ``default_months`` from/to the given end)."""
    blank_from = raw_from is None or normalize_text(str(raw_from)) == ""
    blank_to = raw_to is None or normalize_text(str(raw_to)) == ""
    end = current_month(today) if blank_to else parse_month(raw_to, field="to")
    start = end.shifted(-(default_months - 1)) if blank_from else parse_month(raw_from, field="from")
    if blank_to and not blank_from:
        end = max(end, start)
    if start > end:
        raise ApplicationError(msg.RANGE_REVERSED, code="invalid", fields={"from": [msg.RANGE_REVERSED]})
    if end.index - start.index + 1 > max_months:
        text = msg.RANGE_TOO_LONG.format(months=persian_digits(max_months))
        raise ApplicationError(text, code="invalid", fields={"to": [text]})
    return [Month.from_index(i) for i in range(start.index, end.index + 1)]


def months_q(months: list[Month]) -> Q:
    """A filter on ``jyear``/``jmonth`` for a contiguous range of months (index-friendly: the
    first year from its month, whole years between, the last year up to its month)."""
    first, last = months[0], months[-1]
    if first.year == last.year:
        return Q(jyear=first.year, jmonth__gte=first.month, jmonth__lte=last.month)
    q = Q(jyear=first.year, jmonth__gte=first.month) | Q(jyear=last.year, jmonth__lte=last.month)
    if last.year - first.year > 1:
        q |= Q(jyear__gt=first.year, jyear__lt=last.year)
    return q


def months_sql(months: list[Month]) -> tuple[str, list[int]]:
    """The same filter as ``months_q`` in SQL (for the benchmark's raw query)."""
    first, last = months[0], months[-1]
    if first.year == last.year:
        return "(jyear = %s AND jmonth BETWEEN %s AND %s)", [first.year, first.month, last.month]
    return (
        "((jyear = %s AND jmonth >= %s) OR (jyear > %s AND jyear < %s) OR (jyear = %s AND jmonth <= %s))",
        [first.year, first.month, first.year, last.year, last.year, last.month],
    )
