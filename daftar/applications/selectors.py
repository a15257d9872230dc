"""Read queries of application cases. Every one starts from ``cases_visible`` (the scoping
helper), so "not yours" is the same 404 as "not found". List queries use a fixed number of
queries however many rows (``select_related``; no per-row look-ups)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.scoping import scope_queryset
from daftar.documents.models import Document
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text
from daftar.kernel.validators import normalize_mobile

from . import messages as msg
from . import policy
from .models import Application, CaseEvent
from .services import parse_id
from .workflow import CLOCKED, STAFF_ROLES_FOR_CASES, Status

SORTS = {
    "age": ("submitted_at", "id"),
    "-age": ("-submitted_at", "-id"),
    "deadline": ("due_at", "id"),
    "-deadline": ("-due_at", "-id"),
}


def cases_visible(actor: Any) -> QuerySet[Application]:
    """The applicant's own cases and, for case staff, their municipality's cases except drafts:
    a draft is the applicant's private work until it is submitted (staff get a 404 for it)."""
    qs = scope_queryset(Application.objects.all(), actor, roles=STAFF_ROLES_FOR_CASES, owner_field="applicant")
    if not getattr(actor, "is_authenticated", False):
        return qs
    return qs.exclude(Q(status=Status.DRAFT) & ~Q(applicant_id=actor.pk))


def is_staff_for(actor: Any) -> bool:
    return policy.is_case_staff(actor)


def case_detail(actor: Any, pk: int) -> Application:
    """One case with what its page shows, fetched through the scope (404 when not visible)."""
    application = (
        cases_visible(actor)
        .select_related("call", "call__licence_type", "call__rule_set", "municipality", "district", "applicant")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("at", "pk")),
            Prefetch("documents", queryset=Document.objects.order_by("doc_type", "-version")),
            "inquiries",
            "clocks",
        )
        .get(pk=pk)
    )
    return application


def my_cases(actor: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=actor)
        .select_related("call", "district", "municipality", "applicant")
        .order_by("-created_at", "-id")
    )


# Each role's own queue when no status is asked for (issue 4 §6: "queues per role").
ROLE_STATUSES: dict[str, set[str]] = {
    Role.REVIEWER: {Status.SUBMITTED, Status.DOCUMENT_REVIEW, Status.CORRECTION_REQUESTED},
    Role.EXAMINER: {Status.EXAM, Status.INTERVIEW},
    Role.INSPECTOR: {Status.SITE_INSPECTION},
    Role.LICENSING_AUTHORITY: {Status.FINAL_REVIEW, Status.APPROVED},
}
ALL = "all"


def role_queue_filter(actor: Any) -> Q | None:
    """The cases the actor's roles work on, each role in its own municipalities; None = every
    status (platform superusers)."""
    if policy.staff_municipalities(actor) is None:
        return None
    condition = Q(pk__in=[])
    admin_of = policy.staff_municipalities(actor, {Role.MUNICIPALITY_ADMIN})
    if admin_of:
        condition |= Q(municipality_id__in=admin_of)
    for role, statuses in ROLE_STATUSES.items():
        ids = policy.staff_municipalities(actor, {role})
        if ids:
            condition |= Q(municipality_id__in=ids, status__in=sorted(statuses))
    authority_of = policy.staff_municipalities(actor, {Role.LICENSING_AUTHORITY})
    if authority_of:  # escalations come to the authority (P1)
        condition |= Q(municipality_id__in=authority_of, overdue=True, escalated_at__isnull=False)
    return condition


def is_overdue(application: Application, now: dt.datetime) -> bool:
    """Past the municipality's deadline (the applicant's own correction deadline is not "overdue":
    it expires the case instead). The one definition the queues, badges and exports use."""
    if application.status not in CLOCKED:
        return False
    # flagged by the sweep: the stage's legal time ran out, even while the head's 7 days run
    return bool(application.overdue or (application.due_at and application.due_at < now))


def queue(actor: Any, params: Any) -> QuerySet[Application]:
    """A staff member's work queue: their municipalities only (staff roles), drafts and their
    own applications excluded; by default the statuses their roles work on (``status=all`` for
    every status, and so does a search without a status); filters ``status``, ``district``,
    ``overdue``, ``acknowledged``, ``q`` (a search, ``queue_search``); ``sort``."""
    ids = policy.staff_municipalities(actor)
    qs = Application.objects.exclude(status=Status.DRAFT).exclude(applicant_id=getattr(actor, "pk", None))
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    status = (params.get("status") or "").strip()
    searched = bool(normalize_text(str(params.get("q") or "")))
    if not status:
        condition = None if searched else role_queue_filter(actor)  # a search looks in every status
        if condition is not None:
            qs = qs.filter(condition)
    elif status != ALL:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in Status.values]
        if unknown:
            raise ApplicationError(
                msg.STATUS_FILTER_UNKNOWN.format(value="، ".join(unknown)),
                fields={"status": [msg.STATUS_FILTER_UNKNOWN.format(value="، ".join(unknown))]},
            )
        qs = qs.filter(status__in=wanted)
    district = (params.get("district") or "").strip()
    if district:
        district_id = parse_id(district)
        qs = qs.filter(district_id=district_id) if district_id else qs.none()
    overdue = (params.get("overdue") or "").strip().lower()
    now = timezone.now()
    if overdue in ("1", "true", "yes"):
        # the municipality's clocks, not the applicant's; an escalated case stays overdue (issue 21 §2)
        qs = qs.filter(Q(due_at__lt=now) | Q(overdue=True), status__in=CLOCKED)
    elif overdue in ("0", "false", "no"):
        qs = qs.exclude(Q(due_at__lt=now) | Q(overdue=True), status__in=CLOCKED)
    acknowledged = (params.get("acknowledged") or "").strip().lower()
    if acknowledged in ("0", "false", "no"):
        qs = qs.filter(acknowledged_at__isnull=True)
    elif acknowledged in ("1", "true", "yes"):
        qs = qs.filter(acknowledged_at__isnull=False)
    qs = queue_search(qs, params.get("q") or "")
    sort = (params.get("sort") or "age").strip()
    if sort not in SORTS:
        raise ApplicationError(msg.SORT_UNKNOWN, fields={"sort": [msg.SORT_UNKNOWN]})
    # the list shows neither facts nor verdicts: leave the large JSON columns behind
    return (
        qs.select_related("applicant", "district")
        .defer("facts", "results", "score", "assessment", "failed_conditions")
        .order_by(*SORTS[sort])
    )


def queue_search(qs: QuerySet[Application], text: str) -> QuerySet[Application]:
    """Cases whose tracking code contains ``text``, or whose applicant's name contains it, or
    whose applicant's national code or mobile it is (typed in any digits, with or without
    separators, a mobile also as +98…)."""
    words = normalize_text(str(text))[:100]
    if not words:
        return qs
    condition = (
        Q(tracking_code__icontains=words.upper())
        | Q(applicant__first_name__icontains=words)
        | Q(applicant__last_name__icontains=words)
        | Q(applicant__legal_name__icontains=words)
    )
    parts = words.split(maxsplit=1)
    if len(parts) == 2:  # «first last»
        condition |= Q(applicant__first_name__icontains=parts[0], applicant__last_name__icontains=parts[1])
    digits = words.replace("-", "").replace(" ", "")
    if digits.isdigit():
        condition |= Q(applicant__national_code=digits) | Q(applicant__national_id=digits)
    with suppress(ValidationError):  # not a mobile number: searched as the other fields only
        condition |= Q(applicant__mobile=normalize_mobile(words))
    return qs.filter(condition)


COUNT_CAP = 10_000


def queue_count(qs: QuerySet[Application], cap: int | None = None) -> tuple[int, bool]:
    """The queue's size, counted up to ``cap`` (then ``(cap, True)``: "more than cap").

    An exact COUNT over hundreds of thousands of matching rows grows with the table whatever
    the index (bench/queue_bench.py); nobody pages through 10,000 cases, so the queue stops
    counting there and says "more than".
    """
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by().select_related(None).values("pk")[: cap + 1].count()  # no joins, ids only
    return (cap, True) if found > cap else (found, False)
