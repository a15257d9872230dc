"""Amounts in rials for people: ``{% load money %}{{ amount|rials }}`` → ``۱٬۲۳۴٬۵۰۰``
(Persian digits and the Persian thousands separator); ``None`` or junk shows as «—»."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from daftar.kernel.normalize import MINUS, persian_digits

register = template.Library()


@register.filter
def rials(value: object) -> str:
    if value is None or value == "" or isinstance(value, bool):
        return "—"
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "—"
    # a left-to-right mark keeps the minus sign left of its digits in right-to-left text
    # («‎−۲۰۰», not «۲۰۰−»; as ledger.costs.rials and Intl.NumberFormat("fa-IR"))
    sign = MINUS if number < 0 else ""
    return sign + persian_digits(f"{abs(number):,}".replace(",", "٬"))


@register.filter
def signed_rials(value: object) -> str:
    """A difference: ``+۱۵۰٬۰۰۰`` / ``−۲۰٬۰۰۰`` / ``۰``."""
    text = rials(value)
    if text not in ("—", "۰") and not text.startswith(MINUS):
        return "+" + text
    return text


@register.filter
def percent(value: object) -> str:
    """``Decimal("15.00")`` → ``۱۵``, ``Decimal("-12.50")`` → ``−۱۲٫۵``."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    text = f"{abs(number):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (MINUS if number < 0 else "") + persian_digits(text.replace(".", "٫"))
