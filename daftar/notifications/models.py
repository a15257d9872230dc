"""The outbox: every message is a row written in the transaction of the change that causes it.

A task drains pending rows and retries with back-off, so a crash between the change and the
send neither loses the message (the row stays pending) nor sends a second one (each row is
sent under its own ``reference``, which the gateway uses to drop a repeat). Its status moves
only through its declared lifecycle (``lifecycle.OUTBOX``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import OUTBOX, OutboxStatus

__all__ = ["MessageText", "OutboxMessage", "OutboxStatus"]


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
    # whose and where (issue 21 §4): the person's own messages page and the municipality's log of
    # what was sent; a one-time code to a number without an account has neither
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="گیرنده (حساب)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "پیام صف ارسال"
        verbose_name_plural = "صف ارسال پیام"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "-created_at"], name="outbox_recipient_recent"),
            models.Index(fields=["municipality", "-created_at"], name="outbox_municipality_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.status})"


class MessageText(models.Model):
    """An administrator's version of one declared SMS text (``texts.REGISTRY``): a municipality's
    own, or (no municipality) the installation's, which applies where a municipality has none."""

    key = models.CharField("پیامک", max_length=32)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.TextField("متن")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ویرایشگر",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("زمان ویرایش", default=timezone.now)

    class Meta:
        verbose_name = "متن پیامک"
        verbose_name_plural = "متن‌های پیامک"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "municipality"],
                name="message_text_once_per_municipality",
                condition=models.Q(municipality__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["key"], name="message_text_once_for_installation", condition=models.Q(municipality__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.key
