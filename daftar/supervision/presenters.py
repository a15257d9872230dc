"""How supervision's values read on a page (Persian words, never labels like ``1404-H2``)."""

from __future__ import annotations

from daftar.kernel.normalize import persian_digits

HALVES = {"1": "نیمهٔ نخست {year} (فروردین تا شهریور)", "2": "نیمهٔ دوم {year} (مهر تا اسفند)"}


def period_title(period: str) -> str:
    """``1404-H2`` in words: «نیمهٔ دوم ۱۴۰۴ (مهر تا اسفند)»."""
    year, _, half = period.partition("-H")
    template = HALVES.get(half)
    return template.format(year=persian_digits(year)) if template else persian_digits(period)
