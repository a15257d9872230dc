"""Who may do what in the supervision of licensed offices: the one place that decides it (issue 16).

Used by the supervision services and API views, built only from ``daftar.accounts.policy`` and
``scoping`` (and the licence's own policy for which licences one sees). The staff actions are
listed once, in ``STAFF_ACTIONS``: recording a violation and issuing a notice create rows; the
others are moves of ``workflow.VIOLATION`` and ``workflow.NOTICE``. The holder answers a notice
(the move ``respond``) and sends the six-monthly reports.

Nobody acts on their own office or notice: the owners of a violation or notice are those of its
licence (the holder and the office's staff, ``daftar.licences.policy.owners``). An owner who
holds the role is refused like a licence or notice that does not exist (404); whoever else lacks
the role gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from daftar.accounts.constants import STAFF_ROLES, Role
from daftar.accounts.policy import (
    holds,
    holds_anywhere,
    is_person,
    municipalities_where,
    not_found,
    staff_may,
)
from daftar.accounts.scoping import scope_queryset
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import Move
from daftar.licences import policy as licence_policy
from daftar.licences.models import Licence
from daftar.offices.models import Office, OfficeStaff

from . import messages as msg
from .models import Notice, OfficeReport, Violation, ViolationEvidence, ViolationSource
from .workflow import DECIDERS, HOLDER, NOTICE, OFFICE_REPORT, VIOLATION, NoticeStatus

# who records a violation: the supervisor, and the inspector who saw it on a visit (S11.3, S17)
VIOLATION_RECORDERS = frozenset({Role.SUPERVISOR, Role.INSPECTOR})
NOTICE_ISSUERS = frozenset({Role.SUPERVISOR, Role.LICENSING_AUTHORITY})
VIOLATION_READERS = frozenset({Role.SUPERVISOR, Role.INSPECTOR, Role.LICENSING_AUTHORITY})

# Every staff action of the domain, by name: the roles that take it.
STAFF_ACTIONS: dict[str, frozenset[str]] = {
    "violation.record": VIOLATION_RECORDERS,
    "notice.issue": NOTICE_ISSUERS,
    **{
        f"{lc.name}.{a}": m.roles
        for lc in (VIOLATION, NOTICE, OFFICE_REPORT)
        for a, m in lc.moves.items()
        if HOLDER not in m.roles
    },
}


def _forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def is_holder(actor: Any, licence: Licence) -> bool:
    return is_person(actor) and actor.pk == licence.holder_id


def demand_holder(actor: Any, licence: Licence) -> None:
    """The holder's own acts (the six-monthly report): anyone else is refused (403)."""
    if not is_holder(actor, licence):
        raise _forbidden()


def _staff_may(actor: Any, roles: Iterable[str], licence: Licence) -> bool:
    if not holds(actor, roles, licence.municipality_id, platform=False):
        return False  # (the owners are looked up only for those who hold the role)
    # supervision's decisions are the municipal office's alone, not a platform operator's
    return staff_may(actor, roles, licence.municipality_id, owners=licence_policy.owners(licence), platform=False)


def _refuse_staff(actor: Any, roles: Iterable[str], licence: Licence) -> ApplicationError:
    """To an owner who holds the role, "not found" (their own office is not in their queue); to
    anyone else, 403."""
    if holds(actor, roles, licence.municipality_id, platform=False) and licence_policy.is_owner(actor, licence):
        return not_found(msg.NOT_FOUND)
    return _forbidden()


# --- staff actions that create rows ---------------------------------------------------------


def may(actor: Any, action: str, licence: Licence) -> bool:
    """``actor`` may take the staff action ``action`` (a key of ``STAFF_ACTIONS``) on ``licence``."""
    return _staff_may(actor, STAFF_ACTIONS[action], licence)


def demand(actor: Any, action: str, licence: Licence) -> None:
    """Raise the refusal unless ``actor`` may take ``action`` on ``licence``."""
    if not may(actor, action, licence):
        raise _refuse_staff(actor, STAFF_ACTIONS[action], licence)


# --- moves of violations and notices --------------------------------------------------------


def may_move(actor: Any, move: Move, obj: Violation | Notice | OfficeReport) -> bool:
    """``actor`` may take ``move`` on a violation or a notice (of ``obj.licence``) now."""
    if HOLDER in move.roles:
        return is_holder(actor, obj.licence)
    return _staff_may(actor, move.roles, obj.licence)


def refuse_move(actor: Any, move: Move, obj: Violation | Notice | OfficeReport) -> ApplicationError:
    if HOLDER in move.roles:
        return _forbidden()
    return _refuse_staff(actor, move.roles, obj.licence)


def demand_move(actor: Any, action: str, notice: Notice) -> Move:
    """The notice's move ``action`` if ``actor`` may take it, else its refusal (before any input
    is read)."""
    chosen = NOTICE.get(action)
    if not may_move(actor, chosen, notice):
        raise refuse_move(actor, chosen, notice)
    return chosen


def available(actor: Any, notice: Notice) -> list[Move]:
    """The moves ``actor`` may take on ``notice`` now (its guards are not run)."""
    return NOTICE.available(notice, actor, may=may_move)


def actions(actor: Any, notice: Notice) -> list[str]:
    """The names of those moves: what the API offers ``actor`` (``"actions"``)."""
    return [m.action for m in available(actor, notice)]


# --- reading ----------------------------------------------------------------------------------


# Who reads a holder's notices besides the holder: those who read the violations it cites, issue
# notices or decide them. A reviewer or the user administrator of the municipality has no part in
# supervision, so a notice is not found for them, like its violations.
NOTICE_READERS = VIOLATION_READERS | NOTICE_ISSUERS | frozenset(DECIDERS)


def visible_notices(actor: Any) -> QuerySet[Notice]:
    """Notices of the holder's own licences and, for supervision staff, of their municipalities'
    (404 otherwise)."""
    return scope_queryset(Notice.objects.all(), actor, roles=NOTICE_READERS, owner_field="licence__holder")


def municipal_notices(actor: Any) -> QuerySet[Notice]:
    """Notices of the municipalities where ``actor`` holds any staff role (404 for the rest): the
    scope in which a desk page then answers 403 to a role without the move."""
    return scope_queryset(Notice.objects.all(), actor, roles=STAFF_ROLES, owner_field="licence__holder")


def may_read_violations(actor: Any, licence: Licence) -> bool:
    return is_holder(actor, licence) or holds(actor, VIOLATION_READERS, licence.municipality_id)


def deciding_municipalities(actor: Any) -> set[int]:
    """Ids of the municipalities whose notices ``actor`` decides (the role itself: a platform
    superuser decides none, as ``may_move`` says)."""
    return municipalities_where(actor, DECIDERS, platform=False) or set()


def awaiting_decision(actor: Any) -> QuerySet[Notice]:
    """The open notices ``actor`` decides: their municipalities' as the licensing authority,
    those of their own licences and offices excluded (the licensing authority's desk)."""
    ids = deciding_municipalities(actor)
    if not ids:
        return Notice.objects.none()
    own = licence_policy.own_licences(actor).values("pk")
    return visible_notices(actor).filter(status=NoticeStatus.OPEN, municipality_id__in=ids).exclude(licence_id__in=own)


def recorder_source(actor: Any, licence: Licence) -> str:
    """The part in which ``actor`` records a violation of ``licence``: the municipality's
    supervisor, or else (the other recorder role) an inspector."""
    if holds(actor, {Role.SUPERVISOR}, licence.municipality_id, platform=False):
        return ViolationSource.SUPERVISOR
    return ViolationSource.INSPECTOR


# --- the staff's desk (issue 18 §2): lists and pages of violations and notices --------------


def _staff_rows(qs: QuerySet[Any], actor: Any, roles: Iterable[str]) -> QuerySet[Any]:
    """``qs`` limited to the municipalities where ``actor`` holds one of ``roles`` (all for a
    platform admin), without the rows of their own licences (their office is not in their desk)."""
    if not is_person(actor):
        return qs.none()
    ids = municipalities_where(actor, roles)
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    return qs.exclude(licence__in=licence_policy.own_licences(actor).values("pk"))


def supervises_anywhere(actor: Any) -> bool:
    """``actor`` is a supervisor somewhere (the dashboard's supervision panels)."""
    return holds_anywhere(actor, {Role.SUPERVISOR})


def reads_violations_anywhere(actor: Any) -> bool:
    """``actor`` holds a reader role of violations somewhere (the desk's lists; 403 otherwise)."""
    return holds_anywhere(actor, VIOLATION_READERS)


def reader_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` reads violations (``None``: everywhere, a platform admin)."""
    return municipalities_where(actor, VIOLATION_READERS)


def violations_for_desk(actor: Any) -> QuerySet[Violation]:
    """The violations of the municipalities where ``actor`` reads them (supervisor, inspector,
    licensing authority), but of their own office."""
    return _staff_rows(Violation.objects.all(), actor, VIOLATION_READERS)


def notices_for_desk(actor: Any) -> QuerySet[Notice]:
    """The notices of the same municipalities, but of their own office."""
    return _staff_rows(Notice.objects.all(), actor, VIOLATION_READERS)


def evidence_for_desk(actor: Any) -> QuerySet[ViolationEvidence]:
    return ViolationEvidence.objects.filter(violation__in=violations_for_desk(actor).values("pk"))


def municipalities_acting(actor: Any, action: str) -> set[int]:
    """The municipalities where ``actor`` may take ``action`` (a key of ``STAFF_ACTIONS``):
    their municipal roles only, as supervision's acts are the municipal office's alone
    (``platform=False``)."""
    return municipalities_where(actor, STAFF_ACTIONS[action], platform=False) or set()


def licences_to_supervise(actor: Any, action: str) -> QuerySet[Licence]:
    """The licences of the municipalities where ``actor`` may take ``action``, in any status,
    but their own offices' (the service refuses a licence not under supervision with its own
    message)."""
    ids = municipalities_acting(actor, action)
    if not ids:
        return Licence.objects.none()
    own = licence_policy.own_licences(actor).values("pk")
    return Licence.objects.filter(municipality_id__in=ids).exclude(pk__in=own)


def refuse_reading(actor: Any, licence: Licence) -> ApplicationError:
    """The answer to someone who may not read a violation or notice of ``licence`` on the
    desk: 403 to the municipality's other staff who own nothing there, "not found" to anyone
    else (another municipality, the holder and the office's staff, a reader's own office)."""
    mid = licence.municipality_id
    staff = holds(actor, STAFF_ROLES, mid) and not licence_policy.is_owner(actor, licence)
    if staff and not holds(actor, VIOLATION_READERS, mid):
        return _forbidden()
    return not_found(msg.NOT_FOUND)


# --- six-monthly reports and the office's compliance (the supervisor's desk) -----------------

# who reads the reports inbox and an office's compliance over time; the review is the
# supervisor's (``workflow.REPORT_REVIEWERS``)
OVERSIGHT_READERS = frozenset({Role.SUPERVISOR, Role.LICENSING_AUTHORITY})


def _own_excluded(qs: QuerySet[Any], actor: Any, licence_field: str) -> QuerySet[Any]:
    if not is_person(actor):
        return qs.none()
    return qs.exclude(**{f"{licence_field}__in": licence_policy.own_licences(actor).values("pk")})


def oversight_scope(actor: Any, qs: QuerySet[Any], municipality_field: str, licence_field: str) -> QuerySet[Any]:
    """``qs`` limited to the municipalities where ``actor`` holds any staff role, without their
    own offices: what they may see at all (anything else is a 404). Who may read it is
    :func:`may_oversee`; the others of those municipalities get 403."""
    mine = scope_queryset(qs, actor, roles=STAFF_ROLES, municipality_field=municipality_field)
    return _own_excluded(mine, actor, licence_field)


def oversight_municipalities(actor: Any, roles: Iterable[str] = OVERSIGHT_READERS) -> set[int] | None:
    """Ids of the municipalities whose offices ``actor`` oversees (``None``: all)."""
    return municipalities_where(actor, roles)


def may_oversee(actor: Any, municipality_id: int) -> bool:
    """``actor`` reads the reports and compliance of the municipality's offices."""
    return holds(actor, OVERSIGHT_READERS, municipality_id)


def may_oversee_anywhere(actor: Any) -> bool:
    return municipalities_where(actor, OVERSIGHT_READERS) != set()


def oversight_refusal() -> ApplicationError:
    """A staff member of the municipality who does not oversee its offices (403)."""
    return _forbidden()


def visible_reports(actor: Any) -> QuerySet[OfficeReport]:
    """Reports of the offices of the municipalities where ``actor`` is staff, but their own
    office's (not found: nobody reviews their own office's report)."""
    return oversight_scope(actor, OfficeReport.objects.all(), "municipality", "licence")


def report_actions(actor: Any, report: OfficeReport) -> list[Move]:
    """The review moves ``actor`` may take on ``report`` now."""
    return OFFICE_REPORT.available(report, actor, may=may_move)


def demand_report_move(actor: Any, action: str, report: OfficeReport) -> Move:
    chosen = OFFICE_REPORT.get(action)
    if not may_move(actor, chosen, report):
        raise refuse_move(actor, chosen, report)
    return chosen


def visible_offices(actor: Any) -> QuerySet[Office]:
    """Offices of the municipalities where ``actor`` is staff, but the ones they hold or work at
    (their own office's compliance is not theirs to read: not found)."""
    qs = scope_queryset(Office.objects.all(), actor, roles=STAFF_ROLES)
    if not is_person(actor):
        return qs.none()
    mine = OfficeStaff.objects.filter(user=actor, active=True).values("office_id")
    return qs.exclude(licence__in=licence_policy.own_licences(actor).values("pk")).exclude(pk__in=mine)
