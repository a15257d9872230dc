"""Celery tasks of the accounts app."""

from __future__ import annotations

from celery import shared_task

from .authentication import purge_expired_tokens
from .services import otp_codes_purge


@shared_task(name="daftar.accounts.tasks.purge_tokens", ignore_result=True)
def purge_tokens() -> int:
    """Expired API tokens are deleted hourly (knox did it on every look-up)."""
    return purge_expired_tokens()


@shared_task(name="daftar.accounts.tasks.purge_codes", ignore_result=True)
def purge_codes() -> int:
    """One-time code rows (they hold the client address) past OTP_RETENTION_DAYS, daily."""
    return otp_codes_purge()
