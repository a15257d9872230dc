"""Site inspections (بازدید میدانی, S11, S14): a scheduled visit of a case's premises, its
per-item result and its photos (files kept through the storage API under server-made names).
The states of both kinds of visit are declared in ``workflow.py`` and changed only by
``services.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import INSPECTION, SUPERVISION_VISIT, InspectionStatus

__all__ = ["Inspection", "InspectionPhoto", "InspectionStatus", "SupervisionVisit"]


class Inspection(LifecycleModel):
    LIFECYCLE = INSPECTION  # its moves, declared once (workflow.py)

    application = models.ForeignKey(
        "applications.Application", verbose_name="پرونده", related_name="inspections", on_delete=models.CASCADE
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="بازرس", related_name="inspections", on_delete=models.PROTECT
    )
    scheduled_at = models.DateTimeField("زمان بازدید")
    status = StatusField("وضعیت", max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.SCHEDULED)
    result = models.JSONField("نتیجه به تفکیک موارد", default=list, blank=True)
    passed = models.BooleanField("پذیرفته", null=True, blank=True)
    recorded_at = models.DateTimeField("زمان ثبت نتیجه", null=True, blank=True)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        verbose_name = "بازدید میدانی"
        verbose_name_plural = "بازدیدهای میدانی"
        indexes = [models.Index(fields=["status", "scheduled_at"], name="inspection_status_when")]

    def __str__(self) -> str:
        return f"بازدید {self.pk} پروندهٔ {self.application_id}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name="بازدید", related_name="photos", on_delete=models.CASCADE)
    file = models.FileField("فایل", max_length=200)
    original_name = models.CharField("نام اصلی", max_length=150, blank=True)
    mime = models.CharField("نوع", max_length=40)
    size = models.PositiveIntegerField("اندازه")
    sha256 = models.CharField("چکیده", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("زمان بارگذاری", default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "عکس بازدید"
        verbose_name_plural = "عکس‌های بازدید"

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class SupervisionVisit(LifecycleModel):
    """A periodic supervision visit of a licensed office (S11.3, S17, P6): its checklist
    result per item and, for failed items, the supervision violations it recorded."""

    LIFECYCLE = SUPERVISION_VISIT  # its moves, declared once (workflow.py)

    licence = models.ForeignKey(
        "licences.Licence", verbose_name="مجوز", related_name="supervision_visits", on_delete=models.CASCADE
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="بازرس", related_name="supervision_visits", on_delete=models.PROTECT
    )
    scheduled_at = models.DateTimeField("زمان بازدید")
    status = StatusField("وضعیت", max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.SCHEDULED)
    result = models.JSONField("نتیجه به تفکیک موارد", default=list, blank=True)
    passed = models.BooleanField("پذیرفته", null=True, blank=True)
    recorded_at = models.DateTimeField("زمان ثبت نتیجه", null=True, blank=True)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        verbose_name = "بازدید نظارتی"
        verbose_name_plural = "بازدیدهای نظارتی"
        indexes = [models.Index(fields=["status", "scheduled_at"], name="supervision_visit_status_when")]

    def __str__(self) -> str:
        return f"بازدید نظارتی {self.pk} مجوز {self.licence_id}"
