"""Celery tasks of the core app."""

from __future__ import annotations

from celery import shared_task

from . import spool


@shared_task(name="daftar.core.tasks.flush_spools", ignore_result=True)
def flush_spools() -> dict[str, int]:
    """The safety net of the local spools (``daftar/core/spool.py``): rows of finished files
    whose process is gone (each appending process flushes its own every second). Runs on the
    worker's host: a web host without a worker is covered by its web processes' own flushers
    and by ``manage.py spool_flush``."""
    _load_spools()
    return spool.flush_all()


def _load_spools() -> None:
    """Import the modules that register spools, so a worker that never appended knows them."""
    from daftar.licences import verification  # noqa: F401
