"""Writing to the outbox and draining it.

A message's status moves only through its declared lifecycle (``lifecycle.OUTBOX``, the
system's moves ``send``, ``fail`` and ``expire``). For speed under the claim's lease the drain
writes them with bulk ``.update()`` statements; each names the move it performs and starts from
the move's source states (``sources``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, F, TextField, Value, When
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits_in_text
from daftar.municipalities.models import Municipality
from daftar.runtime.housekeeping import delete_in_batches

from . import texts
from .backends import Sms, SmsError, SmsRejected, get_backend
from .backends.providers import worst_send_seconds as providers_worst_send_seconds
from .models import MessageText, OutboxMessage, OutboxStatus
from .workflow import EXPIRE, FAIL, OUTBOX, SEND, sources

log = logging.getLogger(__name__)
REDACTED = "[پاک‌شده پس از ارسال]"


# One drain task at a time is enough: a kick while one is queued or running is dropped (issue 7:
# a burst of 300 drafts a second queued 300 tasks, each paying a broker round trip on the web
# side and a task start on the worker). The task clears the mark, then drains once more, so a
# message whose kick was dropped is always seen by a pass that starts after it committed; if the
# worker dies, the mark expires after KICK_SECONDS and the beat's drain (every 30 s) is the net.
KICK_MARK = "outbox:kick"
KICK_SECONDS = 30
# A task this process queued itself starts after its kick and drains until nothing has come for
# OUTBOX_LINGER_SECONDS, so a message committed within half that time of such a kick is seen by
# that task without asking Redis again (issue 7: one round trip fewer per message in a burst).
_own_kick = {"at": -1e9}


def outbox_kick() -> None:
    """Hand the drain to a worker unless a drain is already on its way."""
    from .tasks import drain_outbox  # tasks imports this module (its task drains with it): a cycle

    linger = settings.OUTBOX_LINGER_SECONDS
    if linger and time.monotonic() - _own_kick["at"] < linger / 2:
        return
    try:
        first = cache.add(KICK_MARK, 1, timeout=KICK_SECONDS)
    except Exception:  # the cache is down: kick anyway
        log.warning("outbox: kick mark unavailable", exc_info=True)
        first = True
    if first:
        drain_outbox.delay()
        _own_kick["at"] = time.monotonic()  # only once a task is really queued


def kick_mark_clear() -> None:
    try:
        cache.delete(KICK_MARK)
    except Exception:
        log.warning("outbox: kick mark unavailable", exc_info=True)


def sms_text(text: str) -> str:
    """Every SMS in Persian digits («رمز ورود شما ۸۶۰۳۲۲»), whichever caller built it; a word
    with Latin letters (a tracking or booking code) keeps its digits so it can be typed back."""
    return persian_digits_in_text(text)


def outbox_enqueue(
    *,
    to: str,
    text: str,
    kind: str,
    sensitive: bool = False,
    recipient: Any = None,
    municipality: Any = None,
) -> OutboxMessage:
    """Queue an SMS. Call inside the transaction of the change that causes it; the drain task
    is handed the work only after that transaction commits. ``recipient`` (the person's account)
    and ``municipality`` place it on the person's messages page and in the municipality's log.
    A lifecycle message is sent with ``notify``, which fills its editable text."""
    message = outbox_message(
        to=to, text=text, kind=kind, sensitive=sensitive, recipient=recipient, municipality=municipality
    )
    message.save(force_insert=True)
    return message


def outbox_message(
    *,
    to: str,
    text: str,
    kind: str,
    sensitive: bool = False,
    recipient: Any = None,
    municipality: Any = None,
) -> OutboxMessage:
    """``outbox_enqueue`` for a caller that inserts the row itself, with its other new rows
    (``daftar.runtime.inserts.insert_rows``), inside ``transaction.atomic``: the unsaved message,
    its drain kick set to follow the commit (dropped with the transaction if it rolls back)."""
    transaction.on_commit(outbox_kick, robust=True)
    return OutboxMessage(
        to=to,
        text=sms_text(text),
        kind=kind,
        sensitive=sensitive,
        recipient_id=getattr(recipient, "pk", recipient),
        municipality_id=getattr(municipality, "pk", municipality),
    )


def notify(
    key: str,
    *,
    to: Any,
    municipality: Any = None,
    sensitive: bool = False,
    save: bool = True,
    **values: Any,
) -> OutboxMessage | None:
    """Queue the declared SMS ``key`` (``texts.define``) for ``to``: a person (their account and
    mobile) or a bare mobile number, with the municipality's version of its text. A person with
    no mobile gets nothing (``None``). ``save=False`` hands back the unsaved row, as
    ``outbox_message`` does."""
    if isinstance(to, str):
        mobile, recipient = to, None
    else:
        mobile, recipient = getattr(to, "mobile", "") or "", to
    if not mobile:
        return None
    body = texts.render(key, municipality, **values)
    make = outbox_enqueue if save else outbox_message
    return make(to=mobile, text=body, kind=key, sensitive=sensitive, recipient=recipient, municipality=municipality)


# --- the administrator's versions of the texts ------------------------------------------------------


def _texts_of(key: str, municipality_id: int | None) -> Any:
    rows = MessageText.objects.filter(key=key)
    return (
        rows.filter(municipality__isnull=True)
        if municipality_id is None
        else rows.filter(municipality_id=municipality_id)
    )


def _municipality(given: Any) -> Any:
    """A municipality from itself or its id (``None``: the installation)."""
    if given is None or isinstance(given, Municipality):
        return given
    return Municipality.objects.get(pk=given)


def text_save(*, key: str, municipality: Any, body: str, actor: Any) -> MessageText:
    """Store ``municipality``'s version of the SMS ``key`` (``None``: the installation's),
    checked (``texts.check``), audited."""
    cleaned = texts.check(key, body)
    municipality = _municipality(municipality)
    municipality_id = getattr(municipality, "pk", None)
    if municipality_id is not None and not texts.spec(key).municipal:
        raise ApplicationError("این پیامک تنها متن سراسری سامانه را دارد.", code="not_found", status=404)
    with transaction.atomic():
        row = _texts_of(key, municipality_id).select_for_update().first()
        before = row.text if row else texts.current(key, municipality_id)[0]
        if row is None:
            try:  # two first saves at once: the second finds the first's row and updates it
                with transaction.atomic():
                    row = MessageText.objects.create(
                        key=key, municipality_id=municipality_id, text=cleaned, updated_by=actor
                    )
            except IntegrityError:
                row = _texts_of(key, municipality_id).select_for_update().get()
                before = row.text
        row.text, row.updated_by, row.updated_at = cleaned, actor, timezone.now()
        row.save()
        audit_record(
            actor=actor,
            action="sms_text.save",
            obj=row,
            municipality=municipality,
            data={"key": key, "before": before, "after": cleaned},
        )
    texts.cache_clear()
    return row


def text_reset(*, key: str, municipality: Any, actor: Any) -> bool:
    """Drop ``municipality``'s version of ``key`` (back to the installation's or the default).
    False when there was none."""
    texts.spec(key)
    municipality = _municipality(municipality)
    municipality_id = getattr(municipality, "pk", None)
    with transaction.atomic():
        row = _texts_of(key, municipality_id).select_for_update().first()
        if row is None:
            return False
        audit_record(
            actor=actor,
            action="sms_text.reset",
            obj=row,
            municipality=municipality,
            data={"key": key, "before": row.text},
        )
        row.delete()
    texts.cache_clear()
    return True


def _backoff(attempts: int) -> dt.timedelta:
    base = getattr(settings, "OUTBOX_RETRY_SECONDS", 15)
    return dt.timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


CLAIM_BATCH = 50


def _claim(limit: int = 1) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages: count the attempt and lease them, then commit.

    The lease (``next_attempt_at`` pushed past the longest send) keeps other workers off them
    while they are sent outside any transaction; if this process dies mid-send the lease runs
    out and the unsent messages are sent again under the same reference. Counting the attempt
    before the send means a message that kills its worker still reaches OUTBOX_MAX_ATTEMPTS.
    A batch costs two statements however many messages it holds (issue 7).
    """
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not messages:
            return []
        lease = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            attempts=F("attempts") + 1, next_attempt_at=lease
        )
        for message in messages:
            message.attempts += 1
            message.next_attempt_at = lease
        return messages


RECORD_EVERY = 10  # sent messages whose outcome is written together (one UPDATE, one commit)


def outbox_drain(*, limit: int = 200) -> int:
    """Send up to ``limit`` due messages; return how many were sent.

    Messages are claimed in batches (``_claim``). A failure is written at once; successes are
    written together, every ``RECORD_EVERY`` sends and at the end of a batch (issue 7: one
    commit per message cost the worker more than the send), except a sensitive one (a
    one-time code), written at once. A worker that dies mid-batch therefore sends at most
    ``RECORD_EVERY`` ordinary messages again once their lease runs out, each under its same
    reference, which the gateway uses to drop the repeat (``backends``; the file backend
    does). A batch whose lease is running out is left for a later claim. No transaction or row
    lock is held while a gateway is called.
    """
    backend = get_backend()
    sent = 0
    left = limit
    while left > 0:
        batch = _claim(min(CLAIM_BATCH, left))
        if not batch:
            break
        left -= len(batch)
        done: list[OutboxMessage] = []
        try:
            for index, message in enumerate(batch):
                if timezone.now() >= message.next_attempt_at - dt.timedelta(seconds=_lease_margin()):
                    _release(batch[index:])  # the lease is nearly over: give the rest back untouched
                    return sent
                if _stale_secret(message):
                    continue  # a one-time code older than its own life: never sent (recorded)
                outcome = _send(backend, message)
                if outcome is GATEWAY_DOWN:
                    # the gateway is unavailable: the rest of the batch waits (its attempts not
                    # counted) instead of each being tried in turn against a gateway that is
                    # down (issue 8, fault injection) -- but only the first retry wait, and due
                    # just before this message, whose own back-off may be long: one message
                    # the gateway keeps refusing must not hold the others back (review)
                    retry = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)
                    until = min(retry, message.next_attempt_at) - dt.timedelta(milliseconds=1)
                    _release(batch[index + 1 :], until=until)
                    return sent
                if outcome:
                    done.append(message)
                    sent += 1
                    # a one-time code is recorded (and its text redacted) at once: it is never
                    # sent twice after a crash, nor kept readable a moment longer than needed
                    if len(done) >= RECORD_EVERY or message.sensitive:
                        _record_sent(done)
        finally:
            _record_sent(done)  # what was sent before a return, the batch's end or an error
    return sent


def _record_sent(messages: list[OutboxMessage]) -> None:
    """Mark sent messages as sent in one statement (a sensitive one's text redacted), then empty
    the list, which holds the messages sent since the last record."""
    if not messages:
        return
    now = timezone.now()
    # the move ``send`` (pending -> sent) for the whole list, in one statement
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], status__in=sources(SEND)).update(
        status=SEND.target,
        sent_at=now,
        last_error="",
        text=Case(When(sensitive=True, then=Value(REDACTED)), default=F("text"), output_field=TextField()),
    )
    for message in messages:
        OUTBOX.enter(message, SEND)
        message.sent_at, message.last_error = now, ""
        if message.sensitive:
            message.text = REDACTED
    messages.clear()


def _release(messages: list[OutboxMessage], until: dt.datetime | None = None) -> None:
    """Unsent messages of a claimed batch go back as they were: due now (or ``until``), the
    attempt that never happened not counted (only those still under this batch's lease)."""
    if not messages:
        return
    lease = messages[0].next_attempt_at
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], status=OutboxStatus.PENDING, next_attempt_at=lease
    ).update(attempts=F("attempts") - 1, next_attempt_at=until or timezone.now())


def outbox_due() -> bool:
    """Is any message waiting to be sent now?"""
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()).exists()


def worst_send_seconds() -> float:
    """The longest one gateway call can take: the HTTP backend's tries, each up to its connect
    and read time-outs, with the back-off sleeps between them (other backends: a few seconds)."""
    if settings.SMS_BACKEND == "providers":  # each provider once (backends/providers.py)
        return providers_worst_send_seconds()
    if settings.SMS_BACKEND != "http":
        return 5.0
    tries = settings.SMS_HTTP_RETRIES + 1
    return tries * 2 * float(settings.SMS_HTTP_TIMEOUT) + 0.5 * (2 ** max(0, tries - 1) - 1)


def _lease_margin() -> float:
    """Seconds before a batch's lease ends at which its unsent rest is given back: one
    worst-case send and 5 s more, so a send started before the margin ends inside the lease
    (another worker cannot claim the message while it is being sent), at most half the lease
    (``checks.outbox_lease_fits_a_send`` warns when a lease is too short for that)."""
    return min(worst_send_seconds() + 5.0, settings.OUTBOX_LEASE_SECONDS / 2)


def _stale_secret(message: OutboxMessage) -> bool:
    """A one-time code the gateway could not take while it lived (OTP_TTL_SECONDS): sending it
    now would only confuse; it is marked failed and its text redacted, as a sent one is."""
    if not message.sensitive:
        return False
    if timezone.now() - message.created_at <= dt.timedelta(seconds=settings.OTP_TTL_SECONDS):
        return False
    # the move ``expire`` (pending -> failed)
    OutboxMessage.objects.filter(pk=message.pk, status__in=sources(EXPIRE)).update(
        status=EXPIRE.target, text=REDACTED, last_error="expired before it could be sent"
    )
    log.warning("sms_expired id=%s", message.pk)
    return True


class _GatewayDown:
    """``_send``'s answer when the gateway could not be reached or answered a temporary error
    (``SmsError``, not a refusal): falsy, like a failure."""

    def __bool__(self) -> bool:
        return False


GATEWAY_DOWN = _GatewayDown()


def _send(backend: Any, message: OutboxMessage) -> bool | _GatewayDown:
    """Hand one message to the gateway: True when it took it (the caller records that, see
    ``outbox_drain``); a failure is recorded here, at once (``GATEWAY_DOWN`` for a temporary
    one of the gateway, whose next try is ``message.next_attempt_at``)."""
    update: dict[str, object]
    lease = message.next_attempt_at
    try:
        backend.send(Sms(reference=str(message.reference), to=message.to, text=message.text, kind=message.kind))
    except Exception as exc:  # any failure of a backend is recorded, never lost
        permanent = isinstance(exc, SmsRejected) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        update = {"last_error": f"{type(exc).__name__}: {exc}"[:500]}
        if permanent:  # the move ``fail`` (pending -> failed), written below
            update["status"] = FAIL.target
            if message.sensitive:
                update["text"] = REDACTED  # a dead one-time code is not kept readable either
            log.error("sms_failed id=%s error=%s", message.pk, exc)
        else:
            update["next_attempt_at"] = message.next_attempt_at = timezone.now() + _backoff(message.attempts)
            log.warning("sms_retry id=%s attempts=%s error=%s", message.pk, message.attempts, exc)
        # only while this claim holds it (the move's source state, this lease): never over
        # another worker's outcome
        OutboxMessage.objects.filter(pk=message.pk, status__in=sources(FAIL), next_attempt_at=lease).update(**update)
        if not permanent and isinstance(exc, SmsError):
            return GATEWAY_DOWN
        return False
    return True


def outbox_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete messages that were sent or finally failed more than RETENTION_OUTBOX_DAYS ago (by
    their last attempt, ``next_attempt_at``, and their creation); a pending message is never
    deleted, however old. In batches; run by housekeeping (``daftar/runtime/housekeeping.py``)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RETENTION_OUTBOX_DAYS)
    done = OutboxMessage.objects.filter(
        status__in=[OutboxStatus.SENT, OutboxStatus.FAILED], next_attempt_at__lt=cutoff, created_at__lt=cutoff
    )
    return delete_in_batches(done, dry_run=dry_run)
