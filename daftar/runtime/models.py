"""Plumbing models shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The first answer to a creating request sent with an ``Idempotency-Key`` (API.md).

    The same key and body from the same person returns this answer again; the same key with a
    different body is refused. Records are kept for ``RETENTION_IDEMPOTENCY_HOURS`` (housekeeping).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Outage(models.Model):
    """A period the system was down (issue 21 §2): legal clocks do not run through it.

    Recorded by an administrator (the admin) or by the heartbeat of the clock sweep
    (``outage_heartbeat``: a gap longer than ``OUTAGE_HEARTBEAT_GAP_MINUTES`` between two beats).
    The apps that keep clocks read ended outages and extend what was running."""

    started_at = models.DateTimeField("آغاز")
    ended_at = models.DateTimeField("پایان")
    reason = models.CharField("علت", max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "قطعی سامانه"
        verbose_name_plural = "قطعی‌های سامانه"
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_at__gt=models.F("started_at")), name="outage_ends_after")
        ]

    def __str__(self) -> str:
        return self.reason


class Heartbeat(models.Model):
    """The last beat of a periodic task (``name``): a long gap between beats is an outage."""

    name = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
