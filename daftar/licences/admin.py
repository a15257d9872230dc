"""Licences in the admin, read only (S16): municipality administrators see their own
municipality's licences, their history and verification log. Status changes go through the
lifecycle services (``POST /api/v1/licences/{number}/actions``), never an edited row, so each
has its event, audit entry and SMS; a hand-edited row would also break its signature."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column

from .models import Licence, LicenceEvent, VerificationLog


class ReadOnlyScopedAdmin(MunicipalityScopedAdmin):
    """Viewing only, for everyone, superusers included."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class LicenceEventInline(admin.TabularInline):
    model = LicenceEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "reason", "actor", "data")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Licence)
class LicenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "office_name", "holder_name", "district", "status", "valid_until_column", "renewals"]
    list_filter = ["status", "municipality"]
    search_fields = ["number", "office_name", "holder_name"]
    list_select_related = ["district"]
    inlines = [LicenceEventInline]
    valid_until_column = jalali_column("valid_until", "اعتبار تا")


@admin.register(VerificationLog)
class VerificationLogAdmin(ReadOnlyScopedAdmin):
    municipality_field = "licence__municipality"
    list_display = ["number", "at_column", "channel", "found"]
    list_filter = ["channel", "found"]
    search_fields = ["number"]
    at_column = jalali_column("at", "زمان")
