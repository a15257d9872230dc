"""Who may do what to a licence: the one place that decides it (issue 16).

Used by the licence's services, API views and by the apps that act on licences (supervision,
inspections) alike, and built only from ``daftar.accounts.policy`` and ``scoping``: the moves
of ``workflow.LICENCE`` belong to the licensing authority of the licence's municipality (a
platform superuser holds every role), the sweep's to the system (``actor=None``).

Nobody acts on their own licence or office: the owners of a licence are its holder and the
staff of the office it licenses (``owners``). An owner who holds the role is refused like a
licence that does not exist (404): their own licence is not in their staff queue. Whoever else
lacks the role gets 403, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from daftar.accounts.constants import STAFF_ROLES, Role
from daftar.accounts.policy import (
    holds,
    holds_anywhere,
    is_own,
    is_person,
    municipalities_where,
    not_found,
    staff_may,
)
from daftar.accounts.scoping import scope_queryset
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Move

from . import messages as msg
from .models import Licence
from .workflow import ACTIONS, LICENCE, MOVES

# The roles that take a person's moves on a licence (the licensing authority).
AUTHORITY_ROLES: frozenset[str] = frozenset().union(*(MOVES[action].roles for action in ACTIONS))
# The staff actions on a licence (each a move of the table), by name: the roles that take them.
STAFF_ACTIONS: dict[str, frozenset[str]] = {f"licence.{action}": MOVES[action].roles for action in ACTIONS}


OWNERS_CACHE = "_policy_owner_ids"


def owners(licence: Licence) -> set[int]:
    """Whom ``licence`` belongs to: its holder and the active staff of the office it licenses
    (kept on the instance: asked once per request)."""
    cached: set[int] | None = licence.__dict__.get(OWNERS_CACHE)
    if cached is None:
        staff = Licence.objects.filter(pk=licence.pk, office__staff__active=True).values_list(
            "office__staff__user_id", flat=True
        )
        cached = {licence.holder_id, *staff}
        licence.__dict__[OWNERS_CACHE] = cached
    return cached


def remember_owners(licences: Iterable[Licence]) -> None:
    """Look up the owners of many licences in one query (a list answering ``actions`` for each)."""
    todo = {lic.pk: lic for lic in licences if OWNERS_CACHE not in lic.__dict__}
    if not todo:
        return
    for lic in todo.values():
        lic.__dict__[OWNERS_CACHE] = {lic.holder_id}
    staff = Licence.objects.filter(pk__in=todo, office__staff__active=True).values_list("pk", "office__staff__user_id")
    for pk, user_id in staff:
        todo[pk].__dict__[OWNERS_CACHE].add(user_id)


def own_licences(actor: Any) -> QuerySet[Licence]:
    """The licences ``actor`` holds or whose office they work at (for excluding from staff queues)."""
    if not is_person(actor):
        return Licence.objects.none()
    return Licence.objects.filter(Q(holder=actor) | Q(office__staff__user=actor, office__staff__active=True))


def is_owner(actor: Any, licence: Licence) -> bool:
    return is_person(actor) and is_own(actor, owners(licence))


def visible(actor: Any) -> QuerySet[Licence]:
    """Licences ``actor`` may see: their own, and their municipalities' when they are staff;
    any other is "not found" (404), never "forbidden"."""
    return scope_queryset(Licence.objects.all(), actor, roles=STAFF_ROLES, owner_field="holder")


# --- the licence register of the municipality's staff (the licensing authority's desk) -------------
# Who reads the register and a licence's staff page: the licensing authority, the supervisor and
# the municipality's administrator of the licence's municipality (a platform superuser too: they
# read, but take no licence move). Nobody reads their own licence there: it is not found.
REGISTER_READERS = frozenset({Role.LICENSING_AUTHORITY, Role.SUPERVISOR, Role.MUNICIPALITY_ADMIN})


def reads_register(actor: Any) -> bool:
    """``actor`` reads some municipality's register (the register's pages; 403 otherwise)."""
    return holds_anywhere(actor, REGISTER_READERS)


def register_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` reads the register (``None``: everywhere, a platform admin)."""
    return municipalities_where(actor, REGISTER_READERS)


def register(actor: Any) -> QuerySet[Licence]:
    """The licences of the register ``actor`` reads: their municipalities' in ``REGISTER_READERS``,
    their own excluded (the holder's, and those of the office they work at)."""
    qs = scope_queryset(Licence.objects.all(), actor, roles=REGISTER_READERS)
    if is_person(actor):
        qs = qs.exclude(pk__in=own_licences(actor).values("pk"))
    return qs


def may_read(actor: Any, licence: Licence) -> bool:
    """``actor`` reads ``licence``'s staff page (not their own)."""
    return staff_may(actor, REGISTER_READERS, licence.municipality_id, owners=owners(licence))


def demand_read(actor: Any, licence: Licence) -> None:
    """Refuse ``actor`` who may not read ``licence``'s staff page: "not found" to an owner who
    holds a reader's role there (the same body as an unknown number), 403 to anyone else who sees
    the licence (``visible``) without such a role."""
    if may_read(actor, licence):
        return
    if holds(actor, REGISTER_READERS, licence.municipality_id) and is_owner(actor, licence):
        raise not_found(msg.NOT_FOUND)
    raise ApplicationError(msg.NOT_PERMITTED_READ, code="permission_denied", status=403)


def acting_municipalities(actor: Any) -> set[int]:
    """Ids of the municipalities whose licences ``actor`` takes moves on as their licensing
    authority (the role itself: a platform superuser takes none, ``platform=False``)."""
    return municipalities_where(actor, AUTHORITY_ROLES, platform=False) or set()


def may_move(actor: Any, move: Move, licence: Licence) -> bool:
    """``actor`` (``None`` for the system) may take ``move`` on ``licence`` now."""
    if SYSTEM in move.roles:
        return actor is None
    if not holds(actor, move.roles, licence.municipality_id, platform=False):
        return False  # (the owners are looked up only for those who hold the role)
    # a licence's sanctions are the licensing authority's alone, not a platform operator's
    return staff_may(actor, move.roles, licence.municipality_id, owners=owners(licence), platform=False)


def refuse_move(actor: Any, move: Move, licence: Licence) -> ApplicationError:
    """The answer to a move ``actor`` may not take: "not found" to an owner who holds the role
    (the same body as an unknown number), 403 to anyone else."""
    holder_of_role = holds(actor, move.roles, licence.municipality_id, platform=False)
    if SYSTEM not in move.roles and holder_of_role and is_owner(actor, licence):
        return not_found(msg.NOT_FOUND)
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def demand(actor: Any, action: str, licence: Licence) -> Move:
    """The move ``action`` if ``actor`` may take it on ``licence``, else its refusal (raised
    before any input is read, as the API always answered)."""
    chosen = LICENCE.get(action)
    if not may_move(actor, chosen, licence):
        raise refuse_move(actor, chosen, licence)
    return chosen


def demand_any(actor: Any, licence: Licence) -> None:
    """Refuse ``actor`` who may take none of a person's moves on ``licence``, whatever its state
    (so that an unknown action is named only to those who may act)."""
    moves = [MOVES[action] for action in ACTIONS]
    if not any(may_move(actor, m, licence) for m in moves):
        raise refuse_move(actor, moves[0], licence)


def available(actor: Any, licence: Licence) -> list[Move]:
    """The moves ``actor`` may take on ``licence`` now (its guards are not run)."""
    return LICENCE.available(licence, actor, may=may_move)


def actions(actor: Any, licence: Licence) -> list[str]:
    """The names of those moves: what the API offers ``actor`` (``"actions"``)."""
    return [m.action for m in available(actor, licence)]
