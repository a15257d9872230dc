"""``{% load office_format %}``: ``{{ amount|office_rials }}`` → ``۱٬۵۰۰٬۰۰۰`` (Persian digits and
thousands separator; «—» when there is no amount)."""

from __future__ import annotations

from django import template

from daftar.kernel.normalize import persian_digits

register = template.Library()


@register.filter
def office_rials(value: object) -> str:
    if value is None or value == "" or isinstance(value, bool):
        return "—"
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"
    return persian_digits(f"{number:,}".replace(",", "٬"))
