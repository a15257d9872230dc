"""Celery tasks of the runtime (the local spools, housekeeping)."""

from __future__ import annotations

from celery import shared_task

from daftar.runtime import spool
from daftar.runtime.housekeeping import run_all


@shared_task(name="daftar.runtime.tasks.flush_spools", ignore_result=True)
def flush_spools() -> dict[str, int]:
    """The safety net of the local spools (``daftar/runtime/spool.py``): rows of finished files
    whose process is gone (each appending process flushes its own every second). Runs on the
    worker's host: a web host without a worker is covered by its web processes' own flushers
    and by ``manage.py spool_flush``. The apps register their spools when Django starts
    (``AppConfig.ready``), so a worker that never appended knows them."""
    return spool.flush_all()


@shared_task(name="daftar.runtime.tasks.housekeeping", ignore_result=True)
def housekeeping() -> dict[str, int]:
    """Every registered purge (``daftar/runtime/housekeeping.py``): expired sessions, captchas,
    idempotency records, old one-time codes, outbox and verification-log rows past retention.
    Each logs its count; a second run at the same time shares the batches (SKIP LOCKED)."""
    return run_all()
