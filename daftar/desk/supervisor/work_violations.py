"""The supervisor's "what needs me now" about violations and notices (issue 18 §4): the open
violations no notice cites yet (oldest first) and the notices whose response deadline passed
and still await the licensing authority's decision. ``panels(user)`` is wired into the
dashboard by ``daftar/desk/work.py``; what the user sees is what their desk lists show
(``daftar.supervision.policy``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from daftar.accounts.events import WorkItem, WorkPanel
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.supervision import policy
from daftar.supervision.models import Notice, NoticeStatus, ViolationStatus

OLDEST = 3
ROLE = "supervisor"


def panels(user: object) -> list[WorkPanel]:
    """Empty for anyone who does not supervise offices."""
    if not policy.supervises_anywhere(user):
        return []
    cited = Notice.objects.filter(violations=OuterRef("pk"))
    waiting = (
        policy.violations_for_desk(user)
        .filter(status=ViolationStatus.OPEN)
        .annotate(cited=Exists(cited))
        .filter(cited=False)
        .select_related("violation_type")
        .order_by("observed_at", "pk")
    )
    now = timezone.now()
    late = (
        policy.notices_for_desk(user)
        .filter(status=NoticeStatus.OPEN, response_due__lt=now)
        .order_by("response_due", "pk")
    )
    inbox = reverse("supervisor:violations")
    notices = reverse("supervisor:notices")
    return [
        WorkPanel(
            role=ROLE,
            title="تخلف‌های باز بی‌اخطاریه",
            count=waiting.count(),
            url=f"{inbox}?{urlencode({'status': ViolationStatus.OPEN.value, 'noticed': 'no'})}",
            items=tuple(
                WorkItem(
                    label=f"{persian_digits(v.licence.display_name)}: {v.violation_type.title}",
                    url=reverse("supervisor:violation", args=[v.pk]),
                    note=f"مشاهده در {to_jalali(v.observed_at)}",
                )
                for v in waiting.select_related("licence__office")[:OLDEST]
            ),
            order=30,
            empty_text="همهٔ تخلف‌های باز در اخطاریه‌ای آمده‌اند.",
        ),
        WorkPanel(
            role=ROLE,
            title="اخطاریه‌های منتظر تصمیم پس از پایان مهلت پاسخ",
            count=late.count(),
            url=f"{notices}?{urlencode({'status': 'overdue'})}",
            items=tuple(
                WorkItem(
                    label=f"{persian_digits(n.licence.display_name)}: {n.get_proposed_outcome_display()}",
                    url=reverse("supervisor:notice", args=[n.pk]),
                    due=n.response_due,
                    overdue=True,
                    note="پاسخ رسید" if n.responded_at else "بی‌پاسخ",
                )
                for n in late.select_related("licence__office")[:OLDEST]
            ),
            order=31,
            empty_text="اخطاریه‌ای پس از پایان مهلت در انتظار تصمیم نیست.",
        ),
    ]
