"""Who may do what to an application case: the one place that decides it (issue 16).

Used by the case's services, API views, pages and templates alike. Built from the primitives of
``daftar.accounts.policy``, so a person who is the case's applicant never takes a staff move on
it, whatever roles they hold (S15, P1: nobody reviews, assesses or decides their own case); such
a move is refused like a case that does not exist.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, is_person, municipalities_where, not_found, staff_may
from daftar.documents import messages as doc_msg
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Move

from . import messages as msg
from .workflow import APPLICANT, MOVES, STAFF_ROLES_FOR_CASES


def owners(application: Any) -> set[int]:
    return {application.applicant_id}


def is_applicant(actor: Any, application: Any) -> bool:
    return is_person(actor) and actor.pk == application.applicant_id


def may_move(actor: Any, move: Move, application: Any) -> bool:
    """``actor`` (``None`` for the system) may take ``move`` on ``application`` now."""
    if SYSTEM in move.roles:
        return actor is None
    if APPLICANT in move.roles:
        return is_applicant(actor, application)
    return staff_may(actor, move.roles, application.municipality_id, owners=owners(application))


def refuse_move(actor: Any, move: Move, application: Any) -> ApplicationError:
    """The answer to a move ``actor`` may not take.

    A staff member who is the case's applicant gets "not found": their own case is not in
    their staff queue. Anyone else (the applicant without the role, other staff) gets 403.
    """
    staff_move = APPLICANT not in move.roles and SYSTEM not in move.roles
    if staff_move and is_applicant(actor, application) and holds(actor, move.roles, application.municipality_id):
        return not_found(msg.NOT_FOUND)
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def may_work_on(actor: Any, application: Any, roles: Any = STAFF_ROLES_FOR_CASES) -> bool:
    """Staff work on the case in any of ``roles`` (documents, exams, inspections): not their own."""
    return staff_may(actor, roles, application.municipality_id, owners=owners(application))


def is_staff_reader(actor: Any, application: Any) -> bool:
    """Reads the case as municipal staff (not as its applicant)."""
    return holds(actor, STAFF_ROLES_FOR_CASES, application.municipality_id) and not is_applicant(actor, application)


def staff_moves(actor: Any, application: Any) -> list[Move]:
    return [m for m in MOVES.values() if application.status in m.sources and may_move(actor, m, application)]


def may_see_ranking(actor: Any, call: Any) -> bool:
    """Municipal case staff of the call's municipality see a district's ranking (P4)."""
    return holds(actor, STAFF_ROLES_FOR_CASES, call.municipality_id)


def staff_municipalities(actor: Any, roles: Any = STAFF_ROLES_FOR_CASES) -> set[int] | None:
    """Municipalities whose cases ``actor`` works on in ``roles``; ``None`` means all of them."""
    return municipalities_where(actor, roles)


def is_case_staff(actor: Any) -> bool:
    """Holds a case role somewhere (the queue pages and navigation)."""
    return staff_municipalities(actor) != set()


# --- the case's documents (S12): uploaded by the applicant, reviewed by the reviewer --------

DOCUMENT_REVIEWERS = frozenset({Role.REVIEWER})


def may_upload_documents(actor: Any, application: Any) -> bool:
    return is_applicant(actor, application)


def may_review_documents(actor: Any, application: Any) -> bool:
    """Reviews the case's documents (whatever the case's state now): never one's own case."""
    return may_work_on(actor, application, DOCUMENT_REVIEWERS)


def refuse_review(actor: Any, application: Any) -> ApplicationError:
    """A reviewer who is the case's applicant is told the case is not found (their own case is
    not in their queue); anyone else who sees the case, the applicant without the role
    included, 403."""
    if is_applicant(actor, application) and holds(actor, DOCUMENT_REVIEWERS, application.municipality_id):
        return not_found(msg.NOT_FOUND)
    return ApplicationError(doc_msg.NOT_REVIEWER, code="permission_denied", status=403)


def may_view_documents(actor: Any, application: Any) -> bool:
    """Reads the case's files in the reviewer's viewer (issue 19 §6): who may review them."""
    return may_review_documents(actor, application)


def refuse_view_documents(actor: Any, application: Any) -> ApplicationError:
    """The viewer is a reviewer's page: to the case's applicant it does not exist (they have
    their own download on the case page); other staff who see the case lack the role (403)."""
    if is_applicant(actor, application):
        return not_found(msg.NOT_FOUND)
    return refuse_review(actor, application)
