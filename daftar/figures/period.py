"""The period the figures cover, read from people and machines alike (``?from=&to=``).

Each bound is a Jalali month (``1405/08``): as ``from`` its first day, as ``to`` its last; or a
date, Jalali (``1405/08/01``, ``۱۴۰۵-۰۸-۰۱``) or ISO (``2026-10-23``), as every date the API
reads (``daftar.kernel.jalali.parse_date``), that is such a month boundary: the figures cover
whole months only, or two periods a day apart would give one day's figures by subtraction
(nor may the month under way: its figures change every day, so today's and yesterday's would
give one day's figures too — a month is published once it has ended, and a ``to`` in the month
under way or later is read as the end of the last month ended). Both bounds are included.
Without ``to`` the period ends with the last month ended; without ``from`` it starts
``FIGURES_DEFAULT_MONTHS - 1`` months before that month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import (
    TEHRAN,
    jalali_iso,
    jalali_month_bounds,
    jalali_year_month,
    parse_date,
    to_jalali,
)
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.ledger.months import current_month

from . import messages as msg

_MONTH = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})$")


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, included
    end: dt.date  # last day, included

    @property
    def start_at(self) -> dt.datetime:
        """00:00 of the first day, Tehran time."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=TEHRAN)

    @property
    def end_at(self) -> dt.datetime:
        """00:00 of the day after the last (exclusive), Tehran time."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=TEHRAN)

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"

    def body(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat(),
            "from_jalali": jalali_iso(self.start),
            "to": self.end.isoformat(),
            "to_jalali": jalali_iso(self.end),
        }

    @property
    def label(self) -> str:
        """«از ۱۴۰۴/۰۹/۰۱ تا ۱۴۰۵/۰۸/۳۰»."""
        return f"از {to_jalali(self.start)} تا {to_jalali(self.end)}"


def _bound(raw: str, *, field: str, last: bool, today: dt.date) -> dt.date:
    text = normalize_text(raw)
    match = _MONTH.match(text)
    try:
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not (1300 <= year <= 1600 and 1 <= month <= 12):
                raise ValueError(text)
            first_day, last_day = jalali_month_bounds(year, month)
            return last_day if last else first_day
        day = parse_date(text)
    except (ValidationError, ValueError, OverflowError):
        raise ApplicationError(msg.DATE_INVALID, code="invalid", fields={field: [msg.DATE_INVALID]}) from None
    if not dt.date(1922, 1, 1) <= day <= dt.date(2220, 1, 1):
        raise ApplicationError(msg.DATE_INVALID, code="invalid", fields={field: [msg.DATE_INVALID]})
    # Whole Jalali months only: two periods a day apart would give one day's figures by
    # subtraction.
    first_day, last_day = jalali_month_bounds(*jalali_year_month(day))
    if day != (last_day if last else first_day):
        raise ApplicationError(msg.WHOLE_MONTHS, code="invalid", fields={field: [msg.WHOLE_MONTHS]})
    return day


def _blank(raw: object) -> bool:
    return raw is None or normalize_text(str(raw)) == ""


def parse_period(raw_from: object = None, raw_to: object = None, *, today: dt.date | None = None) -> Period:
    """The period asked for, or a Persian 400 naming the field (nothing else is read)."""
    today = today or timezone.localdate()
    under_way = current_month(today)
    ended = jalali_month_bounds(under_way.year, under_way.month)[0] - dt.timedelta(days=1)  # the last month ended
    end = ended if _blank(raw_to) else _bound(str(raw_to), field="to", last=True, today=today)
    if _blank(raw_from):
        months = max(1, int(getattr(settings, "FIGURES_DEFAULT_MONTHS", 12)))
        first = current_month(min(end, ended)).shifted(-(months - 1))
        start = jalali_month_bounds(first.year, first.month)[0]
    else:
        start = _bound(str(raw_from), field="from", last=False, today=today)
    if start > ended:
        raise ApplicationError(msg.RANGE_FUTURE, code="invalid", fields={"from": [msg.RANGE_FUTURE]})
    if start > end:
        raise ApplicationError(msg.RANGE_REVERSED, code="invalid", fields={"from": [msg.RANGE_REVERSED]})
    end = min(end, ended)  # the month under way is published once it ends
    longest = int(getattr(settings, "FIGURES_MAX_DAYS", 1830))
    if (end - start).days + 1 > longest:
        text = msg.RANGE_TOO_LONG.format(days=persian_digits(longest))
        raise ApplicationError(text, code="invalid", fields={"to": [text]})
    return Period(start, end)
