"""Celery tasks of licences: the hourly sweep of suspensions and expiries (``moves``) and the
daily renewal reminders (``reminders``)."""

from __future__ import annotations

from celery import shared_task

from .moves import licences_sweep
from .reminders import licence_reminders_send


@shared_task(name="daftar.licences.tasks.sweep_licences", ignore_result=True)
def sweep_licences() -> dict[str, int]:
    return licences_sweep()


@shared_task(name="daftar.licences.tasks.remind_renewals", ignore_result=True)
def remind_renewals() -> dict[str, int]:
    return licence_reminders_send()
