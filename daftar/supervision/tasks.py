"""Celery tasks of supervision: six-monthly report reminders and missing-report violations, and
the reminders of notices' response deadlines."""

from __future__ import annotations

from celery import shared_task

from .services import notices_remind, reports_remind


@shared_task(name="daftar.supervision.tasks.remind_reports", ignore_result=True)
def remind_reports() -> dict[str, int]:
    return reports_remind()


@shared_task(name="daftar.supervision.tasks.remind_notices", ignore_result=True)
def remind_notices() -> int:
    return notices_remind()
