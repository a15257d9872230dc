"""The outbox: every message is a row written in the transaction of the change that causes it.

A task drains pending rows and retries with back-off, so a crash between the change and the
send neither loses the message (the row stays pending) nor sends a second one (each row is
sent under its own ``reference``, which the gateway uses to drop a repeat). Its status moves
only through its declared lifecycle (``lifecycle.OUTBOX``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import OUTBOX, OutboxStatus

__all__ = ["OutboxMessage", "OutboxStatus"]


class OutboxMessage(LifecycleModel):
    LIFECYCLE = OUTBOX

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=16, default="sms")
    kind = models.CharField("نوع", max_length=32)
    to = models.CharField("گیرنده", max_length=32)
    text = models.TextField("متن")
    sensitive = models.BooleanField(default=False, help_text="متن پس از ارسال پاک می‌شود (مثلاً رمز ورود).")
    status = StatusField(max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "پیام صف ارسال"
        verbose_name_plural = "صف ارسال پیام"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.status})"
