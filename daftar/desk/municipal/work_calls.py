"""The municipality administrator's "what needs me now" of calls and rule sets (issue 18 §4):
calls that open or close within ``SOON`` (so a window can still be fixed, or a close prepared),
and rule-set drafts not yet published. ``panels(user)`` answers a list of ``WorkPanel``s, empty
for someone who administers no municipality; the dashboard's handler (``desk/work.py``) calls it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from daftar.accounts.events import WorkItem, WorkPanel
from daftar.calls import policy as call_policy
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.rules import policy as rule_policy

SOON = dt.timedelta(days=7)
OLDEST = 3
ROLE = "municipality_admin"


def _calls_panel(user: object) -> WorkPanel | None:
    if not call_policy.manages_calls_somewhere(user):
        return None
    now = timezone.now()
    calls = (
        call_policy.managed_calls(user)
        .filter(cancelled=False)
        .filter(
            Q(opens_at__gt=now, opens_at__lte=now + SOON)
            | Q(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + SOON)
        )
        .select_related("municipality")
    )
    rows = sorted(calls, key=lambda c: c.opens_at if c.opens_at > now else c.closes_at)
    items = []
    for call in rows[:OLDEST]:
        opening = call.opens_at > now
        when = call.opens_at if opening else call.closes_at
        verb = "آغاز ثبت‌نام" if opening else "پایان ثبت‌نام"
        items.append(
            WorkItem(
                label=call.title,
                url=reverse("municipal:call_edit" if opening else "municipal:call_close", args=[call.pk]),
                due=when,
                note=f"{verb}: {to_jalali(when, with_time=True)}",
            )
        )
    return WorkPanel(
        role=ROLE,
        title="فراخوان‌هایی که تا یک هفتهٔ دیگر باز یا بسته می‌شوند",
        count=len(rows),
        url=reverse("municipal:calls"),
        items=tuple(items),
        order=60,
        empty_text="در هفتهٔ پیش رو فراخوانی باز یا بسته نمی‌شود.",
    )


def _drafts_panel(user: object) -> WorkPanel | None:
    if not rule_policy.manages_rules_somewhere(user):
        return None
    drafts = list(
        rule_policy.managed_rule_sets(user)
        .filter(published=False)
        .select_related("licence_type")
        .order_by("created_at", "pk")
    )
    items = tuple(
        WorkItem(
            label=f"{d.licence_type.title} — پیش‌نویس نسخهٔ {persian_digits(d.version)}",
            url=reverse("municipal:rule_set", args=[d.pk]),
            due=None,
            note=f"ساخته‌شده در {to_jalali(d.created_at)}",
        )
        for d in drafts[:OLDEST]
    )
    return WorkPanel(
        role=ROLE,
        title="پیش‌نویس‌های قواعد که هنوز منتشر نشده‌اند",
        count=len(drafts),
        url=reverse("municipal:rule_sets"),
        items=items,
        order=61,
        empty_text="پیش‌نویس منتشرنشده‌ای نیست.",
    )


def panels(user: object) -> list[WorkPanel]:
    return [p for p in (_calls_panel(user), _drafts_panel(user)) if p is not None]
