"""Who may do what in exams and interviews: the one place that decides it (issue 16; S10.3,
S10.4).

Used by the assessments' services, API views and pages alike, and built from the primitives of
``daftar.accounts.policy``: an examiner of the municipality creates exam sessions, seats and
scores the cases in them, announces the result, and scores and decides interviews; an examiner
or reviewer records training credits. Other case staff of the municipality see the sessions and
cases but get 403; anyone else, 404.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, municipalities_where
from daftar.core.errors import ApplicationError

from . import messages as msg

EXAMINERS = frozenset({Role.EXAMINER})
CREDIT_ROLES = frozenset({Role.EXAMINER, Role.REVIEWER})


def examiner_municipalities(actor: Any) -> set[int] | None:
    """Ids of the municipalities where ``actor`` examines; ``None`` means all (platform admin)."""
    return municipalities_where(actor, EXAMINERS)


def is_examiner(actor: Any, municipality_id: int) -> bool:
    return holds(actor, EXAMINERS, municipality_id)


def owners(application: Any) -> set[int]:
    return {application.applicant_id}


def may_assess(actor: Any, application: Any) -> bool:
    """Seats, scores and decides the exam or interview of ``application``."""
    return is_examiner(actor, application.municipality_id)


def may_credit(actor: Any, application: Any) -> bool:
    """Records a training credit (S10.3) on ``application``."""
    return holds(actor, CREDIT_ROLES, application.municipality_id) and actor.pk != application.applicant_id


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)
