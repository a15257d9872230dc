"""Calls for applications (فراخوان, S7): a municipality opens a call for a licence type, with
open and close moments, districts with quotas (P4) and the rule-set version in force when it
was opened. Applications are accepted only while it is open (``Call.is_open``, server time).

A call's state (upcoming, open, closed) is not a declared lifecycle (issue 16): nothing moves
it. It is read from the clock against ``opens_at`` and ``closes_at`` each time it is asked
(``Call.state``), so it cannot be stored, assigned or left stale; the one stored fact,
``cancelled``, is a flag the municipality administrator sets in the admin that closes the call
for good. Who may do what with a call is ``policy``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class CallState(models.TextChoices):
    UPCOMING = "upcoming", "به‌زودی"
    OPEN = "open", "باز"
    CLOSED = "closed", "بسته"


class Call(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="calls", on_delete=models.PROTECT
    )
    licence_type = models.ForeignKey(
        "rules.LicenceType", verbose_name="نوع مجوز", related_name="calls", on_delete=models.PROTECT
    )
    rule_set = models.ForeignKey(
        "rules.RuleSet", verbose_name="نسخهٔ قواعد", related_name="calls", on_delete=models.PROTECT
    )
    title = models.CharField("عنوان", max_length=200)
    description = models.TextField("شرح", blank=True)
    opens_at = models.DateTimeField("آغاز ثبت‌نام")
    closes_at = models.DateTimeField("پایان ثبت‌نام")
    cancelled = models.BooleanField("لغوشده", default=False)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = "فراخوان"
        verbose_name_plural = "فراخوان‌ها"
        indexes = [models.Index(fields=["municipality", "closes_at"], name="call_muni_closes")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def state(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if self.cancelled or now >= self.closes_at:
            return CallState.CLOSED
        if now < self.opens_at:
            return CallState.UPCOMING
        return CallState.OPEN

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.state(now) == CallState.OPEN

    def get_state_display(self) -> str:
        return CallState(self.state()).label


class CallDistrict(models.Model):
    """A district taking part in a call, with its quota of offices (P4: about one per district)."""

    call = models.ForeignKey(Call, related_name="districts", on_delete=models.CASCADE)
    district = models.ForeignKey(
        "municipalities.District", verbose_name="منطقه", related_name="+", on_delete=models.PROTECT
    )
    quota = models.PositiveSmallIntegerField("سهمیه", default=1)

    class Meta:
        ordering = ["call", "district__number"]
        verbose_name = "منطقهٔ فراخوان"
        verbose_name_plural = "مناطق و سهمیه‌ها"
        constraints = [
            models.UniqueConstraint(fields=["call", "district"], name="calldistrict_unique"),
            models.CheckConstraint(condition=models.Q(quota__gte=1), name="calldistrict_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.district} ({self.quota})"
