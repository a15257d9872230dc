"""The municipal service catalogue (S5) and each municipality's tariffs with effective dates
and their revisions (S18, P6). Amounts are integer rials.

The tables keep the names they had in the former ``services`` app (``services_service``, …):
the models moved here by state-only migrations, the rows never moved
(docs/decisions/0025-services-split.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from daftar.kernel.lifecycle import LifecycleModel, StatusField

from .workflow import REVISION, RevisionStatus


class Service(models.Model):
    """A service of the catalogue (S5) with the time one delivery takes at a counter."""

    code = models.SlugField("کد", max_length=40, unique=True)
    title = models.CharField("عنوان", max_length=200)
    duration_minutes = models.PositiveSmallIntegerField(
        "مدت انجام (دقیقه)", default=15, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    bookable = models.BooleanField("نوبت‌پذیر", default=True)
    active = models.BooleanField("فعال", default=True)
    position = models.PositiveSmallIntegerField("ترتیب نمایش", default=0)

    class Meta:
        db_table = "services_service"
        ordering = ["position", "pk"]
        verbose_name = "خدمت"
        verbose_name_plural = "فهرست خدمات"

    def __str__(self) -> str:
        return self.title


class TariffRevision(LifecycleModel):
    """A revision of a municipality's whole tariff table (P6: one raised tariffs 15% on
    average): every service's amount in force the day before ``effective_from`` × (1 +
    ``percent``/100), rounded to ``rounding_step`` rials, in force from ``effective_from``."""

    LIFECYCLE = REVISION

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="tariff_revisions", on_delete=models.PROTECT
    )
    percent = models.DecimalField("درصد تغییر", max_digits=6, decimal_places=2)
    rounding_step = models.PositiveIntegerField("گرد کردن به (ریال)", default=10_000)
    effective_from = models.DateField("اجرا از تاریخ")
    resolution = models.CharField("شمارهٔ مصوبهٔ شورا", max_length=100, blank=True)
    status = StatusField("وضعیت", max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("تاریخ ثبت", default=timezone.now)

    class Meta:
        db_table = "services_tariffrevision"
        ordering = ["municipality", "-effective_from", "-pk"]
        verbose_name = "بازنگری تعرفه"
        verbose_name_plural = "بازنگری‌های تعرفه"

    def __str__(self) -> str:
        return f"بازنگری {self.percent}٪ {self.municipality}"


class Tariff(models.Model):
    """The amount of one service in one municipality from ``effective_from`` until the next row
    of the same service takes effect (P6). Rows are never edited once in force."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="tariffs", on_delete=models.PROTECT
    )
    service = models.ForeignKey(Service, verbose_name="خدمت", related_name="tariffs", on_delete=models.PROTECT)
    amount = models.PositiveBigIntegerField("مبلغ (ریال)")
    effective_from = models.DateField("اجرا از تاریخ")
    revision = models.ForeignKey(
        TariffRevision,
        verbose_name="بازنگری",
        related_name="tariffs",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("تاریخ ثبت", default=timezone.now)

    class Meta:
        db_table = "services_tariff"
        ordering = ["municipality", "service__position", "-effective_from"]
        verbose_name = "تعرفه"
        verbose_name_plural = "تعرفه‌ها"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "service", "effective_from"], name="tariff_unique_day"),
        ]
        indexes = [models.Index(fields=["municipality", "service", "effective_from"], name="tariff_in_force")]

    def __str__(self) -> str:
        return f"{self.service} – {self.amount}"
