"""Who may do what with a call: the one place that decides it (issue 16).

Built from the primitives of ``daftar.accounts.policy``. A call and its districts are public;
applying in an open call is anyone's who is logged in (``applications.services``); a district's
ranking (P4) is the case's to answer (``applications.policy.may_see_ranking``).

The municipality administrator of the call's municipality manages it: opens, edits, closes
early and cancels it (the desk's pages, ``daftar.desk.municipal.calls``, and the admin). A call
belongs to a municipality, not a person, so there is no "own" call to refuse. On the pages,
someone who administers no municipality gets 403; a call they do not manage (another
municipality's) does not exist for them (404, the same body as a nonexistent id).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, holds_anywhere, municipalities_where
from daftar.accounts.scoping import scope_queryset

from .models import Call

CALL_ADMINS = frozenset({Role.MUNICIPALITY_ADMIN})


def administered_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` opens calls (the admin's choices); ``None`` means everywhere."""
    return municipalities_where(actor, CALL_ADMINS)


def manages_calls_somewhere(actor: Any) -> bool:
    """May open the calls pages at all (someone who administers no municipality: 403)."""
    return holds_anywhere(actor, CALL_ADMINS)


def may_manage_calls(actor: Any, municipality_id: int) -> bool:
    """Opens, edits, closes and cancels the calls of ``municipality_id``."""
    return holds(actor, CALL_ADMINS, municipality_id)


def managed_calls(actor: Any) -> QuerySet[Call]:
    """The calls ``actor`` manages; fetch one through it so that another municipality's call
    answers as a nonexistent one."""
    return scope_queryset(Call.objects.all(), actor, roles=CALL_ADMINS)
