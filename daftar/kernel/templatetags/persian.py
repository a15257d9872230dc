"""Template filters for Persian display: ``{{ value|jalali }}`` and ``{{ n|fa_digits }}``."""

from __future__ import annotations

import datetime as dt

from django import template

from daftar.kernel.jalali import jalali_period_label, to_jalali
from daftar.kernel.normalize import number_in_words, persian_digits, persian_filesize, persian_grouped, persian_number

register = template.Library()


@register.filter
def jalali(value: dt.date | dt.datetime | None, arg: str = "") -> str:
    """Jalali date with Persian digits; ``|jalali:"time"`` adds the Tehran time."""
    return to_jalali(value, with_time=(arg == "time"))


@register.filter
def period_label(value: object) -> str:
    """A period's key as people read it: ``1405-H1`` → «نیمهٔ نخست ۱۴۰۵» (issue 22 §2)."""
    return jalali_period_label(str(value or ""))


@register.filter
def fa_digits(value: object) -> str:
    return persian_digits(value)


@register.filter
def fa_number(value: float | int) -> str:
    """``25.0`` → ``۲۵``, ``12.5`` → ``۱۲٫۵``, ``-200`` → ``−۲۰۰`` (Persian decimal separator and a
    true minus sign before the number)."""
    return persian_number(value)


@register.filter
def fa_grouped(value: object) -> str:
    """``1234500`` → ``۱٬۲۳۴٬۵۰۰``; «—» when there is no number."""
    try:
        return persian_grouped(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"


@register.filter
def fa_filesize(value: object) -> str:
    """Bytes in Persian units: ``۴۳۱ بایت``, ``۱٫۴ کیلوبایت``, ``۵ مگابایت``."""
    return persian_filesize(value)


@register.filter
def amount_words(value: object) -> str:
    """``1250000`` → «یک میلیون و دویست و پنجاه هزار ریال»; empty when not a number."""
    try:
        return f"{number_in_words(int(value))} ریال"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
