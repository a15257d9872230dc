"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import RoleAssignment, User


def role_assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("municipality", "municipality__province")
