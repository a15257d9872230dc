"""Citizens' feedback after a service (issue 22 §1).

A ``FeedbackRequest`` is made when an office records a service for a walk-in citizen who left
their number, or when a booked appointment is kept. The citizen gets an SMS with a signed,
single-use link that expires (``FEEDBACK_LINK_DAYS``) and rates the service from 1 to 5 with an
optional comment, without logging in.

The office must never learn who rated: the row holds no account, no mobile number and no
reference to the transaction or appointment it came from, only keyed hashes (``source_key``:
one request per service; ``recipient_key``: one request per citizen, office and day) that
cannot be reversed without the server's secret. The office reads only monthly figures over
groups of at least ``FEEDBACK_MIN_GROUP`` ratings (``selectors.office_satisfaction``).

Its status moves only through its declared lifecycle (``workflow.FEEDBACK``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField
from daftar.municipalities.workdays import TEHRAN

from .messages import RATING_LABELS
from .workflow import FEEDBACK, FeedbackStatus

__all__ = ["FeedbackRequest", "FeedbackStatus", "Source"]


class Source(models.TextChoices):
    SERVICE = "service", "خدمت ثبت‌شده"
    APPOINTMENT = "appointment", "نوبت انجام‌شده"


class FeedbackRequest(LifecycleModel):
    LIFECYCLE = FEEDBACK

    office = models.ForeignKey("offices.Office", verbose_name="دفتر", related_name="+", on_delete=models.PROTECT)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    service = models.ForeignKey("catalogue.Service", verbose_name="خدمت", related_name="+", on_delete=models.PROTECT)
    source = models.CharField("منشأ", max_length=12, choices=Source.choices)
    source_key = models.CharField("کلید منشأ", max_length=64, unique=True)
    recipient_key = models.CharField("کلید گیرنده", max_length=64)
    day = models.DateField("روز خدمت")
    nonce = models.CharField("رمز پیوند", max_length=32)
    status = StatusField("وضعیت", max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.SENT)
    created_at = models.DateTimeField("زمان فرستادن", default=timezone.now)
    expires_at = models.DateTimeField("پایان اعتبار پیوند")
    rating = models.PositiveSmallIntegerField("امتیاز", null=True, blank=True)
    comment = models.TextField("توضیح", blank=True)
    flag_reasons = models.JSONField("دلیل نگه‌داشتن", default=list, blank=True)
    rated_at = models.DateTimeField("زمان ثبت نظر", null=True, blank=True)
    jyear = models.PositiveSmallIntegerField("سال شمسی نظر", null=True, blank=True)
    jmonth = models.PositiveSmallIntegerField("ماه شمسی نظر", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="بازبین",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    moderated_at = models.DateTimeField("زمان بازبینی", null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "نظرسنجی خدمت"
        verbose_name_plural = "نظرسنجی‌های خدمت"
        constraints = [
            models.UniqueConstraint(fields=["office", "recipient_key", "day"], name="feedback_one_per_citizen_day"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status", "jyear", "jmonth"], name="feedback_office_month"),
            models.Index(fields=["municipality", "status"], name="feedback_municipality"),
        ]

    def __str__(self) -> str:
        return f"نظرسنجی {self.pk}"

    @property
    def valid_until(self) -> dt.date:
        """The last day the link may be used (it expires at that day's end, Tehran time)."""
        return (self.expires_at - dt.timedelta(seconds=1)).astimezone(TEHRAN).date()

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating or 0, "")
