"""Celery tasks of the notifications app."""

from __future__ import annotations

from celery import shared_task

from .services import outbox_drain


@shared_task(name="daftar.notifications.tasks.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    return outbox_drain()
