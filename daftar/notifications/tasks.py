"""Celery tasks of the notifications app."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from .services import kick_mark_clear, outbox_drain, outbox_due, outbox_kick

DRAIN_SECONDS = 60  # one task drains at most this long, then hands over to a fresh one
# A pass that found only a trickle waits this long before the next, so the next claims a batch,
# and a task that found nothing waits so for up to OUTBOX_LINGER_SECONDS before it ends: during a
# burst one task then claims dozens of messages at a time, instead of a task started per kick for
# two or three (issue 7). An SMS leaves at most GATHER_SECONDS later for it.
GATHER_BELOW = 10
GATHER_SECONDS = 0.2


@shared_task(name="daftar.notifications.tasks.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    """Send what is due until nothing is, and nothing came for ``OUTBOX_LINGER_SECONDS`` (a
    backlog is not left to the 30-second beat); then clear the kick mark and look once more
    (``outbox_kick``); hand over to a new task if messages are still due."""
    deadline = time.monotonic() + DRAIN_SECONDS
    linger = settings.OUTBOX_LINGER_SECONDS
    sent, quiet = 0, 0.0
    try:
        while time.monotonic() < deadline:
            passed = outbox_drain()
            sent += passed
            if passed:
                quiet = 0.0
            elif quiet >= linger:
                break  # dry for longer than the linger (at once without one)
            else:
                quiet += GATHER_SECONDS
            if linger and passed < GATHER_BELOW:
                time.sleep(GATHER_SECONDS)
    finally:
        kick_mark_clear()
    sent += outbox_drain()
    if outbox_due():
        outbox_kick()
    return sent
