"""The complaints' timer (beat ``remind-complaints``): reminders before a complaint's due time
and word when it passed unanswered (``reminders.py``)."""

from __future__ import annotations

from celery import shared_task

from .reminders import complaints_remind


@shared_task(name="daftar.complaints.tasks.remind_complaints", ignore_result=True)
def remind_complaints() -> int:
    return complaints_remind()
