"""Inquiries with outside bodies (استعلام, S9.2–S9.4, S14): one row per check per case.

Each kind feeds a fact of the rules (``FEEDS``): its result replaces what the applicant
declared, and a failed inquiry blocks approval with its reason. Its status moves only through
its declared lifecycle (``lifecycle.INQUIRY``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import INQUIRY, InquiryStatus

__all__ = ["FEEDS", "Inquiry", "InquiryStatus", "Kind"]


class Kind(models.TextChoices):
    IDENTITY = "identity", "استعلام هویت (ثبت احوال)"
    CRIMINAL_RECORD = "criminal_record", "استعلام سوء پیشینهٔ کیفری"
    ADDICTION = "addiction", "استعلام عدم اعتیاد"
    HEALTH = "health", "استعلام گواهی سلامت"
    DEGREE = "degree", "استعلام اصالت مدرک تحصیلی"


# kind → (fact it settles, the fact's value when the inquiry passes, … when it fails)
FEEDS: dict[str, tuple[str, object, object]] = {
    Kind.CRIMINAL_RECORD: ("has_criminal_record", False, True),
    Kind.ADDICTION: ("has_addiction_certificate", True, False),
    Kind.HEALTH: ("health_certified", True, False),
}


class Inquiry(LifecycleModel):
    LIFECYCLE = INQUIRY

    application = models.ForeignKey("applications.Application", related_name="inquiries", on_delete=models.CASCADE)
    kind = models.CharField("نوع", max_length=24, choices=Kind.choices)
    status = StatusField("وضعیت", max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("تلاش‌ها", default=0)
    reason = models.TextField("پاسخ", blank=True)
    reference = models.CharField("شمارهٔ پیگیری", max_length=64, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "kind"]
        verbose_name = "استعلام"
        verbose_name_plural = "استعلام‌ها"
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="inquiry_one_per_kind")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="inquiry_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"
