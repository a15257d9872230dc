"""Read-only admin list of inquiries: answers come only from the outside bodies, and staff ask
again through ``inquiry_retry``, never by editing a row."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column

from .models import Inquiry


@admin.register(Inquiry)
class InquiryAdmin(MunicipalityScopedAdmin):
    municipality_field = "application__municipality"
    admin_can = frozenset({"view"})
    list_display = ["application", "kind", "status", "attempts", "reference", "requested", "completed"]
    requested = jalali_column("requested_at", "زمان درخواست")
    completed = jalali_column("completed_at", "زمان پاسخ")
    list_filter = ["status", "kind"]
    search_fields = ["application__tracking_code", "reference"]
    list_select_related = ["application"]
    readonly_fields = [f.name for f in Inquiry._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
