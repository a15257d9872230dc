"""Housekeeping: rows that have had their time deleted on a schedule (issue 20).

Each app that keeps such rows owns its purge and registers it from its ``AppConfig.ready``
(the runtime names no domain app); the beat entry ``housekeeping`` (task
``daftar.runtime.tasks.housekeeping``) and ``manage.py housekeeping [--dry-run]`` run them all:

| purge | app | deletes |
|---|---|---|
| ``sessions`` | runtime | page sessions past their expiry (database sessions) |
| ``idempotency`` | runtime | ``Idempotency-Key`` answers older than ``RETENTION_IDEMPOTENCY_HOURS`` |
| ``captchas`` | accounts | captcha challenges past their expiry |
| ``one_time_codes`` | accounts | code rows older than ``OTP_RETENTION_DAYS`` (never those the caps count) |
| ``outbox`` | notifications | sent or failed messages older than ``RETENTION_OUTBOX_DAYS``; never pending ones |
| ``verification_log`` | licences | public licence checks older than ``RETENTION_VERIFICATION_LOG_DAYS`` |

Each purge deletes in batches of ``RETENTION_BATCH_SIZE`` rows (:func:`delete_in_batches`: no
single giant ``DELETE`` holding locks and bloating one transaction), each batch its own short
transaction whose rows are locked with ``SKIP LOCKED`` on PostgreSQL, so two runs at once share
the work instead of waiting on or failing over each other. Each run logs one line a purge
(``housekeeping_purged`` with ``purge``, ``count``, ``dry_run``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from daftar.runtime.models import IdempotencyRecord

log = structlog.get_logger(__name__)

# A purge: deletes (or with dry_run only counts) its app's rows past their time at ``now``.
PurgeFunction = Callable[..., int]


@dataclass(frozen=True)
class Purge:
    name: str
    run: PurgeFunction  # run(*, now, dry_run) -> rows deleted (or that would be)
    what: str  # what it deletes, for the command's listing


_PURGES: dict[str, Purge] = {}


def register_purge(name: str, run: PurgeFunction, what: str) -> None:
    """Called from an app's ``ready()``; registering the same name again replaces it."""
    _PURGES[name] = Purge(name, run, what)


def purges() -> list[Purge]:
    return list(_PURGES.values())


def delete_in_batches(queryset: models.QuerySet[Any], *, dry_run: bool = False, batch_size: int | None = None) -> int:
    """Delete the rows of ``queryset`` in batches; return how many of its model's rows went
    (with ``dry_run``: how many match now, nothing deleted)."""
    if dry_run:
        return queryset.count()
    size = max(1, batch_size or settings.RETENTION_BATCH_SIZE)
    model = queryset.model
    label = model._meta.label
    total = 0
    while True:
        with transaction.atomic():
            # rows another run holds are skipped, not waited for (PostgreSQL; SQLite has one writer)
            batch = list(queryset.select_for_update(skip_locked=True).values_list("pk", flat=True)[:size])
            if not batch:
                break
            _, by_model = model._base_manager.filter(pk__in=batch).delete()
        total += by_model.get(label, 0)
        if len(batch) < size:
            break
    return total


def run_all(*, dry_run: bool = False, only: list[str] | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every registered purge (or those named in ``only``); return the count of each.

    A purge that fails is logged (``housekeeping_failed``) and the others still run; the run then
    ends with the error, so the task shows as failed."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    failed: list[str] = []
    for purge in purges():
        if only and purge.name not in only:
            continue
        try:
            count = purge.run(now=now, dry_run=dry_run)
        except Exception:
            log.exception("housekeeping_failed", purge=purge.name, dry_run=dry_run)
            failed.append(purge.name)
            continue
        counts[purge.name] = count
        log.info("housekeeping_purged", purge=purge.name, count=count, dry_run=dry_run)
    if failed:
        raise RuntimeError(f"housekeeping purges failed: {', '.join(failed)}")
    return counts


# --- The runtime's own purges -------------------------------------------------------------


_DATABASE_SESSIONS = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def purge_sessions(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Page sessions past their expiry (Django's ``clearsessions``, in batches). Sessions kept
    elsewhere than the database (a cache engine) expire by themselves: nothing to do."""
    if settings.SESSION_ENGINE not in _DATABASE_SESSIONS:
        return 0
    return delete_in_batches(Session.objects.filter(expire_date__lt=now), dry_run=dry_run)


def purge_idempotency(*, now: dt.datetime, dry_run: bool = False) -> int:
    """``Idempotency-Key`` answers older than ``RETENTION_IDEMPOTENCY_HOURS``: a retry after that
    runs as a new request."""
    cutoff = now - dt.timedelta(hours=settings.RETENTION_IDEMPOTENCY_HOURS)
    return delete_in_batches(IdempotencyRecord.objects.filter(created_at__lt=cutoff), dry_run=dry_run)
