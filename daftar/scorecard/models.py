"""The office scorecard and rank (issue 22 §2; docs/scorecard.md, decision 0052).

``ScorecardSettings`` is one municipality's choice of weights, rank bands, period length and
consequences (without a row, the ``SCORECARD_*`` Django settings apply). ``Scorecard`` is one
office's computed standing in one period: its total out of 100, its band, its rank among the
municipality's offices and, per measure, the score, the weight, the raw figures and the
sentence that explains it. A row is computed, never edited; recomputing a period replaces the
municipality's rows of that period. No status moves here, so no lifecycle is declared.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

__all__ = ["Scorecard", "ScorecardSettings"]

_W = [MinValueValidator(0), MaxValueValidator(100)]


class ScorecardSettings(models.Model):
    """A municipality's scorecard settings. Every default is an example (docs/configuration.md):
    no regulation gives these numbers."""

    municipality = models.OneToOneField(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        related_name="scorecard_settings",
        on_delete=models.CASCADE,
    )
    weight_satisfaction = models.PositiveSmallIntegerField("وزن رضایت شهروندان", validators=_W)
    weight_tariff = models.PositiveSmallIntegerField("وزن رعایت تعرفه", validators=_W)
    weight_hours = models.PositiveSmallIntegerField("وزن رعایت ساعات کار", validators=_W)
    weight_complaints = models.PositiveSmallIntegerField("وزن شکایت‌های واردشده", validators=_W)
    weight_violations = models.PositiveSmallIntegerField("وزن تخلف‌ها", validators=_W)
    weight_reports = models.PositiveSmallIntegerField("وزن گزارش‌های به‌موقع", validators=_W)
    weight_wait = models.PositiveSmallIntegerField("وزن زمان انتظار", validators=_W)
    bands = models.JSONField(
        "رده‌ها",
        help_text=(
            "فهرست رده‌ها از بالا به پایین، هر یک با code، label و min (کمینهٔ امتیاز). نمونه: "
            '[{"code": "excellent", "label": "ممتاز", "min": 85}, {"code": "good", "label": "خوب", "min": 70}, '
            '{"code": "fair", "label": "متوسط", "min": 50}, {"code": "weak", "label": "ضعیف", "min": 0}]'
        ),
    )
    period_months = models.PositiveSmallIntegerField(
        "طول دوره (ماه)", choices=[(3, "سه ماه"), (6, "شش ماه"), (12, "دوازده ماه")], default=6
    )
    closure_notice_days = models.PositiveSmallIntegerField(
        "روزهای اعلام پیش از تعطیلی",
        help_text="تعطیلی‌ای که کمتر از این چند روز پیش از آن ثبت شده باشد «دیر اعلام‌شده» است (نمونه: ۲).",
        validators=[MaxValueValidator(30)],
    )
    points_minor = models.PositiveSmallIntegerField("کسر امتیاز هر تخلف جزئی", validators=_W)
    points_major = models.PositiveSmallIntegerField("کسر امتیاز هر تخلف عمده", validators=_W)
    points_grave = models.PositiveSmallIntegerField("کسر امتیاز هر تخلف شدید", validators=_W)
    lowest_band_visit = models.BooleanField(
        "بازدید نظارتی برای پایین‌ترین رده",
        default=True,
        help_text="دفتری که در پایین‌ترین رده قرار گیرد در فهرست «بازدید لازم» ناظر می‌آید و به دارندهٔ مجوز پیامک می‌شود.",
    )
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True)

    class Meta:
        verbose_name = "تنظیمات کارنامهٔ دفاتر"
        verbose_name_plural = "تنظیمات کارنامهٔ دفاتر"

    def __str__(self) -> str:
        return f"کارنامهٔ دفاتر {self.municipality}"


class Scorecard(models.Model):
    office = models.ForeignKey("offices.Office", verbose_name="دفتر", related_name="+", on_delete=models.CASCADE)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="+", on_delete=models.PROTECT
    )
    period = models.CharField("دوره", max_length=8, help_text="مانند ۱۴۰۵-H1 برای نیمهٔ نخست سال ۱۴۰۵")
    first_day = models.DateField("آغاز دوره")
    last_day = models.DateField("پایان دوره")
    total = models.DecimalField("امتیاز کل", max_digits=4, decimal_places=1, null=True, blank=True)
    band = models.CharField("رده", max_length=20, blank=True)
    band_label = models.CharField("عنوان رده", max_length=40, blank=True)
    rank = models.PositiveIntegerField("رتبه", null=True, blank=True)
    ranked = models.PositiveIntegerField("شمار دفاتر رتبه‌بندی‌شده", default=0)
    measures = models.JSONField("سنجه‌ها", default=list)
    bands = models.JSONField("رده‌های به‌کاررفته", default=list)
    computed_at = models.DateTimeField("زمان محاسبه", default=timezone.now)
    visit_required = models.BooleanField("بازدید نظارتی لازم", default=False)
    consequence_at = models.DateTimeField("زمان اعمال پیامد", null=True, blank=True)
    consequence_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="اعمال‌کنندهٔ پیامد",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["municipality", "period", "rank", "pk"]
        verbose_name = "کارنامهٔ دفتر"
        verbose_name_plural = "کارنامه‌های دفاتر"
        constraints = [models.UniqueConstraint(fields=["office", "period"], name="scorecard_office_period")]
        indexes = [models.Index(fields=["municipality", "period", "rank"], name="scorecard_ranking")]

    def __str__(self) -> str:
        return f"کارنامهٔ {self.office_id} در {self.period}"
