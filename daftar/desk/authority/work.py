"""The licensing authority's "what needs me now" on the dashboard (issue 18 §4): how many cases
await its approval or issue, how many licences are due for renewal and how many notices await
its decision, each with the oldest few and their legal deadlines, linked. ``daftar/desk/work.py``
gathers it with the other roles' panels."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.events import WorkItem, WorkPanel
from daftar.kernel.jalali import to_jalali
from daftar.licences import policy as licence_policy
from daftar.supervision import policy as supervision_policy

from . import queue as waiting
from .notices import decidable, step_words

OLDEST = 3
ROLE = Role.LICENSING_AUTHORITY.value


def _item(row: waiting.Waiting) -> WorkItem:
    return WorkItem(
        label=f"{row.code} — {row.person}",
        url=row.url,
        due=row.due,
        overdue=row.overdue,
        note=row.awaited if not row.note else f"{row.awaited}؛ {row.note}",
    )


def _cases(user: Any, sizes: dict[str, int]) -> WorkPanel:
    rows = waiting.oldest(user, (waiting.APPROVE, waiting.ISSUE), OLDEST)
    return WorkPanel(
        role=ROLE,
        title="پرونده‌های در انتظار تأیید یا صدور مجوز",
        count=sizes[waiting.APPROVE] + sizes[waiting.ISSUE],
        url=reverse("authority:decisions"),
        items=tuple(_item(r) for r in rows),
        order=20,
        empty_text="پرونده‌ای در انتظار تأیید یا صدور نیست.",
    )


def _renewals(user: Any, sizes: dict[str, int]) -> WorkPanel:
    rows = waiting.oldest(user, (waiting.RENEW,), OLDEST)
    return WorkPanel(
        role=ROLE,
        title="مجوزهای در آستانهٔ تمدید",
        count=sizes[waiting.RENEW],
        url=reverse("authority:decisions") + "?kind=renew",
        items=tuple(_item(r) for r in rows),
        order=21,
        empty_text="مجوزی در مهلت تمدید نیست.",
    )


def _notices(user: Any) -> WorkPanel:
    qs = supervision_policy.awaiting_decision(user).select_related("licence__office").order_by("response_due", "pk")
    now = timezone.now()
    items = []
    for notice in qs[:OLDEST]:
        ready, _why = decidable(notice, now)
        step = step_words(notice.ladder_position, notice.proposed_outcome, notice.proposed_suspension_days)
        when = "آمادهٔ تصمیم" if ready else f"مهلت پاسخ دفتر تا {to_jalali(notice.response_due, with_time=True)}"
        items.append(
            WorkItem(
                label=f"{notice.licence.number} — {notice.licence.display_name}",
                url=reverse("authority:notice", args=[notice.pk]),
                due=notice.response_due,
                overdue=False,
                note=f"{step}؛ {when}",
            )
        )
    return WorkPanel(
        role=ROLE,
        title="اخطاریه‌های در انتظار تصمیم",
        count=qs.count(),
        url=reverse("authority:notices"),
        items=tuple(items),
        order=22,
        empty_text="اخطاریه‌ای در انتظار تصمیم نیست.",
    )


def panels(user: Any) -> list[WorkPanel]:
    """The licensing authority's panels; none for whoever does not hold the role (a platform
    superuser included: licence and notice decisions are the municipality's, ``platform=False``)."""
    if not licence_policy.acting_municipalities(user):
        return []
    sizes = waiting.counts(user)
    return [_cases(user, sizes), _renewals(user, sizes), _notices(user)]
