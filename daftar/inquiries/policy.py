"""Who may do what to an inquiry: the one place that decides it (issue 16).

Built from the primitives of ``daftar.accounts.policy``. The worker and the case's own moves
(submission, renewal) are the system (``actor=None``); a person may only ask again an inquiry
that got no answer, as the reviewer or licensing authority of the case's municipality, and never
on their own case (nobody acts on their own case): that is refused like a case that does not
exist. The case's pages and API shape that answer as the case's (``applications.policy``).
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.policy import holds, is_own, not_found, staff_may
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Move

from . import messages as msg
from .workflow import INQUIRY, RETRY_ROLES


def owners(application: Any) -> set[int]:
    return {application.applicant_id}


def may_move(actor: Any, move: Move, inquiry: Any) -> bool:
    """``actor`` (``None`` for the system) may take ``move`` on ``inquiry`` now."""
    if SYSTEM in move.roles:
        return actor is None
    application = inquiry.application
    return staff_may(actor, move.roles, application.municipality_id, owners=owners(application))


def may_retry(actor: Any, application: Any) -> bool:
    """Asks again the case's inquiries that got no answer (whatever their state now)."""
    return staff_may(actor, RETRY_ROLES, application.municipality_id, owners=owners(application))


def refuse_move(actor: Any, move: Move, inquiry: Any) -> ApplicationError:
    """Staff on their own case: not found; anyone else: 403."""
    application = inquiry.application
    if is_own(actor, owners(application)) and holds(actor, move.roles, application.municipality_id):
        return not_found()
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


RETRY = INQUIRY.moves["retry"]
