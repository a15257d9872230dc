"""Who may do what with a call: the one place that decides it (issue 16).

Built from the primitives of ``daftar.accounts.policy``. A call and its districts are public;
applying in an open call is anyone's who is logged in (``applications.services``); a district's
ranking (P4) is the case's to answer (``applications.policy.may_see_ranking``); the
municipality administrator opens calls (in the admin).
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import municipalities_where

CALL_ADMINS = frozenset({Role.MUNICIPALITY_ADMIN})


def administered_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` opens calls (the admin's choices); ``None`` means everywhere."""
    return municipalities_where(actor, CALL_ADMINS)
