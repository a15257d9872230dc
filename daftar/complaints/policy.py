"""Who may do what with complaints: the one place that decides it (issue 21 §3).

- A complaint is read by its complainant and by the supervisors of its municipality
  (``ANSWERERS``, municipal roles only: ``platform=False``). Anyone else gets the same 404 as
  an unknown tracking code.
- Nobody acts on their own complaint: the complaint's owners are its complainant, the applicant
  of the case it is about, and the office's staff and licence holder. A supervisor who is an
  owner does not see it in their inbox (404); a reader who lacks the role gets 403.
- The complainant's own move is ``reopen`` (once); the supervisor's are ``answer`` and
  recording the violation of an upheld office complaint.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from daftar.accounts.policy import holds, is_person, municipalities_where, not_found, staff_may
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import Move

from . import messages as msg
from .models import Complaint
from .workflow import ANSWERERS, COMPLAINANT

OWNERS_CACHE = "_complaint_owners"


def forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def missing() -> ApplicationError:
    return not_found(msg.NOT_FOUND)


def owners(complaint: Complaint) -> set[int]:
    """Whom the complaint belongs to (kept on the instance)."""
    cached: set[int] | None = complaint.__dict__.get(OWNERS_CACHE)
    if cached is None:
        cached = {complaint.complainant_id}
        case, office = complaint.application, complaint.office
        if case is not None:
            cached.add(case.applicant_id)
        if office is not None:
            cached |= set(office.staff.values_list("user_id", flat=True))
            if office.licence is not None:
                cached.add(office.licence.holder_id)
        complaint.__dict__[OWNERS_CACHE] = cached
    return cached


def is_complainant(actor: Any, complaint: Complaint) -> bool:
    return is_person(actor) and actor.pk == complaint.complainant_id


def _others(actor: Any) -> Q:
    """Complaints that are not ``actor``'s own in any way (the owners rule as a filter)."""
    return (
        ~Q(application__applicant_id=actor.pk)
        & ~Q(office__staff__user_id=actor.pk)
        & ~Q(office__licence__holder_id=actor.pk)
    )


def staff_visible(actor: Any) -> QuerySet[Complaint]:
    """The supervisors' inbox: their municipalities' complaints that are not their own."""
    if not is_person(actor):
        return Complaint.objects.none()
    where = municipalities_where(actor, ANSWERERS, platform=False)
    if not where:
        return Complaint.objects.none()
    return Complaint.objects.filter(Q(municipality_id__in=where) & _others(actor) & ~Q(complainant_id=actor.pk))


def visible(actor: Any) -> QuerySet[Complaint]:
    """Complaints ``actor`` may read: their own (as complainant) and their inbox's."""
    if not is_person(actor):
        return Complaint.objects.none()
    where = municipalities_where(actor, ANSWERERS, platform=False) or set()
    return Complaint.objects.filter(
        Q(complainant_id=actor.pk) | (Q(municipality_id__in=where) & _others(actor))
    ).distinct()


def may_answer(actor: Any, complaint: Complaint) -> bool:
    return staff_may(actor, ANSWERERS, complaint.municipality_id, owners=owners(complaint), platform=False)


def may_move(actor: Any, move: Move, complaint: Complaint) -> bool:
    if COMPLAINANT in move.roles:
        return is_complainant(actor, complaint)
    return may_answer(actor, complaint)


def refuse_move(actor: Any, move: Move, complaint: Complaint) -> ApplicationError:
    if COMPLAINANT in move.roles:
        return forbidden()  # a reader who did not file it
    if holds(actor, ANSWERERS, complaint.municipality_id, platform=False) and not is_complainant(actor, complaint):
        return missing()  # an owner holding the role: not in their inbox
    return forbidden()


def demand_answerer(actor: Any, complaint: Complaint) -> None:
    """The supervisor's staff actions (the violation): refused like a move."""
    if not may_answer(actor, complaint):
        if holds(actor, ANSWERERS, complaint.municipality_id, platform=False) and not is_complainant(actor, complaint):
            raise missing()
        raise forbidden()
