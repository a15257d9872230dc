"""Starting, running and reading the inquiries of a case (S9.2–S9.4, S14).

A run follows the outbox's pattern (``daftar.notifications.services``): claim the row (count
the attempt, lease it) and commit; call the outside body with no transaction or row lock held;
record the answer in a new transaction with its audit row and, for a refusal, the SMS.

Every change of an inquiry's status is a move of its declared lifecycle (``lifecycle.INQUIRY``:
its effects are bound here); who may take one is ``policy.may_move``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.notifications.services import notify

from . import messages as msg
from . import policy, sms
from .adapters import InquiryUnavailable, Outcome, Person, get_adapter
from .breaker import Breaker
from .models import FEEDS, Inquiry, InquiryStatus, Kind
from .workflow import INQUIRY

log = logging.getLogger(__name__)
KIND_ORDER = [kind.value for kind in Kind]


def _schedule(inquiry_ids: list[int]) -> None:
    """Hand the rows to the worker once the caller's transaction commits (never before: the
    worker must see them). With eager tasks they run right there, after the commit."""
    if not inquiry_ids:
        return

    def _kick() -> None:
        from .tasks import run_inquiry  # tasks imports this module (its task runs inquiry_run): a cycle

        for pk in inquiry_ids:
            run_inquiry.delay(pk)

    transaction.on_commit(_kick, robust=True)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _lease() -> dt.timedelta:
    """Longer than any call, so that no other worker claims a row while it is being asked."""
    return dt.timedelta(seconds=settings.INQUIRY_TIMEOUT + 60)


def _label(inquiry: Inquiry) -> str:
    return str(inquiry.get_kind_display())


def _take(inquiry: Inquiry, action: str, *, actor: Any = None, **data: Any) -> None:
    """Take ``action`` on ``inquiry`` (locked by the caller); its effect saves the row."""
    INQUIRY.take(inquiry, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data)


@INQUIRY.effect("reset")
def _reset(inquiry: Inquiry, actor: Any, data: dict[str, Any]) -> None:
    """Asked again (``ask_again``, ``retry``, ``refresh``): a fresh set of attempts."""
    inquiry.attempts = 0
    inquiry.reason = inquiry.reference = ""
    inquiry.requested_at = timezone.now()
    inquiry.next_attempt_at = inquiry.completed_at = None
    inquiry.save()


def inquiries_start(*, application: Any) -> list[Inquiry]:
    """Ask every kind for a submitted case; return all of its inquiries.

    Call inside the submit transaction. Kinds already asked keep their row (a resubmission does
    not ask again); one that ended in ``error`` is asked again. Rows are handed to the worker
    after the commit.
    """
    with transaction.atomic():
        existing = {i.kind: i for i in Inquiry.objects.select_for_update().filter(application=application)}
        started: list[Inquiry] = []
        for kind in KIND_ORDER:
            inquiry = existing.get(kind)
            if inquiry is None:
                inquiry = Inquiry.objects.create(application=application, kind=kind)
                existing[kind] = inquiry
                started.append(inquiry)
            elif inquiry.status in INQUIRY.moves["ask_again"].sources:
                _take(inquiry, "ask_again")
                started.append(inquiry)
        if started:
            audit_record(
                actor=None,
                action="inquiry.requested",
                obj=application,
                municipality=application.municipality,
                data={"kinds": [i.kind for i in started]},
            )
    _schedule([i.pk for i in existing.values() if i.status == InquiryStatus.PENDING])
    return [existing[kind] for kind in KIND_ORDER]


def _claim(inquiry_id: int) -> Inquiry | None:
    """Take the inquiry if it is pending and due: count the attempt, lease it, commit.

    The lease (``next_attempt_at`` past the longest call) keeps other workers off it while the
    body is asked outside any transaction; if this worker dies the lease runs out and the sweep
    asks again. Counting before the call means an inquiry that kills its worker still runs out
    of attempts: such a row, found with no attempts left, is given up here.
    """
    now = timezone.now()
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("application__applicant", "application__municipality")
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), pk=inquiry_id)
            .filter(status=InquiryStatus.PENDING)
            .first()
        )
        if inquiry is None:
            return None
        if inquiry.attempts >= settings.INQUIRY_MAX_ATTEMPTS:
            _give_up(inquiry, "no attempts left at claim (a worker died mid-call?)")
            return None
        inquiry.attempts += 1
        inquiry.next_attempt_at = now + _lease()
        inquiry.save(update_fields=["attempts", "next_attempt_at"])
        return inquiry


def _person(application: Any) -> Person:
    user, facts = application.applicant, application.facts or {}
    return Person(
        national_code=user.national_code or "",
        birth_date=user.birth_date,
        first_name=user.first_name,
        last_name=user.last_name,
        degree_level=facts.get("degree_level"),
        degree_field=facts.get("degree_field"),
    )


class CircuitOpen(InquiryUnavailable):
    """The kind's breaker is open: the body was not asked."""


def _ask(inquiry: Inquiry) -> Outcome:
    """Ask the body through its breaker; raise ``InquiryUnavailable`` for no answer.

    Any other exception from an adapter (a bug) counts as no answer too, so the row is
    retried and finally given up instead of staying leased forever.
    """
    breaker = Breaker(f"inquiry:{inquiry.kind}")
    if not breaker.allow():
        raise CircuitOpen(msg.CIRCUIT_OPEN.format(label=_label(inquiry)))
    try:
        outcome = get_adapter().check(inquiry.kind, _person(inquiry.application), timeout=settings.INQUIRY_TIMEOUT)
    except InquiryUnavailable:
        breaker.failure()
        raise
    except Exception as exc:
        log.exception("inquiry_adapter_crashed id=%s kind=%s", inquiry.pk, inquiry.kind)
        breaker.failure()
        raise InquiryUnavailable(f"{type(exc).__name__}: {exc}") from exc
    breaker.success()
    return outcome


def _audit(inquiry: Inquiry, action: str, *, actor: Any = None, **data: Any) -> None:
    application = inquiry.application
    audit_record(
        actor=actor,
        action=action,
        obj=inquiry,
        municipality=application.municipality,
        data={"application": application.pk, "kind": inquiry.kind, "status": inquiry.status, **data},
    )


def _give_up(inquiry: Inquiry, error: str) -> None:
    """Out of attempts: ``error``, which a staff member may ask again (``inquiry_retry``)."""
    _take(inquiry, "give_up", error=error)


@INQUIRY.effect("gave_up")
def _gave_up(inquiry: Inquiry, actor: Any, data: dict[str, Any]) -> None:
    error = str(data.get("error", ""))
    inquiry.reason = msg.GAVE_UP.format(label=_label(inquiry))
    inquiry.next_attempt_at = None
    inquiry.completed_at = timezone.now()
    inquiry.save(update_fields=["status", "reason", "next_attempt_at", "completed_at"])
    _audit(inquiry, "inquiry.error", attempts=inquiry.attempts, error=error[:300])
    log.error("inquiry_gave_up id=%s kind=%s attempts=%s error=%s", inquiry.pk, inquiry.kind, inquiry.attempts, error)


def _record_outcome(inquiry: Inquiry, outcome: Outcome) -> None:
    """The move ``answer``: ``passed``, or its failure target ``failed`` for a refusal."""
    chosen = INQUIRY.check(inquiry, "answer", actor=None, may=policy.may_move, refuse=policy.refuse_move)
    INQUIRY.enter(inquiry, chosen, failed=not outcome.passed)
    INQUIRY.effects["answered"](inquiry, None, {"outcome": outcome})


@INQUIRY.effect("answered")
def _answered(inquiry: Inquiry, actor: Any, data: dict[str, Any]) -> None:
    outcome: Outcome = data["outcome"]
    application = inquiry.application
    inquiry.reason = outcome.reason
    inquiry.reference = outcome.reference[:64]
    inquiry.next_attempt_at = None
    inquiry.completed_at = timezone.now()
    inquiry.save(update_fields=["status", "reason", "reference", "next_attempt_at", "completed_at"])
    _audit(inquiry, "inquiry.result", attempts=inquiry.attempts, reference=inquiry.reference, reason=inquiry.reason)
    if not outcome.passed:
        # sensitive: the text says which check failed; it is blanked once sent
        notify(
            sms.FAILED.key,
            to=application.applicant,
            municipality=application.municipality,
            sensitive=True,
            label=_label(inquiry),
            code=application.tracking_code or msg.NO_CODE_YET,
            municipality_name=application.municipality.name,
        )


def inquiry_run(inquiry_id: int, *, on_retry: Callable[[Inquiry], None] | None = None) -> Inquiry:
    """Make one attempt at a pending, due inquiry and return the row as it then stands.

    A row that is not pending or not due (leased by another worker, waiting for its back-off)
    is returned untouched. When the body does not answer and attempts remain, the row stays
    pending with ``next_attempt_at`` after a back-off, and ``on_retry`` (if given) is called
    with it after the commit; this is how the task schedules itself only for its own retries.
    Raises ``Inquiry.DoesNotExist`` for a deleted row.
    """
    claimed = _claim(inquiry_id)
    if claimed is None:
        return Inquiry.objects.get(pk=inquiry_id)
    outcome: Outcome | None = None
    error = ""
    circuit_open = False
    try:
        outcome = _ask(claimed)
    except CircuitOpen as exc:
        error, circuit_open = str(exc), True
    except InquiryUnavailable as exc:
        error = str(exc) or type(exc).__name__
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.select_for_update(of=("self",))
            .select_related("application__applicant", "application__municipality")
            .get(pk=inquiry_id)
        )
        if inquiry.status != InquiryStatus.PENDING:
            return inquiry  # another worker, after our lease ran out, answered first
        if outcome is not None:
            _record_outcome(inquiry, outcome)
        elif circuit_open:
            # nobody was asked: the attempt is given back, and the row waits for the cool-down,
            # so an outage longer than the back-offs does not use up every attempt
            inquiry.attempts = max(0, inquiry.attempts - 1)
            inquiry.next_attempt_at = timezone.now() + dt.timedelta(seconds=settings.INQUIRY_BREAKER_COOLDOWN)
            inquiry.save(update_fields=["attempts", "next_attempt_at"])
            if on_retry is not None:
                retry, row = on_retry, inquiry
                transaction.on_commit(lambda: retry(row), robust=True)
        elif inquiry.attempts >= settings.INQUIRY_MAX_ATTEMPTS:
            _give_up(inquiry, error)
        else:
            inquiry.next_attempt_at = timezone.now() + _backoff(inquiry.attempts)
            inquiry.save(update_fields=["next_attempt_at"])
            log.warning(
                "inquiry_retry id=%s kind=%s attempts=%s error=%s", inquiry.pk, inquiry.kind, inquiry.attempts, error
            )
            if on_retry is not None:
                retry, row = on_retry, inquiry
                transaction.on_commit(lambda: retry(row), robust=True)
    return inquiry


def inquiry_retry(*, inquiry: Inquiry, actor: Any) -> Inquiry:
    """Staff ask again an inquiry that got no answer (``error``): a fresh set of attempts.

    A refusal (``failed``) is the body's answer, not ours to overrule, so it cannot be re-run
    here (409). Only the case's reviewer or licensing authority, never on their own case
    (``policy``; the case's pages and API ask it first to answer as the case does).
    """
    with transaction.atomic():
        locked = (
            Inquiry.objects.select_for_update(of=("self",))
            .select_related("application__municipality")
            .get(pk=inquiry.pk)
        )
        previous_attempts = locked.attempts
        _take(locked, "retry", actor=actor)
        _audit(locked, "inquiry.retry", actor=actor, previous_attempts=previous_attempts)
        _schedule([locked.pk])
    return locked


def inquiry_facts(application: Any) -> dict[str, object]:
    """Facts settled by the answered inquiries (``FEEDS``), for the rules evaluator: they
    replace what the applicant declared."""
    facts: dict[str, object] = {}
    done = (InquiryStatus.PASSED, InquiryStatus.FAILED)
    prefetched = getattr(application, "_prefetched_objects_cache", {}).get("inquiries")
    if prefetched is not None:  # the case page fetched them already (selectors.case_detail)
        rows = [(i.kind, i.status) for i in prefetched if i.kind in FEEDS and i.status in done]
    else:
        rows = list(
            Inquiry.objects.filter(application=application, kind__in=list(FEEDS), status__in=list(done)).values_list(
                "kind", "status"
            )
        )
    for kind, status in rows:
        fact, if_passed, if_failed = FEEDS[kind]
        facts[fact] = if_passed if status == InquiryStatus.PASSED else if_failed
    return facts


def inquiry_blockers(application: Any) -> list[str]:
    """Why the inquiries block approval, in Persian; empty when nothing does.

    A refusal blocks with its reason; a kind without an answer (pending, error, or never
    asked) blocks too, so that approval cannot slip through before every body has answered.
    """
    by_kind = {i.kind: i for i in Inquiry.objects.filter(application=application)}
    blockers = []
    for kind in Kind:
        inquiry = by_kind.get(kind.value)
        if inquiry is not None and inquiry.status == InquiryStatus.PASSED:
            continue
        if inquiry is not None and inquiry.status == InquiryStatus.FAILED:
            blockers.append(msg.BLOCKER_FAILED.format(label=kind.label, reason=inquiry.reason))
        else:
            blockers.append(msg.BLOCKER_UNANSWERED.format(label=kind.label))
    return blockers


def inquiries_refresh(*, application: Any, max_age_days: int) -> list[Inquiry]:
    """For a renewal: every kind answered within ``max_age_days``; older answers (and missing
    or unanswered kinds) are asked again. Returns the rows asked again (empty = all fresh)."""
    cutoff = timezone.now() - dt.timedelta(days=max_age_days)
    with transaction.atomic():
        existing = {i.kind: i for i in Inquiry.objects.select_for_update().filter(application=application)}
        asked: list[Inquiry] = []
        for kind in KIND_ORDER:
            inquiry = existing.get(kind)
            if inquiry is None:
                inquiry = Inquiry.objects.create(application=application, kind=kind)
                asked.append(inquiry)
            elif inquiry.status == InquiryStatus.PENDING:
                asked.append(inquiry)  # already on its way
            elif inquiry.completed_at is None or inquiry.completed_at < cutoff:
                _take(inquiry, "refresh")
                asked.append(inquiry)
        fresh_asks = [i for i in asked if i.attempts == 0]
        if fresh_asks:
            audit_record(
                actor=None,
                action="inquiry.requested",
                obj=application,
                municipality=application.municipality,
                data={"kinds": [i.kind for i in fresh_asks], "for": "renewal"},
            )
    _schedule([i.pk for i in asked])
    return asked
