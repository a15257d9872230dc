"""The dashboard's "what needs me now" (issue 18 §4): each role's counts and oldest items with
their legal deadlines, linked. Answers ``accounts.events.WorkWanted``; every panel asks the
domain's own selectors and policy for what the user may see, so it shows nothing the pages
would not (a panel whose role the user lacks answers nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from daftar.accounts.constants import STAFF_ROLES
from daftar.accounts.events import STAFF_PANEL_APPS, WorkItem, WorkPanel, WorkScopes, WorkWanted
from daftar.accounts.policy import holds_anywhere, municipalities_where
from daftar.applications.presenters import appointments_for, missing_documents, next_step, requirements_for
from daftar.applications.selectors import is_overdue, is_staff_for, my_cases, queue, queue_count
from daftar.applications.workflow import FINAL
from daftar.appointments.models import Appointment
from daftar.appointments.workflow import AppointmentStatus
from daftar.kernel.events import handles
from daftar.kernel.normalize import persian_number
from daftar.licences.models import Licence
from daftar.offices import policy as offices_policy
from daftar.offices.models import OfficeStaff
from daftar.supervision import policy as supervision_policy
from daftar.supervision.models import NoticeStatus, OfficeReport
from daftar.supervision.presenters import period_title
from daftar.supervision.services import SUPERVISABLE, period_bounds, period_of

from .authority import work as authority_work
from .municipal import work_calendar, work_calls
from .supervisor import work_oversight, work_violations

# The number of oldest items each panel lists.
OLDEST = 3

PanelsOf = Callable[[Any], list[WorkPanel]]


def case_panels(user: Any) -> list[WorkPanel]:
    """The cases the user's roles work on now (the work queue's default view), oldest deadline
    first: for reviewers, examiners, inspectors (and whoever else the queue serves)."""
    if not is_staff_for(user) or not holds_anywhere(user, {"reviewer", "examiner", "inspector"}):
        return []
    qs = queue(user, {"sort": "deadline"})
    count, _capped = queue_count(qs, cap=1000)
    now = timezone.now()
    oldest = qs.exclude(due_at__isnull=True)[:OLDEST]
    items = tuple(
        WorkItem(
            label=f"پروندهٔ {a.tracking_code or a.pk} — {a.applicant.display_name} ({a.get_status_display()})",
            url=reverse("applications:detail", args=[a.pk]),
            due=a.due_at,
            overdue=is_overdue(a, now),
        )
        for a in oldest
    )
    return [
        WorkPanel(
            role="case_staff",
            title="پرونده‌های در صف کار شما",
            count=count,
            url=reverse("applications:queue"),
            items=items,
            order=10,
            empty_text="پرونده‌ای در صف کار شما نیست.",
        )
    ]


def applicant_panels(user: Any) -> list[WorkPanel]:
    """The applicant's own open cases: each one's status and next step in words (issue 19 §4)."""
    cases = list(
        my_cases(user)
        .exclude(status__in=FINAL)
        .select_related("call__licence_type")
        .prefetch_related("documents")
        .order_by("-created_at")
    )
    if not cases:
        return []
    items = []
    appointments = appointments_for(cases[:OLDEST])  # the exams and interviews to attend
    for a in cases[:OLDEST]:
        missing = missing_documents(a, list(a.documents.all()), requirements_for(a))
        step = next_step(a, missing, appointments.get(a.pk, []))
        items.append(
            WorkItem(
                label=f"{a.call.title} ({a.get_status_display()}) — {step}",
                url=reverse("applications:detail", args=[a.pk]),
                due=a.call.closes_at if a.status == "draft" else a.due_at,
            )
        )
    return [
        WorkPanel(
            role="applicant",
            title="پرونده‌های شما",
            count=len(cases),
            url=reverse("applications:mine"),
            items=tuple(items),
            order=4,
            empty_text="پروندهٔ بازی ندارید.",
        )
    ]


def holder_panels(user: Any) -> list[WorkPanel]:
    """A licence holder's supervision: notices to answer before their deadline (P5) and the
    current half-year's report, due by its last day."""
    licences = list(
        Licence.objects.filter(holder=user, status__in=SUPERVISABLE).select_related("office").order_by("pk")
    )
    if not licences:
        return []
    now = timezone.now()
    to_answer = list(
        supervision_policy.visible_notices(user)
        .filter(licence__in=licences, status=NoticeStatus.OPEN, responded_at__isnull=True, response_due__gte=now)
        .select_related("licence__office")
        .order_by("response_due")
    )
    items = [
        WorkItem(
            label=f"پاسخ به اخطاریهٔ {n.get_proposed_outcome_display()} — {n.licence.display_name}",
            url=reverse("supervision:notice", args=[n.pk]),
            due=n.response_due,
        )
        for n in to_answer[:OLDEST]
    ]
    period = period_of(timezone.localdate())
    _start, end = period_bounds(period)
    filed = set(OfficeReport.objects.filter(licence__in=licences, period=period).values_list("licence_id", flat=True))
    unfiled = [lic for lic in licences if lic.pk not in filed]
    items += [
        WorkItem(
            label=f"گزارش شش‌ماههٔ {period_title(period)} — {lic.display_name}",
            url=reverse("supervision:mine"),
            due=end,
        )
        for lic in unfiled[: max(0, OLDEST - len(items))]
    ]
    return [
        WorkPanel(
            role="holder",
            title="نظارت بر دفتر شما",
            count=len(to_answer) + len(unfiled),
            url=reverse("supervision:mine"),
            items=tuple(items),
            order=5,
            empty_text="اخطاریهٔ بی‌پاسخ یا گزارش عقب‌افتاده‌ای ندارید.",
        )
    ]


def office_panels(user: Any) -> list[WorkPanel]:
    """Today at the offices the user works at: the bookings still to serve."""
    memberships = list(offices_policy.memberships(user).select_related("office").order_by("office__name"))
    if not memberships:
        return []
    today = timezone.localdate()
    waiting = dict(
        Appointment.objects.filter(
            office__in=[m.office for m in memberships], day=today, status=AppointmentStatus.BOOKED
        )
        .values_list("office")
        .annotate(n=Count("pk"))
        .values_list("office", "n")
    )
    items = tuple(
        WorkItem(
            label=f"{m.office.display_name}: {persian_number(waiting.get(m.office_id, 0))} نوبت امروز",
            url=reverse("appointments:office_day", args=[m.office_id]),
        )
        for m in memberships[:OLDEST]
    )
    return [
        WorkPanel(
            role="office",
            title="نوبت‌های امروز دفتر",
            count=sum(waiting.values()),
            url=reverse("offices:mine"),
            items=items,
            order=6,
            empty_text="امروز نوبتی در انتظار نیست.",
        )
    ]


# Every role's panels, in the dashboard's order. The role pages' own modules add theirs here.
PROVIDERS: list[PanelsOf] = [
    applicant_panels,
    case_panels,
    holder_panels,
    office_panels,
    authority_work.panels,
    work_violations.panels,
    work_oversight.panels,
    work_calls.panels,
    work_calendar.panels,
]


@handles(WorkWanted)
def work_panels(event: WorkWanted) -> list[WorkPanel]:
    panels: list[WorkPanel] = []
    for provider in PROVIDERS:
        panels.extend(provider(event.user))
    return sorted(panels, key=lambda p: p.order)


@handles(WorkScopes)
def work_scopes(event: WorkScopes) -> list[str]:
    """What the panels above show of each app, for the dashboard's page cache (decision 0055):
    the municipalities of the user's staff roles (everything for a platform admin), their own
    open cases with their documents and their municipality's exams, calls and rules, the
    licences they hold with their offices and supervision, and the offices they work at with
    their bookings. Four small queries, however large the country, kept by the dashboard while
    the person's own rows stay the same (``accounts.views``). A provider added to ``PROVIDERS``
    names here what it shows."""
    user: Any = event.user
    ids = municipalities_where(user, STAFF_ROLES)
    names = list(STAFF_PANEL_APPS) if ids is None else [f"{app}:m{m}" for app in STAFF_PANEL_APPS for m in sorted(ids)]
    names.append(f"applications:u{user.pk}")
    for case, municipality in my_cases(user).exclude(status__in=FINAL).values_list("pk", "municipality_id"):
        names.append(f"documents:case{case}")
        names += [f"assessments:m{municipality}", f"calls:m{municipality}", f"rules:m{municipality}"]
    held = Licence.objects.filter(holder=user, status__in=SUPERVISABLE).values_list("pk", flat=True)
    names += [name for pk in held for name in (f"supervision:l{pk}", f"offices:l{pk}")]
    # every office they are or were staff of: an office closed and opened again moves no row of
    # theirs, and naming one too many costs nothing but a rebuild
    offices = OfficeStaff.objects.filter(user=user).values_list("office_id", flat=True)
    names += [name for pk in offices for name in (f"appointments:o{pk}", f"offices:o{pk}")]
    return names
