"""The one helper that scopes every queryset by the acting user.

Use it for every list and every object look-up from now on::

    scope_queryset(Application.objects.all(), actor, roles={Role.REVIEWER}, owner_field="applicant")

An object is visible when the actor owns it (``owner_field``) or holds one of ``roles`` in the
object's municipality (``municipality_field``). ``roles`` is required: every caller states which
roles may see the rows (an empty set means "owners only"), so forgetting it cannot open a
municipality's rows to, say, an office clerk. Platform superusers see everything; anonymous
users see nothing. Fetch single objects through the scoped queryset so that "not yours" is the
same 404 as "not found".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from .constants import Role

M = TypeVar("M", bound=Model)


def municipality_ids_for(actor: Any, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of municipalities where ``actor`` holds any of ``roles`` (any role if None)."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    cache_attr = "_daftar_role_cache"
    assignments: list[tuple[str, int]] | None = getattr(actor, cache_attr, None)
    if assignments is None:
        assignments = list(actor.roles.values_list("role", "municipality_id"))
        setattr(actor, cache_attr, assignments)
    wanted = set(roles) if roles is not None else None
    return {mid for role, mid in assignments if wanted is None or role in wanted}


def roles_of(actor: Any) -> set[str]:
    """All roles ``actor`` holds in any municipality (applicant is implicit for everyone)."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    municipality_ids_for(actor)
    return {Role.APPLICANT.value} | {role for role, _ in actor._daftar_role_cache}


def has_role(actor: Any, role: str, municipality_id: int | None = None) -> bool:
    ids = municipality_ids_for(actor, {role})
    return bool(ids) if municipality_id is None else municipality_id in ids


def scope_queryset(
    qs: QuerySet[M],
    actor: Any,
    *,
    roles: Iterable[str],
    municipality_field: str | None = "municipality",
    owner_field: str | None = None,
) -> QuerySet[M]:
    """Restrict ``qs`` to what ``actor`` may see (see the module docstring)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return qs.none()
    if actor.is_superuser:
        return qs
    condition = Q(pk__in=[])
    if owner_field:
        condition |= Q(**{owner_field: actor})
    if municipality_field:
        ids = municipality_ids_for(actor, roles)
        if ids:
            field = "pk" if municipality_field == "self" else municipality_field
            condition |= Q(**{f"{field}__in": ids})
    return qs.filter(condition)


def forget_roles(actor: Any) -> None:
    """Drop the per-request role cache after a grant or revoke."""
    if hasattr(actor, "_daftar_role_cache"):
        delattr(actor, "_daftar_role_cache")
