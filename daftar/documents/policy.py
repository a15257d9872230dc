"""Who may do what to a case's documents: the one place that decides it (issue 16).

Built from the primitives of ``daftar.accounts.policy``; the case pages and API, and the
documents' services ask here. The applicant uploads the documents of their own case; the
reviewer of the case's municipality reviews them, never those of their own case (nobody reviews
their own case): that is refused like a case that does not exist, as the case's own moves are.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, is_own, not_found, staff_may
from daftar.applications import messages as case_msg
from daftar.core.errors import ApplicationError

from . import messages as msg

REVIEW_ROLES = frozenset({Role.REVIEWER})


def owners(application: Any) -> set[int]:
    return {application.applicant_id}


def may_upload(actor: Any, application: Any) -> bool:
    return is_own(actor, owners(application))


def may_review(actor: Any, application: Any) -> bool:
    """Reviews the case's documents (whatever the case's state now)."""
    return staff_may(actor, REVIEW_ROLES, application.municipality_id, owners=owners(application))


def refuse_review(actor: Any, application: Any) -> ApplicationError:
    """A review ``actor`` may not make: a reviewer who is the case's applicant is told the case
    is not found (their own case is not in their queue); anyone else who sees the case, the
    applicant without the role included, 403."""
    own = is_own(actor, owners(application))
    if own and holds(actor, REVIEW_ROLES, application.municipality_id):
        return not_found(case_msg.NOT_FOUND)
    return ApplicationError(msg.NOT_REVIEWER, code="permission_denied", status=403)
