"""Supervision in the admin: municipality administrators see their own municipality's rows."""

from __future__ import annotations

from django.contrib import admin

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column

from .models import Decision, LadderStep, Notice, OfficeReport, Violation, ViolationType


@admin.register(ViolationType)
class ViolationTypeAdmin(MunicipalityScopedAdmin):
    list_display = ("code", "title", "severity", "municipality", "active")
    list_filter = ("severity", "active", "municipality")
    admin_can = frozenset({"view", "add", "change"})


@admin.register(LadderStep)
class LadderStepAdmin(MunicipalityScopedAdmin):
    list_display = ("position", "outcome", "suspension_days", "municipality")
    admin_can = frozenset({"view", "add", "change", "delete"})


@admin.register(Violation)
class ViolationAdmin(MunicipalityScopedAdmin):
    list_display = ("licence", "violation_type", "observed", "status")
    list_filter = ("status", "municipality")
    search_fields = ("licence__number",)
    readonly_fields = ("status",)  # changed only by a decision (workflow.VIOLATION)
    observed = jalali_column("observed_at", "زمان مشاهده")


@admin.register(Notice)
class NoticeAdmin(MunicipalityScopedAdmin):
    list_display = ("licence", "proposed_outcome", "due", "status")
    list_filter = ("status", "municipality")
    search_fields = ("licence__number",)
    readonly_fields = ("status",)  # changed only by its moves (workflow.NOTICE)
    due = jalali_column("response_due", "مهلت پاسخ")


@admin.register(Decision)
class DecisionAdmin(MunicipalityScopedAdmin):
    list_display = ("licence", "outcome", "decided", "suspension_until")
    list_filter = ("outcome", "municipality")
    search_fields = ("licence__number",)
    decided = jalali_column("decided_at", "زمان تصمیم")


@admin.register(OfficeReport)
class OfficeReportAdmin(MunicipalityScopedAdmin):
    list_display = ("licence", "period", "submitted")
    list_filter = ("period", "municipality")
    search_fields = ("licence__number",)
    submitted = jalali_column("submitted_at", "زمان ارسال")
