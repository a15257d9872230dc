"""Celery tasks of the hall queue: the end of each day's queue (beat: every 30 minutes)."""

from __future__ import annotations

from celery import shared_task

from .services import close_days as _close_days


@shared_task(name="daftar.hall.tasks.close_days", ignore_result=True)
def close_days() -> int:
    return _close_days()
