"""The connector's own tables: the outbox of messages to the national licensing portal and the
link between a portal application and the case it became (decision 0044).

``PortalMessage`` is not a lifecycle: it has no status, only "sent or not yet" (``sent_at``), and
nothing but the delivery loop changes it (``services.portal_deliver``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    STATUS_CHANGED = "status_changed", "تغییر وضعیت پرونده"
    DECISION = "decision", "تصمیم دربارهٔ پرونده"
    LICENCE_ISSUED = "licence_issued", "صدور مجوز"
    REGISTER_LICENCE = "register_licence", "ثبت مجوز پیشین"


class PortalMessage(models.Model):
    kind = models.CharField("نوع پیام", max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name="پرونده",
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    licence = models.ForeignKey(
        "licences.Licence", verbose_name="مجوز", related_name="+", null=True, blank=True, on_delete=models.PROTECT
    )
    payload = models.JSONField("محتوا", default=dict)
    attempts = models.PositiveIntegerField("دفعات تلاش", default=0)
    next_attempt_at = models.DateTimeField("تلاش بعدی", default=timezone.now)
    # the operator's detail (English) and its kind, which the staff page words in Persian
    last_error = models.TextField("آخرین خطا", blank=True)
    error_code = models.CharField("نوع خطا", max_length=32, blank=True)
    sent_at = models.DateTimeField("زمان ارسال", null=True, blank=True)
    reply = models.JSONField("پاسخ درگاه", default=dict, blank=True)
    created_at = models.DateTimeField("زمان ایجاد", default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "پیام درگاه ملی"
        verbose_name_plural = "پیام‌های درگاه ملی"
        indexes = [
            models.Index(fields=["next_attempt_at"], name="portal_msg_due", condition=models.Q(sent_at__isnull=True)),
            models.Index(fields=["municipality", "sent_at"], name="portal_msg_by_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class PortalApplication(models.Model):
    """An application filed on the portal and the case it became here: ``reference`` is the
    portal's own id, unique, so the same portal application never becomes two cases.

    One refused for the applicant's identity (the mobile's account has another national code,
    or the code is another account's) has no case and its ``refused_reason``: it is not taken
    again on the next pull."""

    reference = models.CharField("شناسهٔ درخواست در درگاه", max_length=64, unique=True)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name="پرونده",
        related_name="portal_link",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    refused_reason = models.CharField("دلیل نپذیرفتن", max_length=200, blank=True)
    payload = models.JSONField("درخواست دریافتی", default=dict)
    received_at = models.DateTimeField("زمان دریافت", default=timezone.now)

    class Meta:
        verbose_name = "درخواست رسیده از درگاه ملی"
        verbose_name_plural = "درخواست‌های رسیده از درگاه ملی"

    def __str__(self) -> str:
        return self.reference
