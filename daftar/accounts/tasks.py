"""Celery tasks of the accounts app."""

from __future__ import annotations

from celery import shared_task

from .authentication import purge_expired_tokens


@shared_task(name="daftar.accounts.tasks.purge_tokens", ignore_result=True)
def purge_tokens() -> int:
    """Expired API tokens are deleted hourly (knox did it on every look-up)."""
    return purge_expired_tokens()
