"""Template filters for Persian display: ``{{ value|jalali }}`` and ``{{ n|fa_digits }}``."""

from __future__ import annotations

import datetime as dt

from django import template

from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits, persian_number

register = template.Library()


@register.filter
def jalali(value: dt.date | dt.datetime | None, arg: str = "") -> str:
    """Jalali date with Persian digits; ``|jalali:"time"`` adds the Tehran time."""
    return to_jalali(value, with_time=(arg == "time"))


@register.filter
def fa_digits(value: object) -> str:
    return persian_digits(value)


@register.filter
def fa_number(value: float | int) -> str:
    """``25.0`` → ``۲۵``, ``12.5`` → ``۱۲٫۵`` (Persian decimal separator)."""
    return persian_number(value)
