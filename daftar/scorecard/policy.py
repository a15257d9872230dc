"""Who may see and compute office scorecards (issue 22 §2): the one place that decides it.

- An office's scorecard (``/offices/<id>/scorecard/`` and its API) is read by the office's
  manager and technical manager, and by those who read the office's records for its
  municipality (``daftar.offices.policy.office_access``: supervisor, licensing authority,
  municipality administrator; a platform administrator). A clerk of the office gets 403; anyone
  else the office's 404 (not yours reads as not found).
- The municipality's ranking and the recompute are the supervisors' (``RANKERS``) of that
  municipality; another municipality's is not found, and someone without the role gets 403.
- Nobody acts on their own office: a supervisor who works at an office (any staff row) or holds
  its licence never triggers the consequences for it (``own_offices``). Their recompute still
  stores every office's scorecard (the same rule for all), but that office's consequence waits
  for the system's daily run (``services.consequences_apply``).
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.constants import Role
from daftar.accounts.policy import is_person, municipalities_where, not_found
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Municipality
from daftar.offices.models import Office, OfficeStaff, StaffRole
from daftar.offices.policy import Access, OfficeAccess, office_access

from . import messages as msg

RANKERS = frozenset({Role.SUPERVISOR})
OFFICE_READERS = frozenset({StaffRole.MANAGER, StaffRole.TECHNICAL})


def forbidden(message: str = msg.NOT_PERMITTED) -> ApplicationError:
    return ApplicationError(message, code="permission_denied", status=403)


def reads_scorecard(user: Any, access: OfficeAccess) -> bool:
    """``user``, whose access to the office is ``access``, may read its scorecard: anyone above a
    clerk, and among the office's staff (whom ``office_access`` calls clerks) the manager and the
    technical manager."""
    if access.level != Access.CLERK:
        return True
    row = OfficeStaff.objects.filter(office=access.office, user=user, active=True).values("role").first()
    return row is not None and row["role"] in OFFICE_READERS


def scorecard_access(user: Any, pk: Any) -> OfficeAccess:
    """The office ``pk`` whose scorecard ``user`` may read, or the 404 / 403 error."""
    try:
        access = office_access(user, pk)
    except ApplicationError:
        raise not_found(msg.OFFICE_NOT_FOUND) from None
    if not reads_scorecard(user, access):
        raise forbidden()
    return access


def ranking_municipalities(actor: Any) -> list[Municipality]:
    """The municipalities whose ranking ``actor`` reads and recomputes (municipal roles only: a
    consequence is a municipal office's decision)."""
    if not is_person(actor):
        return []
    ids = municipalities_where(actor, RANKERS, platform=False) or set()
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def may_rank_anywhere(actor: Any) -> bool:
    """The navigation's and the page's first question: a supervisor somewhere."""
    return bool(ranking_municipalities(actor))


def ranking_municipality(actor: Any, raw: object) -> Municipality:
    """The municipality ``raw`` (slug or id; empty: the actor's first) among the actor's, else
    the not-found error (another municipality's reads as one that does not exist)."""
    mine = ranking_municipalities(actor)
    if not mine:
        raise forbidden(msg.RANKING_NOT_PERMITTED)
    text = str(raw or "").strip()
    if not text:
        return mine[0]
    for municipality in mine:
        if text in (municipality.slug, str(municipality.pk)):
            return municipality
    raise not_found(msg.MUNICIPALITY_UNKNOWN)


def own_offices(actor: Any) -> set[int]:
    """The offices ``actor`` works at (any staff row, past ones too) or holds the licence of."""
    if not is_person(actor):
        return set()
    ids = set(OfficeStaff.objects.filter(user=actor).values_list("office_id", flat=True))
    ids |= set(Office.objects.filter(licence__holder=actor).values_list("pk", flat=True))
    return ids
