"""Celery tasks of the national portal connector.

``deliver_message`` makes one attempt at one message (handed over on commit). ``sweep_portal``
(beat) sends every message whose next attempt is due: the retry loop with back-off, and the
safety net for a hand-over lost to a crash. ``pull_portal_applications`` (beat) imports the
applications filed on the portal. Running any of them twice is harmless.
"""

from __future__ import annotations

import logging

from celery import shared_task

from .adapters import PortalUnavailable
from .services import portal_deliver, portal_due, portal_import

log = logging.getLogger(__name__)


@shared_task(name="daftar.portal.tasks.deliver_message", ignore_result=True)
def deliver_message(message_id: int) -> bool:
    return portal_deliver(message_id)


@shared_task(name="daftar.portal.tasks.sweep_portal", ignore_result=True)
def sweep_portal() -> int:
    """Every due message, oldest first; how many went through."""
    return sum(1 for pk in portal_due() if portal_deliver(pk))


@shared_task(name="daftar.portal.tasks.pull_portal_applications", ignore_result=True)
def pull_portal_applications() -> int:
    """New cases from the portal's applications; how many were created."""
    try:
        result = portal_import()
    except PortalUnavailable as exc:
        log.warning("portal_pull_failed error=%s", exc)
        return 0
    log.info("portal_pull created=%s known=%s refused=%s", len(result.created), len(result.known), len(result.refused))
    return len(result.created)
