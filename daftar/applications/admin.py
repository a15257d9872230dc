"""Cases in the admin: read-only (every change goes through the workflow services and pages)."""

from __future__ import annotations

from django.contrib import admin

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.accounts.constants import Role
from daftar.accounts.policy import municipalities_where, people_holding
from daftar.kernel.admin_columns import jalali_column

from .models import Application, DeadlineConsequence, DeadlineSettings


@admin.register(Application)
class ApplicationAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view"})
    list_display = ["__str__", "applicant", "district", "status", "submitted_column", "due_column", "overdue"]
    list_filter = ["municipality", "status", "overdue"]
    search_fields = ["tracking_code", "applicant__mobile", "applicant__last_name"]
    list_select_related = ["applicant", "district"]
    submitted_column = jalali_column("submitted_at", "ثبت")
    due_column = jalali_column("due_at", "مهلت")

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(MunicipalityScopedAdmin):
    """The municipality's reminder offsets and head (docs/deadlines.md); its administrator edits them."""

    admin_can = frozenset({"view", "add", "change"})
    list_display = ["municipality", "staff_days", "head_days", "head"]
    list_filter = ["municipality"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "head":  # a licensing authority of a municipality the user administers
            kwargs["queryset"] = people_holding(
                {Role.LICENSING_AUTHORITY}, municipalities_where(request.user, {Role.MUNICIPALITY_ADMIN})
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DeadlineConsequence)
class DeadlineConsequenceAdmin(MunicipalityScopedAdmin):
    """What happens when a clock runs out, per licence type; no row is escalation (P1)."""

    admin_can = frozenset({"view", "add", "change", "delete"})
    list_display = ["licence_type", "municipality", "kind"]
    list_filter = ["municipality", "kind"]
