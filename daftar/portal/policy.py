"""Who sees the portal's outbox and asks for a retry (the one place that decides it).

The licensing authority and the municipality administrator of a municipality see its messages
to the national portal and may ask for another attempt. Someone holding neither role anywhere
gets 403; a message of another municipality is the same 404 as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, holds_anywhere, municipalities_where, not_found
from daftar.kernel.errors import ApplicationError

from . import messages as msg

ROLES = frozenset({str(Role.LICENSING_AUTHORITY), str(Role.MUNICIPALITY_ADMIN)})


def may_see_outbox(actor: Any) -> bool:
    return holds_anywhere(actor, ROLES)


def outbox_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` sees the outbox; ``None``: everywhere (a platform administrator)."""
    return municipalities_where(actor, ROLES)


def may_retry(actor: Any, message: Any) -> bool:
    return holds(actor, ROLES, message.municipality_id)


def refuse(actor: Any) -> ApplicationError:
    """No role anywhere: 403; a role, but not where the message belongs: not found."""
    if may_see_outbox(actor):
        return not_found()
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)
