"""``{% load scorecard_access %}``: ``{% if access|reads_scorecard:request.user %}`` on a page that
has an ``offices.policy.OfficeAccess`` (the office's «ادارهٔ دفتر» page), so that its link to the
office's scorecard is shown exactly to those ``policy.scorecard_access`` lets in: the office's
manager and technical manager (whose access level there is "clerk") and the municipality's
readers, never a clerk."""

from __future__ import annotations

from typing import Any

from django import template

from daftar.offices.policy import OfficeAccess

from .. import policy

register = template.Library()


@register.filter
def reads_scorecard(access: Any, user: Any) -> bool:
    if not isinstance(access, OfficeAccess) or not getattr(user, "is_authenticated", False):
        return False
    return policy.reads_scorecard(user, access)
