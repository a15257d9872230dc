"""Celery tasks of supervision: six-monthly report reminders and missing-report violations."""

from __future__ import annotations

from celery import shared_task

from .services import reports_remind


@shared_task(name="daftar.supervision.tasks.remind_reports", ignore_result=True)
def remind_reports() -> dict[str, int]:
    return reports_remind()
