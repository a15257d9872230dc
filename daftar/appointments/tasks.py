"""Celery tasks of appointments: the day-before SMS reminders (beat: every 30 minutes)."""

from __future__ import annotations

from celery import shared_task

from .services import reminders_send


@shared_task(name="daftar.appointments.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    return reminders_send()
