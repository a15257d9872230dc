"""Template helpers of the case pages: ``{% load cases %}``.

``user|is_case_staff`` decides whether the nav shows «صف کار» (the same test as the queue page);
``status|status_badge`` gives the Bootstrap colour of a case status, so colour is never the only
sign (the badge always carries the Persian status name too).
"""

from __future__ import annotations

from typing import Any

from django import template

from daftar.accounts.policy import holds_anywhere
from daftar.applications.selectors import is_staff_for
from daftar.kernel.normalize import persian_filesize, persian_number

register = template.Library()

BADGE = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "document_review": "text-bg-info",
    "correction_requested": "text-bg-warning",
    "exam": "text-bg-info",
    "interview": "text-bg-info",
    "site_inspection": "text-bg-info",
    "final_review": "text-bg-info",
    "approved": "text-bg-success",
    "licence_issued": "text-bg-success",
    "rejected": "text-bg-danger",
    "withdrawn": "text-bg-dark",
    "expired": "text-bg-dark",
}


@register.filter
def is_case_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and is_staff_for(user))


@register.filter
def holds_role(user: Any, names: str) -> bool:
    """``user|holds_role:"inspector,licensing_authority"``: any of these roles, anywhere (for the
    navigation only; every page checks its own access)."""
    return holds_anywhere(user, {n.strip() for n in names.split(",")})


@register.filter
def status_badge(status: str) -> str:
    return BADGE.get(str(status), "text-bg-secondary")


@register.filter
def fa_decimal(value: Any) -> str:
    """A score (``Decimal('35.50')``) as ``۳۵٫۵``; empty for None."""
    if value is None or value == "":
        return ""
    return persian_number(float(value))


@register.filter
def fa_filesize(value: Any) -> str:
    """Bytes in Persian words and digits: ``۴۳۱ بایت``, ``۱٫۴ کیلوبایت``, ``۵ مگابایت``."""
    return persian_filesize(value)
