"""How long the portal's outbox keeps what went through (review of issue 21 §1): a message the
portal took is kept ``RETENTION_PORTAL_DAYS`` after it was sent (the evidence that the portal was
told), then deleted by housekeeping; one not yet sent is never deleted, however old."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from daftar.runtime.housekeeping import delete_in_batches

from .models import PortalMessage


def portal_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RETENTION_PORTAL_DAYS)
    return delete_in_batches(PortalMessage.objects.filter(sent_at__lt=cutoff), dry_run=dry_run)
