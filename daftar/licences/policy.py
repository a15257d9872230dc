"""Who may do what to a licence: the one place that decides it (issue 16).

Used by the licence's services, API views and by the apps that act on licences (supervision,
inspections) alike, and built only from ``daftar.accounts.policy`` and ``scoping``: the moves
of ``workflow.LICENCE`` belong to the licensing authority of the licence's municipality (a
platform superuser holds every role), the sweep's to the system (``actor=None``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.accounts.constants import STAFF_ROLES
from daftar.accounts.policy import holds
from daftar.accounts.scoping import scope_queryset
from daftar.core.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Move

from . import messages as msg
from .models import Licence
from .workflow import ACTIONS, LICENCE, MOVES

# The staff actions on a licence (each a move of the table), by name: the roles that take them.
STAFF_ACTIONS: dict[str, frozenset[str]] = {f"licence.{action}": MOVES[action].roles for action in ACTIONS}


def visible(actor: Any) -> QuerySet[Licence]:
    """Licences ``actor`` may see: their own, and their municipalities' when they are staff;
    any other is "not found" (404), never "forbidden"."""
    return scope_queryset(Licence.objects.all(), actor, roles=STAFF_ROLES, owner_field="holder")


def may_move(actor: Any, move: Move, licence: Licence) -> bool:
    """``actor`` (``None`` for the system) may take ``move`` on ``licence`` now."""
    if SYSTEM in move.roles:
        return actor is None
    return holds(actor, move.roles, licence.municipality_id)


def refuse_move(actor: Any, move: Move, licence: Licence) -> ApplicationError:
    """The answer to a move ``actor`` may not take: 403, they lack the role."""
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
