"""Writing to the outbox and draining it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .backends import Sms, SmsRejected, get_backend
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
REDACTED = "[پاک‌شده پس از ارسال]"


def outbox_enqueue(*, to: str, text: str, kind: str, sensitive: bool = False) -> OutboxMessage:
    """Queue an SMS. Call inside the transaction of the change that causes it; the drain task
    is handed the work only after that transaction commits."""
    message = OutboxMessage.objects.create(to=to, text=text, kind=kind, sensitive=sensitive)

    def _kick() -> None:
        from .tasks import drain_outbox

        drain_outbox.delay()

    transaction.on_commit(_kick, robust=True)
    return message


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 15 * 2 ** max(0, attempts - 1)))


def _claim() -> OutboxMessage | None:
    """Take the next due message: count the attempt and lease it, then commit.

    The lease (``next_attempt_at`` pushed past the longest send) keeps other workers off it
    while it is sent outside any transaction; if this process dies mid-send the lease runs out
    and the message is sent again under the same reference. Counting the attempt before the
    send means a message that kills its worker still reaches OUTBOX_MAX_ATTEMPTS.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "id")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at"])
        return message


def outbox_drain(*, limit: int = 200) -> int:
    """Send up to ``limit`` due messages; return how many were sent.

    No transaction or row lock is held while a gateway is called (see ``_claim``).
    """
    backend = get_backend()
    sent = 0
    for _ in range(limit):
        message = _claim()
        if message is None:
            break
        update: dict[str, object]
        try:
            backend.send(Sms(reference=str(message.reference), to=message.to, text=message.text))
        except Exception as exc:  # any failure of a backend is recorded, never lost
            permanent = isinstance(exc, SmsRejected) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            update = {"last_error": f"{type(exc).__name__}: {exc}"[:500]}
            if permanent:
                update["status"] = OutboxStatus.FAILED
                log.error("sms_failed id=%s error=%s", message.pk, exc)
            else:
                update["next_attempt_at"] = timezone.now() + _backoff(message.attempts)
                log.warning("sms_retry id=%s attempts=%s error=%s", message.pk, message.attempts, exc)
        else:
            update = {"status": OutboxStatus.SENT, "sent_at": timezone.now(), "last_error": ""}
            if message.sensitive:
                update["text"] = REDACTED
            sent += 1
        OutboxMessage.objects.filter(pk=message.pk).update(**update)
    return sent
