"""Appointments in the admin: read-only (every change goes through ``services``: locks, limits,
audit and SMS)."""

from __future__ import annotations

from django.contrib import admin

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column

from .models import Appointment


@admin.register(Appointment)
class AppointmentAdmin(MunicipalityScopedAdmin):
    municipality_field = "office__municipality"
    admin_can = frozenset({"view"})
    list_display = ["code", "office", "service", "start_column", "counter", "status", "citizen"]
    list_filter = ["status", "office__municipality"]
    search_fields = ["code", "citizen__mobile", "office__name"]
    list_select_related = ["office", "service", "citizen"]
    start_column = jalali_column("start", "آغاز")

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
