"""Who may do what to site inspections and supervision visits: the one place that decides it
(issue 16).

Used by the services, the API views, the pages and their templates alike, and built only from
``daftar.accounts.policy`` and ``scoping``. Inspectors act (schedule, add photos, record), the
licensing authority reads inspections, and supervisors read visits too; the holder of a licence
reads the visits of their own office. The staff actions are listed once, in ``STAFF_ACTIONS``:
scheduling and adding a photo create rows; recording is the move of ``workflow.INSPECTION`` and
``workflow.SUPERVISION_VISIT``.

Nobody inspects their own case or office: the owners of a case are its applicant, those of a
licensed office its holder and staff (``daftar.licences.policy.owners``). Their own cases and
offices are not in an inspector's queues and lists, and an owner who holds the role is refused
like a case or visit that does not exist (404); whoever else lacks the role gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from daftar.accounts.constants import STAFF_ROLES, Role
from daftar.accounts.policy import (
    holds,
    is_own,
    is_person,
    municipalities_where,
    not_found,
    people_holding,
    staff_may,
)
from daftar.applications.models import Application
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import Move
from daftar.licences import policy as licence_policy
from daftar.licences.models import Licence

from . import messages as msg
from .models import Inspection, InspectionPhoto, InspectionStatus, SupervisionVisit
from .workflow import INSPECTION, INSPECTORS, SUPERVISION_VISIT

READERS = frozenset({Role.INSPECTOR, Role.LICENSING_AUTHORITY})
VISIT_READERS = frozenset({Role.INSPECTOR, Role.LICENSING_AUTHORITY, Role.SUPERVISOR})

# Every staff action of the domain, by name: the roles that take it.
STAFF_ACTIONS: dict[str, frozenset[str]] = {
    "inspection.schedule": frozenset(INSPECTORS),
    "inspection.photo_add": frozenset(INSPECTORS),
    **{f"inspection.{a}": m.roles for a, m in INSPECTION.moves.items()},
    "supervision_visit.schedule": frozenset(INSPECTORS),
    # the supervisor sends one of the municipality's inspectors (issue 18)
    "supervision_visit.assign": frozenset({Role.SUPERVISOR}),
    **{f"supervision_visit.{a}": m.roles for a, m in SUPERVISION_VISIT.moves.items()},
}
Visit = Inspection | SupervisionVisit


def _not_own_case(qs: QuerySet[Any], actor: Any, applicant_field: str) -> QuerySet[Any]:
    """``qs`` without the cases (or their inspections) whose applicant is ``actor``."""
    return qs.exclude(**{applicant_field: actor}) if is_person(actor) else qs


def _in_municipalities(qs: QuerySet[Any], actor: Any, roles: Iterable[str], field: str) -> QuerySet[Any]:
    """``qs`` limited to the municipalities where ``actor`` holds one of ``roles`` (all for a
    platform admin, none for anonymous)."""
    ids = municipalities_where(actor, roles)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


# --- whose is it ------------------------------------------------------------------------------


def case_owners(application: Application) -> set[int]:
    """The people a case belongs to: its applicant."""
    return {application.applicant_id}


def office_owners(licence: Licence) -> set[int]:
    """The people a licensed office belongs to: the licence's holder and the office's staff."""
    return licence_policy.owners(licence)


def _of(obj: Any) -> Any:
    """The case or licence an inspection or visit is of (``obj`` itself otherwise)."""
    if isinstance(obj, Inspection):
        return obj.application
    if isinstance(obj, SupervisionVisit):
        return obj.licence
    return obj


def _municipality(obj: Any) -> int:
    return int(_of(obj).municipality_id)


def _subject(obj: Any) -> tuple[int, set[int]]:
    """The municipality and the owners of what an action is done to (a case, a licence, or a
    visit of either)."""
    obj = _of(obj)
    if isinstance(obj, Application):
        return obj.municipality_id, case_owners(obj)
    return obj.municipality_id, office_owners(obj)


# --- acting -------------------------------------------------------------------------------------


def may(actor: Any, action: str, obj: Any) -> bool:
    """``actor`` may take the staff action ``action`` (a key of ``STAFF_ACTIONS``) on ``obj``:
    the role in its municipality, and it is not their own case or office."""
    roles = STAFF_ACTIONS[action]
    if not holds(actor, roles, _municipality(obj)):
        return False  # (the owners are looked up only for those who hold the role)
    municipality_id, owners = _subject(obj)
    return staff_may(actor, roles, municipality_id, owners=owners)


def refuse(actor: Any, action: str, obj: Any) -> ApplicationError:
    """The answer to a staff action ``actor`` may not take: "not found" to an owner who holds
    the role (the same body as a nonexistent case or visit), 403 to anyone else."""
    municipality_id, owners = _subject(obj)
    on_case = action.startswith("inspection.")
    if holds(actor, STAFF_ACTIONS[action], municipality_id) and is_own(actor, owners):
        return not_found(msg.NOT_FOUND if on_case else msg.VISIT_NOT_FOUND)
    message = msg.NOT_INSPECTOR if on_case else msg.VISIT_NOT_INSPECTOR
    return ApplicationError(message, code="permission_denied", status=403)


def demand(actor: Any, action: str, obj: Any) -> None:
    """Raise the refusal unless ``actor`` may take ``action`` on ``obj``."""
    if not may(actor, action, obj):
        raise refuse(actor, action, obj)


def _action(move: Move, obj: Visit) -> str:
    return f"{'inspection' if isinstance(obj, Inspection) else 'supervision_visit'}.{move.action}"


def may_move(actor: Any, move: Move, obj: Visit) -> bool:
    """``actor`` may take ``move`` on an inspection or a supervision visit now."""
    return may(actor, _action(move, obj), obj)


def refuse_move(actor: Any, move: Move, obj: Visit) -> ApplicationError:
    return refuse(actor, _action(move, obj), obj)


def available(actor: Any, obj: Visit) -> list[Move]:
    """The moves ``actor`` may take on the inspection or visit now (guards are not run)."""
    return obj.LIFECYCLE.available(obj, actor, may=may_move)


def actions(actor: Any, obj: Visit) -> list[str]:
    """The names of the moves ``actor`` may take on the inspection or visit now."""
    return [m.action for m in available(actor, obj)]


# --- reading ------------------------------------------------------------------------------------


def inspections_visible(actor: Any) -> QuerySet[Inspection]:
    """Inspections of cases in the municipalities where ``actor`` is an inspector or the
    licensing authority (read-only), but of their own case; anything else is a 404."""
    qs = Inspection.objects.select_related(
        "application__applicant", "application__district", "application__municipality", "application__call__rule_set"
    )
    return _in_municipalities(
        _not_own_case(qs, actor, "application__applicant"), actor, READERS, "application__municipality_id"
    )


def photos_visible(actor: Any) -> QuerySet[InspectionPhoto]:
    return InspectionPhoto.objects.filter(inspection__in=inspections_visible(actor).values("pk"))


def cases_to_inspect(actor: Any) -> QuerySet[Application]:
    """Cases in the municipalities where ``actor`` is an inspector, but their own."""
    return _in_municipalities(
        _not_own_case(Application.objects.all(), actor, "applicant"), actor, INSPECTORS, "municipality_id"
    )


def visits_visible(actor: Any) -> QuerySet[SupervisionVisit]:
    """Visits of licences in the user's municipalities (inspector, licensing authority,
    supervisor) but of their own office and, read-only, visits of the user's own licences."""
    qs = SupervisionVisit.objects.select_related(
        "licence__holder", "licence__district", "licence__municipality", "licence__application__call__rule_set"
    )
    if not is_person(actor):
        return qs.none()
    ids = municipalities_where(actor, VISIT_READERS)
    as_staff = ~Q(licence__in=licence_policy.own_licences(actor))
    if ids is not None:
        as_staff &= Q(licence__municipality_id__in=ids)
    return qs.filter(as_staff | Q(licence__holder=actor))


def licences_to_visit(actor: Any) -> QuerySet[Licence]:
    """Licences in the municipalities where ``actor`` is an inspector, but their own offices'."""
    qs = Licence.objects.exclude(pk__in=licence_policy.own_licences(actor).values("pk"))
    return _in_municipalities(qs, actor, INSPECTORS, "municipality_id")


def supervision_visits_to_record(actor: Any) -> QuerySet[SupervisionVisit]:
    """Scheduled supervision visits of the municipalities where ``actor`` is an inspector, but of
    their own offices."""
    qs = SupervisionVisit.objects.filter(status=InspectionStatus.SCHEDULED).exclude(
        licence__in=licence_policy.own_licences(actor)
    )
    return _in_municipalities(qs, actor, INSPECTORS, "licence__municipality_id")


# --- the supervisor's desk: visits sent to an inspector ---------------------------------------


def inspector_refusal(inspector: Any, licence: Licence) -> ApplicationError | None:
    """Why ``inspector`` may not be sent to visit ``licence``'s office (None: they may): not an
    inspector of its municipality, or it is their own office (a Persian form error, 400)."""
    if not holds(inspector, INSPECTORS, licence.municipality_id, platform=False):
        return ApplicationError(
            msg.INSPECTOR_ELSEWHERE, code="inspector_elsewhere", fields={"inspector": [msg.INSPECTOR_ELSEWHERE]}
        )
    if is_own(inspector, office_owners(licence)):
        return ApplicationError(
            msg.INSPECTOR_OWN_OFFICE, code="inspector_own_office", fields={"inspector": [msg.INSPECTOR_OWN_OFFICE]}
        )
    return None


def inspectors_for(licence: Licence) -> QuerySet[Any]:
    """The inspectors the supervisor may send to ``licence``'s office: its municipality's, but
    the office's own people."""
    people = people_holding(INSPECTORS, [licence.municipality_id])
    return people.exclude(pk__in=office_owners(licence)).order_by("last_name", "first_name", "pk")


def may_assign_anywhere(actor: Any) -> bool:
    """``actor`` sends inspectors on visits in some municipality (the supervisor's visit pages)."""
    return municipalities_where(actor, STAFF_ACTIONS["supervision_visit.assign"]) != set()


def may_record_anywhere(actor: Any) -> bool:
    """``actor`` is an inspector in some municipality (their own visits' panel)."""
    return municipalities_where(actor, INSPECTORS) != set()


def inspectors_of(actor: Any) -> QuerySet[Any]:
    """The inspectors of the municipalities whose visits ``actor`` supervises (a list's filter)."""
    ids = municipalities_where(actor, STAFF_ACTIONS["supervision_visit.assign"])
    return people_holding(INSPECTORS, ids).order_by("last_name", "first_name", "pk")


def visits_supervised(actor: Any) -> QuerySet[SupervisionVisit]:
    """Visits of the offices of the municipalities where ``actor`` is a supervisor, but their
    own office's."""
    qs = SupervisionVisit.objects.select_related("licence__district", "licence__office", "inspector")
    if not is_person(actor):
        return qs.none()
    qs = qs.exclude(licence__in=licence_policy.own_licences(actor))
    return _in_municipalities(qs, actor, STAFF_ACTIONS["supervision_visit.assign"], "licence__municipality_id")


def licences_to_send(actor: Any) -> QuerySet[Licence]:
    """Licences of the municipalities where ``actor`` is staff, but their own offices' (what the
    supervisor may look up to schedule a visit; anything else is "not found")."""
    qs = Licence.objects.exclude(pk__in=licence_policy.own_licences(actor).values("pk"))
    return _in_municipalities(qs, actor, STAFF_ROLES, "municipality_id")
