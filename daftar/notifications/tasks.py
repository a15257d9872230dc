"""Celery tasks of the notifications app."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import shared_task
from django.conf import settings

from daftar.runtime.outage import is_database_unavailable

from .services import kick_mark_clear, outbox_drain, outbox_due, outbox_kick

DRAIN_SECONDS = 60  # one task drains at most this long, then hands over to a fresh one
# A pass that found only a trickle waits this long before the next, so the next claims a batch,
# and a task that found nothing waits so for up to OUTBOX_LINGER_SECONDS before it ends: during a
# burst one task then claims dozens of messages at a time, instead of a task started per kick for
# two or three (issue 7). An SMS leaves at most GATHER_SECONDS later for it.
GATHER_BELOW = 10
GATHER_SECONDS = 0.2
# The database lost mid-drain (issue 8, fault injection): the messages stay in the outbox; the
# task tries again this much later, up to DB_RETRIES times (then the 30-second beat goes on).
DB_RETRY_SECONDS = 5
DB_RETRIES = 12

log = logging.getLogger(__name__)


@shared_task(name="daftar.notifications.tasks.drain_outbox", ignore_result=True, bind=True, max_retries=DB_RETRIES)
def drain_outbox(self: Any) -> int:
    """Send what is due until nothing is, and nothing came for ``OUTBOX_LINGER_SECONDS`` (a
    backlog is not left to the 30-second beat); then clear the kick mark and look once more
    (``outbox_kick``); hand over to a new task if messages are still due. With the database
    unreachable, nothing is lost (the messages are its rows): the task comes back in
    ``DB_RETRY_SECONDS``."""
    try:
        return _drain()
    except Exception as exc:
        if not is_database_unavailable(exc) or self.request.is_eager or self.request.called_directly:
            raise
        log.warning("outbox drain: database unavailable, again in %s s (%s)", DB_RETRY_SECONDS, exc)
        raise self.retry(countdown=DB_RETRY_SECONDS, exc=exc) from None


def _drain() -> int:
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
