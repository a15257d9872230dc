"""Who may do what with citizens' feedback: the one place that decides it (issue 22 §1).

- Rating needs no account: whoever holds the signed link (``LINK_HOLDER``) rates once. An
  unknown, forged or expired link is the same 404.
- The office's figures and shown comments are read by those who read the office's records
  (``daftar.offices.policy.office_access``: its staff, and its municipality's supervisors,
  licensing authority and administrator); anyone else gets the office's 404.
- Held comments are read and decided (publish or keep hidden) by the supervisors of the office's
  municipality (``MODERATORS``, municipal roles only), never by one who works at that office or
  holds its licence (nobody acts on their own office); they get the same 404 as a wrong id.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.accounts.policy import is_person, municipalities_where, not_found, staff_may
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import Move
from daftar.offices.models import Office, OfficeStaff

from . import messages as msg
from .models import FeedbackRequest, FeedbackStatus
from .workflow import LINK_HOLDER, MODERATORS


def missing() -> ApplicationError:
    return not_found(msg.NOT_FOUND)


def link_unknown() -> ApplicationError:
    return ApplicationError(msg.LINK_UNKNOWN, code="not_found", status=404)


def _owners(row: FeedbackRequest) -> set[int]:
    """The office's people: its staff (active or not) and its licence holder."""
    people = set(OfficeStaff.objects.filter(office_id=row.office_id).values_list("user_id", flat=True))
    holder = Office.objects.filter(pk=row.office_id).values_list("licence__holder_id", flat=True).first()
    if holder is not None:
        people.add(holder)
    return people


def may_moderate(actor: Any, row: FeedbackRequest) -> bool:
    return staff_may(actor, MODERATORS, row.municipality_id, owners=_owners(row), platform=False)


def may_move(actor: Any, chosen: Move, row: FeedbackRequest) -> bool:
    if LINK_HOLDER in chosen.roles:
        return True  # the link was checked by the caller: it is the key
    return may_moderate(actor, row)


def refuse_move(actor: Any, chosen: Move, row: FeedbackRequest) -> ApplicationError:
    return missing()


def held(actor: Any) -> QuerySet[FeedbackRequest]:
    """The held comments ``actor`` may decide: their municipalities' offices but their own."""
    if not is_person(actor):
        return FeedbackRequest.objects.none()
    ids = municipalities_where(actor, MODERATORS, platform=False) or set()
    own = OfficeStaff.objects.filter(user=actor).values("office_id")
    holds_licence = Office.objects.filter(licence__holder=actor).values("pk")
    return (
        FeedbackRequest.objects.filter(status=FeedbackStatus.FLAGGED, municipality_id__in=ids)
        .exclude(office_id__in=own)
        .exclude(office_id__in=holds_licence)
    )


def may_see_held(actor: Any) -> bool:
    """The navigation's question: a supervisor somewhere."""
    return bool(is_person(actor) and municipalities_where(actor, MODERATORS, platform=False))
