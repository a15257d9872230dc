"""Exam sessions in the admin, scoped to the municipality; seats and scores are shown, never
edited here (they change only through ``services``, with audit rows and SMS)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column

from .models import AssessmentPolicy, ExamSeat, ExamSession


class ExamSeatInline(admin.TabularInline):
    model = ExamSeat
    extra = 0
    can_delete = False
    fields = ["application", "parts", "total", "recorded_at"]
    readonly_fields = ["application", "parts", "total", "recorded_at"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return ExamSessionAdmin(ExamSession, self.admin_site)._allowed(request, "view")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExamSession)
class ExamSessionAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view"})
    inlines = [ExamSeatInline]
    list_display = ["title", "municipality", "starts_column", "place", "seats", "pass_rule", "pass_mark"]
    list_filter = ["municipality", "pass_rule"]
    search_fields = ["title", "place"]
    starts_column = jalali_column("starts_at", "زمان برگزاری")
    readonly_fields = ["pass_mark", "decided_at", "created_by"]


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(MunicipalityScopedAdmin):
    """A municipality's pass rules (S10.4, P7): new sessions and panels start with them."""

    admin_can = frozenset({"view", "add", "change"})
    list_display = ["municipality", "exam_pass_rule", "fixed_pass_mark", "interview_rule", "interview_pass_mark"]
    fieldsets = [
        (None, {"fields": ["municipality"]}),
        (
            "آزمون کتبی",
            {
                "fields": [
                    "exam_pass_rule",
                    "fixed_pass_mark",
                    "relative_share",
                    "top_share",
                    "weight_general",
                    "weight_specialised",
                ],
                # P7: the defaults follow the judicial service offices
                "description": "عددهای پیش‌فرض نمونه‌اند (برگرفته از دفاتر خدمات قضایی)؛ "
                "جلسه‌هایی که پیش‌تر ساخته شده‌اند قاعدهٔ خود را نگه می‌دارند.",
            },
        ),
        ("مصاحبه", {"fields": ["interview_rule", "interview_pass_mark"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["municipality"] if obj is not None else []
