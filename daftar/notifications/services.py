"""Writing to the outbox and draining it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .backends import Sms, SmsError, SmsRejected, get_backend
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


def outbox_drain(*, limit: int = 200) -> int:
    """Send up to ``limit`` due messages, one row lock each; return how many were sent.

    A row is locked (``SKIP LOCKED`` on PostgreSQL, so workers share the queue) while it is
    sent and its outcome saved; if the process dies mid-send the transaction rolls back and
    the row is sent again later under the same reference.
    """
    backend = get_backend()
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("id")
                .first()
            )
            if message is None:
                break
            message.attempts += 1
            try:
                backend.send(Sms(reference=str(message.reference), to=message.to, text=message.text))
            except SmsError as exc:
                message.last_error = str(exc)[:500]
                permanent = isinstance(exc, SmsRejected) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
                if permanent:
                    message.status = OutboxStatus.FAILED
                    log.error("sms_failed id=%s error=%s", message.pk, exc)
                else:
                    message.next_attempt_at = timezone.now() + _backoff(message.attempts)
                    log.warning("sms_retry id=%s attempts=%s error=%s", message.pk, message.attempts, exc)
            else:
                message.status = OutboxStatus.SENT
                message.sent_at = timezone.now()
                message.last_error = ""
                if message.sensitive:
                    message.text = REDACTED
                sent += 1
            message.save()
    return sent
