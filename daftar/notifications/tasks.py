"""Celery tasks of the notifications app."""

from __future__ import annotations

import time

from celery import shared_task

from .services import kick_mark_clear, outbox_drain, outbox_due, outbox_kick

DRAIN_SECONDS = 60  # one task drains at most this long, then hands over to a fresh one


@shared_task(name="daftar.notifications.tasks.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    """Send what is due until nothing is (a backlog is not left to the 30-second beat); then
    clear the kick mark and look once more (``outbox_kick``); hand over to a new task if
    messages are still due."""
    deadline = time.monotonic() + DRAIN_SECONDS
    sent = 0
    try:
        while True:
            sent += outbox_drain()
            if not outbox_due() or time.monotonic() > deadline:
                break
    finally:
        kick_mark_clear()
    sent += outbox_drain()
    if outbox_due():
        outbox_kick()
    return sent
