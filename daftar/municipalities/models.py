"""Provinces, municipalities and districts.

A municipality (شهرداری) issues and supervises licences (S6, S16); a province's directive sets
working hours (S17). Districts (مناطق) carry call quotas later (P4). Legal time limits count
working days: Fridays, official holidays, Thursdays where the municipality is closed then, and
the days it declares closed (``DayOff``); see ``workdays``. Where the ``holidays`` package only
estimated an Islamic-calendar holiday, the municipality confirms it or cancels it and names the
day it actually falls on (``HolidayCorrection``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .workdays import forget_days_off


class Province(models.Model):
    name_fa = models.CharField("نام", max_length=64, unique=True)
    name_en = models.CharField("نام لاتین", max_length=64, unique=True)

    class Meta:
        ordering = ["name_fa"]
        verbose_name = "استان"
        verbose_name_plural = "استان‌ها"

    def __str__(self) -> str:
        return self.name_fa


class Municipality(models.Model):
    slug = models.SlugField("شناسه", max_length=64, unique=True)
    name = models.CharField("نام", max_length=128)
    city = models.CharField("نام شهر", max_length=64, blank=True, help_text="در پیام‌ها: «… حداقل ۶۰ متر مربع تهران»")
    province = models.ForeignKey(Province, verbose_name="استان", on_delete=models.PROTECT)
    is_active = models.BooleanField("فعال", default=True)
    thursdays_off = models.BooleanField(
        "پنجشنبه‌ها تعطیل",
        default=True,
        help_text="در شمارش مهلت‌های قانونی، پنجشنبه روز کاری حساب نمی‌شود. جمعه همیشه تعطیل است.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "شهرداری"
        verbose_name_plural = "شهرداری‌ها"

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name="شهرداری", related_name="districts", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField("شماره")
    name = models.CharField("نام", max_length=128)
    illustrative = models.BooleanField(
        "نمایشی", default=False, help_text="مرز یا مشخصات این منطقه نمایشی است و رسمی نیست."
    )

    class Meta:
        ordering = ["municipality", "number"]
        verbose_name = "منطقه"
        verbose_name_plural = "مناطق"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="district_unique_number"),
        ]

    def __str__(self) -> str:
        return self.name


class DayOff(models.Model):
    """A day the municipality declares closed (e.g. a provincial closure for air pollution)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="شهرداری", related_name="days_off", on_delete=models.CASCADE
    )
    date = models.DateField("تاریخ")
    title = models.CharField("عنوان", max_length=128, help_text="مثلاً «تعطیلی به دلیل آلودگی هوا»")

    class Meta:
        ordering = ["municipality", "-date"]
        verbose_name = "روز تعطیل اعلام‌شده"
        verbose_name_plural = "روزهای تعطیل اعلام‌شده"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "date"], name="dayoff_unique_date"),
        ]

    def __str__(self) -> str:
        return self.title


class HolidayCorrection(models.Model):
    """The municipality's word on an official holiday the ``holidays`` package only estimated
    (Islamic-calendar holidays depend on the moon sighting; ``workdays.is_estimated``).

    ``confirmed``: the estimate stands (nothing in the calendar changes; the reminder goes).
    ``cancelled``: ``holiday_date`` is a working day here after all, and the holiday falls on
    ``actual_date`` instead (a closed day, named ``title``), when one is given."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", "تأیید شد"
        CANCELLED = "cancelled", "لغو شد"

    municipality = models.ForeignKey(
        Municipality, verbose_name="شهرداری", related_name="holiday_corrections", on_delete=models.CASCADE
    )
    holiday_date = models.DateField("تاریخ تخمینی تعطیل")
    title = models.CharField("مناسبت", max_length=200)
    kind = models.CharField("نتیجه", max_length=16, choices=Kind.choices)
    actual_date = models.DateField("تاریخ درست تعطیل", null=True, blank=True)
    reason = models.CharField("دلیل", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)

    class Meta:
        ordering = ["municipality", "holiday_date"]
        verbose_name = "اصلاح تعطیل رسمی تخمینی"
        verbose_name_plural = "اصلاح‌های تعطیلات رسمی تخمینی"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "holiday_date"], name="holidaycorrection_unique_date"),
            models.CheckConstraint(
                condition=models.Q(kind="cancelled") | models.Q(actual_date__isnull=True),
                name="holidaycorrection_actual_only_when_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@receiver([post_save, post_delete], sender=HolidayCorrection)
@receiver([post_save, post_delete], sender=DayOff)
def _day_off_changed(sender: type[models.Model], instance: DayOff | HolidayCorrection, **kwargs: Any) -> None:
    # Now for this process, and again after commit so no reader re-caches the old set meanwhile.
    municipality_id = instance.municipality_id
    forget_days_off(municipality_id)
    transaction.on_commit(lambda: forget_days_off(municipality_id))
