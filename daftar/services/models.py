"""The municipal service catalogue (S5), tariffs with effective dates and their revisions (S18,
P6), the services each office offers, the transactions offices record, daily closings and
running costs (S18). Amounts are integer rials.

Transactions carry their Jalali year and month, their district and municipality (copied from the
office, which never moves), so that revenue reports group in the database without joins or
calendar conversions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


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
        ordering = ["position", "pk"]
        verbose_name = "خدمت"
        verbose_name_plural = "فهرست خدمات"

    def __str__(self) -> str:
        return self.title


class OfficeService(models.Model):
    """A service an office is permitted to deliver (a service not listed is not permitted)."""

    office = models.ForeignKey("offices.Office", verbose_name="دفتر", related_name="offered", on_delete=models.CASCADE)
    service = models.ForeignKey(Service, verbose_name="خدمت", related_name="offered_at", on_delete=models.PROTECT)

    class Meta:
        ordering = ["office", "service__position"]
        verbose_name = "خدمت دفتر"
        verbose_name_plural = "خدمات دفتر"
        constraints = [models.UniqueConstraint(fields=["office", "service"], name="officeservice_unique")]

    def __str__(self) -> str:
        return f"{self.office} – {self.service}"


class RevisionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "زمان‌بندی‌شده"
    CANCELLED = "cancelled", "لغوشده"


class TariffRevision(models.Model):
    """A revision of a municipality's whole tariff table (P6: one raised tariffs 15% on
    average): every service's amount in force the day before ``effective_from`` × (1 +
    ``percent``/100), rounded to ``rounding_step`` rials, in force from ``effective_from``."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="tariff_revisions", on_delete=models.PROTECT
    )
    percent = models.DecimalField("درصد تغییر", max_digits=6, decimal_places=2)
    rounding_step = models.PositiveIntegerField("گرد کردن به (ریال)", default=10_000)
    effective_from = models.DateField("اجرا از تاریخ")
    resolution = models.CharField("شمارهٔ مصوبهٔ شورا", max_length=100, blank=True)
    status = models.CharField("وضعیت", max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("تاریخ ثبت", default=timezone.now)

    class Meta:
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
        ordering = ["municipality", "service__position", "-effective_from"]
        verbose_name = "تعرفه"
        verbose_name_plural = "تعرفه‌ها"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "service", "effective_from"], name="tariff_unique_day"),
        ]
        indexes = [models.Index(fields=["municipality", "service", "effective_from"], name="tariff_in_force")]

    def __str__(self) -> str:
        return f"{self.service} – {self.amount}"


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
    service = models.ForeignKey(Service, verbose_name="خدمت", related_name="+", on_delete=models.PROTECT)
    tariff = models.ForeignKey(Tariff, verbose_name="تعرفه", related_name="+", on_delete=models.PROTECT)
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
        ordering = ["office", "-jyear", "-jmonth", "pk"]
        verbose_name = "هزینه"
        verbose_name_plural = "هزینه‌ها"
        indexes = [models.Index(fields=["office", "jyear", "jmonth"], name="cost_office_month")]
        constraints = [
            models.CheckConstraint(condition=models.Q(jmonth__gte=1, jmonth__lte=12), name="cost_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.jyear}/{self.jmonth}"
