"""The oversight panels of the dashboard's "what needs me now": six-monthly reports awaiting
the supervisor's review, and supervision visits due today or overdue (the supervisor's
municipalities'; an inspector's own). ``panels(user)`` is empty for anyone else; each panel asks
the domains' own policies for what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.events import WorkItem, WorkPanel
from daftar.inspections import policy as inspection_policy
from daftar.inspections.models import InspectionStatus, SupervisionVisit
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.workdays import TEHRAN
from daftar.supervision import policy as supervision_policy
from daftar.supervision.reports import awaiting_review, last_closed_period, period_label

OLDEST = 3


def _reports_panel(user: Any) -> WorkPanel | None:
    if (
        supervision_policy.oversight_municipalities(user, supervision_policy.STAFF_ACTIONS["office_report.accept"])
        == set()
    ):
        return None
    qs = awaiting_review(user)
    items = tuple(
        WorkItem(
            label=f"{r.licence.display_name} — {period_label(r.period)}",
            url=reverse("supervisor:report", args=[r.pk]),
            note=f"فرستاده در {to_jalali(r.submitted_at)}",
        )
        for r in qs.select_related("licence__office")[:OLDEST]
    )
    return WorkPanel(
        role=Role.SUPERVISOR.value,
        title="گزارش‌های شش‌ماههٔ در انتظار بررسی",
        count=qs.count(),
        url=reverse("supervisor:reports") + f"?period={last_closed_period()}&show=submitted",
        items=items,
        order=30,
        empty_text="گزارشی در انتظار بررسی نیست.",
    )


def _due(qs: QuerySet[SupervisionVisit]) -> QuerySet[SupervisionVisit]:
    """Scheduled visits until the end of today (Tehran): today's and the overdue ones."""
    end = dt.datetime.combine(timezone.localdate(), dt.time.max, tzinfo=TEHRAN)
    return qs.filter(status=InspectionStatus.SCHEDULED, scheduled_at__lte=end).order_by("scheduled_at", "pk")


def _visit_items(qs: QuerySet[SupervisionVisit]) -> tuple[WorkItem, ...]:
    now = timezone.now()
    return tuple(
        WorkItem(
            label=f"{v.licence.display_name} ({v.licence.number})",
            url=reverse("inspections:visit", args=[v.pk]),
            due=v.scheduled_at,
            overdue=v.scheduled_at < now,
            note=f"ساعت {to_jalali(v.scheduled_at, with_time=True).split()[-1]}",
        )
        for v in qs.select_related("licence__office")[:OLDEST]
    )


def _visits_panel(user: Any) -> WorkPanel | None:
    if not inspection_policy.may_assign_anywhere(user):
        return None
    qs = _due(inspection_policy.visits_supervised(user))
    return WorkPanel(
        role=Role.SUPERVISOR.value,
        title="بازدیدهای نظارتی امروز و گذشته از زمان",
        count=qs.count(),
        url=reverse("supervisor:visits") + "?status=scheduled",
        items=_visit_items(qs),
        order=31,
        empty_text="بازدیدی برای امروز نمانده است.",
    )


def _inspector_panel(user: Any) -> WorkPanel | None:
    if not inspection_policy.may_record_anywhere(user):
        return None
    qs = _due(inspection_policy.supervision_visits_to_record(user).filter(inspector=user))
    return WorkPanel(
        role=Role.INSPECTOR.value,
        title="بازدیدهای نظارتی شما برای امروز و گذشته از زمان",
        count=qs.count(),
        url=reverse("inspections:list"),
        items=_visit_items(qs),
        order=32,
        empty_text="بازدید نظارتی برای امروز ندارید.",
    )


def panels(user: Any) -> list[WorkPanel]:
    """The oversight panels ``user`` has (none for someone without these roles)."""
    found = (_reports_panel(user), _visits_panel(user), _inspector_panel(user))
    return [p for p in found if p is not None]
