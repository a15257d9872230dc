"""Who may set a municipality's tariffs and revise them: the one place that decides it (issue 16).

The municipality administrator sets the tariffs of their municipality (DOMAIN «Roles», P6); the
national service catalogue itself is the platform's. Built on ``daftar.accounts.policy``; used by
the catalogue's services, pages, API and admin alike. A tariff belongs to a municipality, not a
person, so there is no "own" tariff to refuse.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, holds_anywhere, is_platform_admin, municipalities_where
from daftar.kernel.lifecycle import Move

TARIFF_ADMINS = frozenset({Role.MUNICIPALITY_ADMIN})


def is_tariff_admin(actor: Any, municipality: Any) -> bool:
    """Sets the tariffs of ``municipality`` (an instance or an id); platform admins too."""
    mid = municipality if isinstance(municipality, int) else municipality.pk
    return holds(actor, TARIFF_ADMINS, mid)


def tariff_municipalities(actor: Any) -> set[int] | None:
    """Ids of the municipalities whose tariffs ``actor`` sets; ``None`` means all of them."""
    return municipalities_where(actor, TARIFF_ADMINS)


def may_see_catalogue_admin(actor: Any) -> bool:
    return holds_anywhere(actor, TARIFF_ADMINS)


def may_edit_catalogue(actor: Any) -> bool:
    """The national catalogue of services is the platform's, not a municipality's."""
    return is_platform_admin(actor)


def may_move_revision(actor: Any, move: Move, revision: Any) -> bool:
    return holds(actor, move.roles, revision.municipality_id)
