"""Reads of the accounts app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.notifications.models import OutboxMessage
from daftar.notifications.texts import REGISTRY

from .models import RoleAssignment, User


def role_assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("municipality", "municipality__province")


def profile_gaps(user: Any) -> list[str]:
    """What the profile still lacks before an application can be submitted, in Persian."""
    gaps = []
    if user.person_type == "legal":
        if not user.legal_name:
            gaps.append("نام شخص حقوقی")
        if not user.national_id:
            gaps.append("شناسه ملی")
    else:
        if not (user.first_name and user.last_name):
            gaps.append("نام و نام خانوادگی")
        if user.nationality == "IR" and not user.national_code:
            gaps.append("کد ملی")
        if not user.birth_date:
            gaps.append("تاریخ تولد")
    return gaps


def messages_of(user: Any) -> QuerySet[Any]:
    """The SMS sent (or queued) to ``user``'s account, newest first (issue 21 §4): never a
    one-time code (its text is gone once sent, and it is no news to its reader), never another
    person's, even one sent to a number this account holds now."""
    return OutboxMessage.objects.filter(recipient=user, sensitive=False).order_by("-created_at", "-pk")


def message_title(kind: str) -> str:
    """The Persian title of a declared SMS (``notifications.texts``), or a plain «پیامک»."""
    found = REGISTRY.get(kind)
    return found.title if found else "پیامک"
