"""The offices' books (S18): the transactions they record, their daily closings and their
running costs. Amounts are integer rials.

Transactions carry their Jalali year and month, their district and municipality (copied from the
office, which never moves), so that revenue reports group in the database without joins or
calendar conversions.

The tables keep the names they had in the former ``services`` app (``services_transaction``,
…): the models moved here by state-only migrations, the rows never moved
(docs/decisions/0025-services-split.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class DailyClosing(models.Model):
    """The close of an office's day: its transactions are locked from then on (S18)."""

    office = models.ForeignKey("offices.Office", verbose_name="دفتر", related_name="closings", on_delete=models.PROTECT)
    day = models.DateField("روز")
    count = models.PositiveIntegerField("تعداد تراکنش")
    total = models.PositiveBigIntegerField("جمع (ریال)")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    closed_at = models.DateTimeField("زمان بستن", default=timezone.now)

    class Meta:
        db_table = "services_dailyclosing"
        ordering = ["office", "-day"]
        verbose_name = "بستن روز"
        verbose_name_plural = "بستن روزها"
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="dailyclosing_unique_day")]

    def __str__(self) -> str:
        return f"{self.office} – {self.day}"


class Transaction(models.Model):
    """A service delivered and paid for (S18): the tariff in force is kept as a snapshot; the
    amount may not exceed it. ``day``/``jyear``/``jmonth`` are the Tehran calendar day and its
    Jalali year and month."""

    office = models.ForeignKey(
        "offices.Office", verbose_name="دفتر", related_name="transactions", on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "municipalities.District", verbose_name="منطقه", related_name="+", on_delete=models.PROTECT
    )
    service = models.ForeignKey("catalogue.Service", verbose_name="خدمت", related_name="+", on_delete=models.PROTECT)
    tariff = models.ForeignKey("catalogue.Tariff", verbose_name="تعرفه", related_name="+", on_delete=models.PROTECT)
    tariff_amount = models.PositiveBigIntegerField("مبلغ تعرفه (ریال)")
    amount = models.PositiveBigIntegerField("مبلغ دریافتی (ریال)")
    payment_ref = models.CharField("شمارهٔ پیگیری پرداخت", max_length=64)
    performed_at = models.DateTimeField("زمان انجام", default=timezone.now)
    day = models.DateField("روز")
    jyear = models.PositiveSmallIntegerField("سال شمسی")
    jmonth = models.PositiveSmallIntegerField("ماه شمسی")
    outside_hours = models.BooleanField("خارج از ساعات مصوب", default=False)
    appointment_code = models.CharField("کد نوبت", max_length=16, blank=True)
    closing = models.ForeignKey(
        DailyClosing,
        verbose_name="بستن روز",
        related_name="transactions",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("زمان ثبت", default=timezone.now)

    class Meta:
        db_table = "services_transaction"
        ordering = ["office", "-performed_at", "-pk"]
        verbose_name = "تراکنش"
        verbose_name_plural = "تراکنش‌ها"
        constraints = [
            models.UniqueConstraint(fields=["office", "payment_ref"], name="transaction_unique_payment_ref"),
            models.CheckConstraint(
                condition=models.Q(amount__lte=models.F("tariff_amount")), name="transaction_within_tariff"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "day"], name="transaction_office_day"),
            models.Index(fields=["office", "jyear", "jmonth"], name="transaction_office_month"),
            models.Index(fields=["municipality", "jyear", "jmonth"], name="transaction_city_month"),
            models.Index(fields=["district", "service", "jyear", "jmonth"], name="transaction_district_demand"),
        ]

    def __str__(self) -> str:
        return f"{self.service} – {self.amount}"


class CostCategory(models.TextChoices):
    SALARIES = "salaries", "حقوق کارکنان"
    RENT = "rent", "اجاره"
    EQUIPMENT = "equipment", "تجهیزات"
    OTHER = "other", "سایر"


class CostEntry(models.Model):
    """A running cost of an office in one Jalali month (S18)."""

    office = models.ForeignKey("offices.Office", verbose_name="دفتر", related_name="costs", on_delete=models.PROTECT)
    jyear = models.PositiveSmallIntegerField("سال شمسی")
    jmonth = models.PositiveSmallIntegerField("ماه شمسی", validators=[MinValueValidator(1), MaxValueValidator(12)])
    category = models.CharField("دسته", max_length=10, choices=CostCategory.choices)
    amount = models.PositiveBigIntegerField("مبلغ (ریال)")
    note = models.CharField("شرح", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("زمان ثبت", default=timezone.now)

    class Meta:
        db_table = "services_costentry"
        ordering = ["office", "-jyear", "-jmonth", "pk"]
        verbose_name = "هزینه"
        verbose_name_plural = "هزینه‌ها"
        indexes = [models.Index(fields=["office", "jyear", "jmonth"], name="cost_office_month")]
        constraints = [
            models.CheckConstraint(condition=models.Q(jmonth__gte=1, jmonth__lte=12), name="cost_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.jyear}/{self.jmonth}"
