"""Who sees the portal's outbox and asks for a retry (the one place that decides it).

The licensing authority and the municipality administrator of a municipality see its messages
to the national portal and may ask for another attempt. The list answers 403 to someone
holding neither role anywhere (an applicant). A message is the same 404 as one that does not
exist to anyone outside its municipality's staff; its other staff (a reviewer) get 403.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import STAFF_ROLES, Role
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


def forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def refuse_retry(actor: Any, message: Any) -> ApplicationError:
    """The municipality's other staff: 403; anyone else: not found."""
    if holds(actor, STAFF_ROLES, message.municipality_id):
        return forbidden()
    return not_found()
