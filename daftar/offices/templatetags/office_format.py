"""``{% load office_format %}``: ``{{ amount|office_rials }}`` → ``۱٬۵۰۰٬۰۰۰`` (Persian digits and
thousands separator; «—» when there is no amount)."""

from __future__ import annotations

from typing import Any

from django import template

from daftar.kernel.normalize import persian_grouped

from .. import policy as offices_policy

register = template.Library()


@register.filter
def office_rials(value: object) -> str:
    if value is None or value == "" or isinstance(value, bool):
        return "—"
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"
    return persian_grouped(number)  # a loss reads «−۲۰۰٬۰۰۰», the minus before the number


@register.filter
def works_at_an_office(user: Any) -> bool:
    """An active staff row at an office, or a municipality role that reads offices (nav only)."""
    return offices_policy.works_at_an_office(user)
