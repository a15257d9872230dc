"""Provinces, municipalities and districts.

A municipality (شهرداری) issues and supervises licences (S6, S16); a province's directive sets
working hours (S17). Districts (مناطق) carry call quotas later (P4).
"""

from __future__ import annotations

from django.db import models


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
