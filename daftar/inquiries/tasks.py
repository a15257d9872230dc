"""Celery tasks of the inquiries.

``run_inquiry`` makes one attempt; when the body did not answer it schedules itself for the
back-off moment. Eager mode (``CELERY_TASK_ALWAYS_EAGER``: the embedded default and the tests)
ignores a countdown and would retry at once, recursively, so there it does not reschedule:
the row stays pending with its ``next_attempt_at`` and waits for ``sweep_inquiries`` (beat,
when a worker runs, or a manual call), or for staff to ask again once it ends in error.

``sweep_inquiries`` is the safety net: it hands over every pending row that is due, such as
one whose worker died mid-call (its lease ran out) or whose hand-over after commit was lost.
Running a row twice is harmless: only one run can claim it.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Inquiry, InquiryStatus
from .services import inquiry_run

log = logging.getLogger(__name__)
# A fresh row is handed over on commit; the sweep leaves it alone this long to avoid a race.
SWEEP_GRACE = dt.timedelta(seconds=60)
SWEEP_LIMIT = 500


def _reschedule(inquiry: Inquiry) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER or inquiry.next_attempt_at is None:
        return
    countdown = max(0.0, (inquiry.next_attempt_at - timezone.now()).total_seconds())
    run_inquiry.apply_async((inquiry.pk,), countdown=countdown)


@shared_task(name="daftar.inquiries.tasks.run_inquiry", ignore_result=True)
def run_inquiry(inquiry_id: int) -> None:
    try:
        inquiry_run(inquiry_id, on_retry=_reschedule)
    except Inquiry.DoesNotExist:
        log.info("inquiry_gone id=%s", inquiry_id)  # its case was deleted


@shared_task(name="daftar.inquiries.tasks.sweep_inquiries", ignore_result=True)
def sweep_inquiries() -> int:
    """Hand over the pending inquiries that are due; return how many."""
    now = timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, requested_at__lte=now - SWEEP_GRACE)
    ids = list(
        Inquiry.objects.filter(due, status=InquiryStatus.PENDING)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for pk in ids:
        run_inquiry.delay(pk)
    return len(ids)
