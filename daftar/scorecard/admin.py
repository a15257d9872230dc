"""The Django admin of the scorecard (issue 22 §2): a municipality's administrator keeps its
settings (weights, bands, period, consequences), checked as the computation checks them
(``rules.rules_check``: Persian errors, nothing saved); the computed scorecards are read only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError

from .constants import MEASURES, SEVERITIES
from .models import Scorecard, ScorecardSettings
from .rules import rules_check, settings_initial


class ScorecardSettingsForm(forms.ModelForm):
    class Meta:
        model = ScorecardSettings
        fields = [
            "municipality",
            *(f"weight_{code}" for code in MEASURES),
            "bands",
            "period_months",
            "closure_notice_days",
            *(f"points_{s}" for s in SEVERITIES),
            "lowest_band_visit",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("instance") is None:  # a new row starts from the installation's settings
            kwargs["initial"] = {**settings_initial(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            rules_check(
                weights={code: data.get(f"weight_{code}") for code in MEASURES},
                bands=data.get("bands"),
                period_months=data.get("period_months"),
                closure_notice_days=data.get("closure_notice_days"),
                severity_points={s: data.get(f"points_{s}") for s in SEVERITIES},
                lowest_band_visit=bool(data.get("lowest_band_visit")),
            )
        except ApplicationError as exc:
            raise ValidationError(exc.message) from None
        return data


@admin.register(ScorecardSettings)
class ScorecardSettingsAdmin(MunicipalityScopedAdmin):
    form = ScorecardSettingsForm
    list_display = ("municipality", "period_months", "lowest_band_visit", "updated")
    admin_can = frozenset({"view", "add", "change"})
    updated = jalali_column("updated_at", "آخرین تغییر")
    fieldsets = (
        (None, {"fields": ("municipality",)}),
        (
            "وزن سنجه‌ها (صفر: سنجه خاموش؛ اعداد پیش‌فرض نمونه‌اند)",
            {"fields": tuple(f"weight_{code}" for code in MEASURES)},
        ),
        ("رده‌ها", {"fields": ("bands",)}),
        (
            "دوره و قاعده‌ها",
            {"fields": ("period_months", "closure_notice_days", *(f"points_{s}" for s in SEVERITIES))},
        ),
        ("پیامد", {"fields": ("lowest_band_visit",)}),
    )


@admin.register(Scorecard)
class ScorecardAdmin(MunicipalityScopedAdmin):
    """Computed rows: read here, recomputed on the supervisor's ranking page or by the command."""

    list_display = ("office", "period", "total", "band_label", "rank", "visit_required")
    list_filter = ("period", "municipality")
    search_fields = ("office__name",)
    admin_can = frozenset({"view"})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Scorecard._meta.fields]
