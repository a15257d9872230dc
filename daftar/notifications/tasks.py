"""Celery tasks of the notifications app."""

from __future__ import annotations

from celery import shared_task

from .services import kick_mark_clear, outbox_drain


@shared_task(name="daftar.notifications.tasks.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    """Send what is due; then clear the kick mark and look once more (``outbox_kick``)."""
    try:
        sent = outbox_drain()
    finally:
        kick_mark_clear()
    return sent + outbox_drain()
