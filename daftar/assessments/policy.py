"""Who may do what in exams and interviews: the one place that decides it (issue 16; S10.3,
S10.4).

Used by the assessments' services, API views and pages alike, and built from the primitives of
``daftar.accounts.policy``: an examiner of the municipality creates exam sessions, seats and
scores the cases in them, announces the result, and scores and decides interviews; an examiner
or reviewer records training credits. Other case staff of the municipality see the sessions and
cases but get 403; anyone else, 404. The examiners who score an interview also set its time
and place (``may_schedule_interview``).

Nobody seats, scores or decides the exam or interview of their own case, nor records its
training credits (S15, P1): an examiner who applied is answered as if their case did not exist
(404, the same body as a nonexistent id; in a score import, the same row error as an unknown
tracking code), and a session that seats their case is one they do not announce.

The municipality's pass rules (``AssessmentPolicy``) are set by its municipality administrator
(``may_set_pass_rules``); they belong to the municipality, not to a person.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, holds_anywhere, is_own, municipalities_where, staff_may
from daftar.kernel.errors import ApplicationError

from . import messages as msg

EXAMINERS = frozenset({Role.EXAMINER})
CREDIT_ROLES = frozenset({Role.EXAMINER, Role.REVIEWER})
POLICY_ADMINS = frozenset({Role.MUNICIPALITY_ADMIN})


def examiner_municipalities(actor: Any) -> set[int] | None:
    """Ids of the municipalities where ``actor`` examines; ``None`` means all (platform admin)."""
    return municipalities_where(actor, EXAMINERS)


def sets_pass_rules_somewhere(actor: Any) -> bool:
    """May open the pass-rules page at all (someone who administers no municipality: 403)."""
    return holds_anywhere(actor, POLICY_ADMINS)


def pass_rule_municipalities(actor: Any) -> set[int] | None:
    """Ids of the municipalities whose pass rules ``actor`` sets; ``None`` means all of them."""
    return municipalities_where(actor, POLICY_ADMINS)


def may_set_pass_rules(actor: Any, municipality_id: int) -> bool:
    """Sets the pass rules (S10.4, P7) of ``municipality_id``."""
    return holds(actor, POLICY_ADMINS, municipality_id)


def is_examiner(actor: Any, municipality_id: int) -> bool:
    return holds(actor, EXAMINERS, municipality_id)


def owners(application: Any) -> set[int]:
    return {application.applicant_id}


def may_assess(actor: Any, application: Any) -> bool:
    """Seats, scores and decides the exam or interview of ``application`` (not their own)."""
    return staff_may(actor, EXAMINERS, application.municipality_id, owners=owners(application))


def may_schedule_interview(actor: Any, application: Any) -> bool:
    """Sets or changes when and where the applicant of ``application`` is interviewed: the
    examiners who open the panel and score it (S10.4: the panel schedules and scores), never on
    their own case; other case staff 403, anyone else 404 (``refuse``)."""
    return may_assess(actor, application)


def may_credit(actor: Any, application: Any) -> bool:
    """Records a training credit (S10.3) on ``application`` (not their own)."""
    return staff_may(actor, CREDIT_ROLES, application.municipality_id, owners=owners(application))


def may_decide_session(actor: Any, session: Any, applicant_ids: set[int]) -> bool:
    """Announces the result of ``session``, whose seated cases belong to ``applicant_ids``."""
    return is_examiner(actor, session.municipality_id) and not is_own(actor, applicant_ids)


def refuse(actor: Any, application: Any, roles: frozenset[str] = EXAMINERS) -> ApplicationError:
    """Staff with the role on their own case: not found; anyone else who sees the case: 403."""
    if is_own(actor, owners(application)) and holds(actor, roles, application.municipality_id):
        return not_found()
    return forbidden()


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)
