"""Reads of the accounts app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

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
