"""Issued licences (مجوز, S6, S13, S16): number, holder, premises, district, validity, status.

A licence is issued from an approved application case (``applications`` ``issue_licence``).
Its certificate carries a QR code whose payload is signed with Ed25519 (``signing.py``), so a
bank, a citizen or an inspector can check it offline with the published public key; the live
status (active / suspended / revoked / expired) is on the public verification page. Its moves
are declared in ``workflow.LICENCE`` and taken only by ``moves.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import LICENCE, LicenceStatus

__all__ = ["Licence", "LicenceEvent", "LicenceReminder", "LicenceStatus", "VerificationLog"]


class Licence(LifecycleModel):
    LIFECYCLE = LICENCE  # its moves, declared once (workflow.py)

    number = models.CharField("شمارهٔ مجوز", max_length=32, unique=True)
    application = models.OneToOneField(
        "applications.Application", verbose_name="پرونده", related_name="licence", on_delete=models.PROTECT
    )
    licence_type = models.ForeignKey(
        "rules.LicenceType", verbose_name="نوع مجوز", related_name="+", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="licences", on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "municipalities.District", verbose_name="منطقه", related_name="+", on_delete=models.PROTECT
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="دارنده", related_name="licences", on_delete=models.PROTECT
    )
    holder_name = models.CharField("نام دارنده", max_length=200)
    office_name = models.CharField("نام دفتر", max_length=200)
    premises_location = models.JSONField("مختصات محل", null=True, blank=True)
    premises_area_m2 = models.DecimalField(
        "مساحت مفید (متر مربع)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    issued_at = models.DateTimeField("تاریخ صدور", default=timezone.now)
    valid_from = models.DateField("اعتبار از")
    valid_until = models.DateField("اعتبار تا")
    status = StatusField("وضعیت", max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE)
    status_reason = models.TextField("دلیل وضعیت", blank=True)
    suspended_until = models.DateField("تعلیق تا", null=True, blank=True)
    # the first day of the sanction in force (suspension or revocation); the office stops from it
    sanctioned_from = models.DateField("آغاز تعلیق یا لغو", null=True, blank=True)
    renewals = models.PositiveSmallIntegerField("دفعات تمدید", default=0)
    payload = models.TextField("دادهٔ امضاشده", blank=True)
    # the licence's unique id on the national licensing portal (S4), blank until the portal
    # answers its registration (daftar.portal, decision 0044); not in the signed payload
    national_id = models.CharField("شناسهٔ یکتای ملی", max_length=32, blank=True)
    signature = models.CharField("امضا", max_length=128, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "مجوز"
        verbose_name_plural = "مجوزها"
        indexes = [
            models.Index(fields=["municipality", "district", "status"], name="licence_registry"),
            models.Index(fields=["status", "valid_until"], name="licence_expiry"),
            models.Index(fields=["status", "suspended_until"], name="licence_suspension_end"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display_name(self) -> str:
        """The office's one public name: its office's current name (what the finder shows), or the
        name it was licensed under while it has no office (select_related("office") to read it
        without a query)."""
        try:
            office = self.office  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return self.office_name
        return str(office.display_name) if office is not None else self.office_name


class LicenceEvent(models.Model):
    """One line of a licence's history: issue, renewal, suspension, reinstatement, revocation, expiry."""

    licence = models.ForeignKey(Licence, related_name="events", on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "رویداد مجوز"
        verbose_name_plural = "رویدادهای مجوز"

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.action}"


class LicenceReminder(models.Model):
    """That one renewal reminder of a licence's term was sent (``reminders.py``): the window's
    opening or a reminder ``offset`` days before ``valid_until``. Written in the transaction of
    its SMS, once (unique), so a rerun or a second beat never sends it again; a renewed licence
    has a new ``valid_until``, and its new term its own reminders."""

    licence = models.ForeignKey(Licence, related_name="reminders", on_delete=models.CASCADE)
    kind = models.CharField(max_length=32)  # the SMS's key (``sms.py``)
    offset = models.PositiveSmallIntegerField()  # days before valid_until it was due
    valid_until = models.DateField()  # the term it was sent for
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "یادآوری تمدید مجوز"
        verbose_name_plural = "یادآوری‌های تمدید مجوز"
        constraints = [
            models.UniqueConstraint(fields=["licence", "kind", "offset", "valid_until"], name="licence_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.kind} {self.offset}"


class VerificationLog(models.Model):
    """Each public verification (issue 5 §4: "each check logged"); the address is kept hashed."""

    number = models.CharField(max_length=64)
    licence = models.ForeignKey(Licence, null=True, blank=True, related_name="verifications", on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    client = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8, default="api")
    found = models.BooleanField(default=False)
    # the spool's row id (daftar/runtime/spool.py): a flush repeated after a crash adds nothing
    ref = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = "استعلام اصالت مجوز"
        verbose_name_plural = "استعلام‌های اصالت مجوز"

    def __str__(self) -> str:
        return f"{self.number} @ {self.at:%Y-%m-%d %H:%M}"
