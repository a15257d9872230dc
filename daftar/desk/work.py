"""The dashboard's "what needs me now" (issue 18 §4): each role's counts and oldest items with
their legal deadlines, linked. Answers ``accounts.events.WorkWanted``; every panel asks the
domain's own selectors and policy for what the user may see, so it shows nothing the pages
would not (a panel whose role the user lacks answers nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from daftar.accounts.events import WorkItem, WorkPanel, WorkWanted
from daftar.accounts.policy import holds_anywhere
from daftar.applications.selectors import is_overdue, is_staff_for, queue, queue_count
from daftar.kernel.events import handles

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


# Every role's panels, in the dashboard's order. The role pages' own modules add theirs here.
PROVIDERS: list[PanelsOf] = [case_panels]


@handles(WorkWanted)
def work_panels(event: WorkWanted) -> list[WorkPanel]:
    panels: list[WorkPanel] = []
    for provider in PROVIDERS:
        panels.extend(provider(event.user))
    return sorted(panels, key=lambda p: p.order)
