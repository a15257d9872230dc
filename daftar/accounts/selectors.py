"""Reads of the accounts app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.municipalities.models import Municipality

from .models import RoleAssignment, User
from .scoping import scope_queryset


def role_assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("municipality", "municipality__province")


def users_visible_to(actor: Any) -> QuerySet[User]:
    """Users holding a role in a municipality the actor administers (and the actor)."""
    from .constants import Role

    ids = scope_queryset(Municipality.objects.all(), actor, roles={Role.MUNICIPALITY_ADMIN}, municipality_field="self")
    return User.objects.filter(roles__municipality__in=ids).distinct() | User.objects.filter(pk=actor.pk)
