"""The periods of the scorecard (issue 22 §2): Jalali spans of ``period_months`` months, six by
default because offices report every six months (P5).

Keys: ``1405-H1`` (Farvardin–Shahrivar) and ``1405-H2`` (Mehr–Esfand), as the six-monthly
reports of ``daftar.supervision`` use; ``1405-Q1``…``Q4`` for three-month periods; ``1405-Y`` for
a year. ``1405-1`` is read as the first period of 1405 in the municipality's length.

A municipality has one length (``ScorecardSettings.period_months``): what a person asks for is
parsed with that length (``parse(raw, months)``), and a key of another length is refused (its
periods would overlap the municipality's, and an office would be ranked, and sent the lowest
band's consequence, twice for the same months). ``parse(key)`` without a length reads a key
already stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import jdatetime

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_period_label
from daftar.kernel.normalize import normalize_text

from . import messages as msg

LENGTHS = (3, 6, 12)
_KEY = re.compile(r"^([0-9]{4})-(?:(H)([12])|(Q)([1-4])|(Y)|([1-4]))$")


def bad_period() -> ApplicationError:
    return ApplicationError(msg.PERIOD_INVALID, code="period_invalid", fields={"period": [msg.PERIOD_INVALID]})


def wrong_length(months: int) -> ApplicationError:
    text = msg.PERIOD_WRONG_LENGTH.format(length=msg.PERIOD_LENGTHS.get(months, ""))
    return ApplicationError(text, code="period_wrong_length", fields={"period": [text]})


@dataclass(frozen=True)
class Period:
    year: int
    months: int  # 3, 6 or 12
    number: int  # 1-based within the year

    @property
    def key(self) -> str:
        if self.months == 12:
            return f"{self.year}-Y"
        return f"{self.year}-{'H' if self.months == 6 else 'Q'}{self.number}"

    @property
    def label(self) -> str:
        """«نیمهٔ نخست ۱۴۰۵», «بهار ۱۴۰۵», «سال ۱۴۰۵»."""
        return jalali_period_label(self.key)

    @property
    def jmonths(self) -> tuple[int, int]:
        """Its first and last Jalali month (of ``year``)."""
        return (self.number - 1) * self.months + 1, self.number * self.months

    @property
    def first(self) -> dt.date:
        return jdatetime.date(self.year, (self.number - 1) * self.months + 1, 1).togregorian()

    @property
    def last(self) -> dt.date:
        month = self.number * self.months + 1
        after = jdatetime.date(self.year + 1, 1, 1) if month > 12 else jdatetime.date(self.year, month, 1)
        return after.togregorian() - dt.timedelta(days=1)

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.year, self.months, self.number - 1)
        return Period(self.year - 1, self.months, 12 // self.months)

    def ended(self, today: dt.date) -> bool:
        return today > self.last

    def halves(self) -> list[str]:
        """The six-monthly report periods (P5) whose half-year ends inside this period."""
        out = []
        for half in (1, 2):
            if self.first <= Period(self.year, 6, half).last <= self.last:
                out.append(f"{self.year}-H{half}")
        return out


def period_of(day: dt.date, months: int = 6) -> Period:
    j = jdatetime.date.fromgregorian(date=day)
    return Period(j.year, months, (j.month - 1) // months + 1)


def last_ended(today: dt.date, months: int = 6) -> Period:
    return period_of(today, months).previous()


def parse(raw: object, months: int | None = None) -> Period:
    """A period from its key (``1405-H1``, ``1405-Q2``, ``1405-Y``) or ``1405-1`` (the first
    period of the year in ``months``-month periods); a Persian 400 otherwise. With ``months``
    (the municipality's length), a key of another length is refused too (``wrong_length``);
    without, any key is read (``1405-1`` as a half-year)."""
    text = normalize_text(str(raw or "")).strip().upper()
    match = _KEY.match(text)
    if not match:
        raise bad_period()
    year = int(match.group(1))
    if not 1300 <= year <= 1500:
        raise bad_period()
    if match.group(2):
        found = Period(year, 6, int(match.group(3)))
    elif match.group(4):
        found = Period(year, 3, int(match.group(5)))
    elif match.group(6):
        found = Period(year, 12, 1)
    else:
        length = 6 if months is None else months
        number = int(match.group(7))
        if length not in LENGTHS or number > 12 // length:
            raise bad_period()
        return Period(year, length, number)
    if months is not None and found.months != months:
        raise wrong_length(months)
    return found


def asked(raw: object, months: int, known: Iterable[str] = ()) -> str:
    """The key of the period a reader asks for (``""`` when none is): parsed in the
    municipality's length ``months``, so ``1405-3`` is its third period; a key of another length
    is refused (400), unless it is among ``known``, the periods computed (before the
    municipality changed its length)."""
    if not str(raw or "").strip():
        return ""
    try:
        return parse(raw, months).key
    except ApplicationError as exc:
        if exc.code != "period_wrong_length":
            raise
        if parse(raw).key in set(known):
            return parse(raw).key
        raise


def label_of(key: str) -> str:
    return jalali_period_label(key)
