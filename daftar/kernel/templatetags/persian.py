"""Template filters for Persian display: ``{{ value|jalali }}``, ``{{ n|fa_digits }}`` and
``{{ message|fa_text }}``."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from daftar.kernel.jalali import jalali_period_label, to_jalali
from daftar.kernel.normalize import (
    number_in_words,
    persian_digits,
    persian_digits_in_text,
    persian_filesize,
    persian_grouped,
    persian_number,
)

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


# markup inside text already marked safe: a tag or a character reference keeps its digits
_MARKUP = re.compile(r"(<[^>]*>|&#?[0-9A-Za-z]+;)")


@register.filter(needs_autoescape=True)
def fa_text(value: object, autoescape: bool = True) -> str:
    """A sentence as a person reads it: Latin digits become Persian, except inside a word with
    Latin letters (a tracking code «AB2C-9H», a link), which stays as written. For the texts
    that are not ours to write: Django's form errors («… 5 نویسه …»), service and flash messages.

    Plain text is escaped after the digits change (where the template escapes); text already
    marked safe (``format_html``) keeps its tags and character references as they are and only
    its words change."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)  # a flash message's ``str`` is its text, still marked safe if it was
    if not isinstance(value, SafeData):
        text = persian_digits_in_text(value)
        return escape(text) if autoescape else text
    parts = _MARKUP.split(value)
    return mark_safe("".join(part if i % 2 else persian_digits_in_text(part) for i, part in enumerate(parts)))  # noqa: S308


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
