"""The supervisors are reminded of a complaint's due time, and told when it passed unanswered
(review of issue 21 §3 and §4: a complaint's clock had no consequence at all).

Run by the beat (``remind-complaints``, hourly, from ``COMPLAINT_REMINDER_HOUR`` Tehran time):

- **before**: an unanswered complaint (received or reopened) whose due time is at most
  ``COMPLAINT_REMINDER_WORKING_DAYS`` working days away on the municipality's calendar
  (example 1) gets ``complaint_due_reminder``, once (``reminded_at``);
- **after**: one whose due time has passed gets ``complaint_overdue``, once (``overdue_told_at``).

Both go to every supervisor of the complaint's municipality (the role that answers complaints,
``workflow.ANSWERERS``), never to the complainant if they happen to hold the role. Each
complaint is claimed with a conditional update in the transaction of its messages, so two runs
at once tell it once; a reopening clears both marks with its new clock (``services``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from daftar.accounts.policy import people_holding
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.workdays import TEHRAN, WorkCalendar, calendar_for
from daftar.notifications.services import notify

from . import sms
from .models import Complaint
from .workflow import ANSWERERS, ComplaintStatus

OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED)
BATCH = 500


def _open() -> QuerySet[Complaint]:
    return Complaint.objects.filter(status__in=OPEN)


def _about(complaint: Complaint) -> str:
    if complaint.application is not None:
        return f"پروندهٔ {complaint.application.tracking_code or ''}".strip()
    office = complaint.office
    return f"دفتر «{office.display_name}»" if office else ""


def _tell(complaint: Complaint, key: str) -> int:
    people = people_holding(ANSWERERS, [complaint.municipality_id]).exclude(pk=complaint.complainant_id)
    values: dict[str, Any] = {
        "code": complaint.tracking_code,
        "ground": complaint.ground_label,
        "about": _about(complaint),
        "due": to_jalali(complaint.due, with_time=True),
    }
    told = 0
    for person in people:
        if notify(key, to=person, municipality=complaint.municipality_id, **values):
            told += 1
    return told


def complaints_remind(now: dt.datetime | None = None) -> int:
    """Remind and tell as the module says; return the complaints handled."""
    now = now or timezone.now()
    if now.astimezone(TEHRAN).hour < settings.COMPLAINT_REMINDER_HOUR:
        return 0
    handled = 0
    related = ("municipality", "application", "office")
    # after: the due time passed and nobody answered
    for complaint in _open().filter(due__lte=now, overdue_told_at__isnull=True).select_related(*related)[:BATCH]:
        with transaction.atomic():
            if _open().filter(pk=complaint.pk, due__lte=now, overdue_told_at__isnull=True).update(overdue_told_at=now):
                _tell(complaint, sms.OVERDUE.key)
                handled += 1
    # before: near the due time, not yet reminded
    days = settings.COMPLAINT_REMINDER_WORKING_DAYS
    calendars: dict[int, WorkCalendar] = {}
    near = _open().filter(due__gt=now, reminded_at__isnull=True).select_related(*related).order_by("due", "pk")
    for complaint in near[:BATCH]:
        calendar = calendars.get(complaint.municipality_id)
        if calendar is None:
            calendar = calendars[complaint.municipality_id] = calendar_for(complaint.municipality)
        if calendar.working_days_between(now, complaint.due) > days:
            continue
        with transaction.atomic():
            if _open().filter(pk=complaint.pk, due__gt=now, reminded_at__isnull=True).update(reminded_at=now):
                _tell(complaint, sms.DUE_REMINDER.key)
                handled += 1
    return handled
