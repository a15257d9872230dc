"""Read-only admin lists of the portal's outbox and of the applications it sent: only the
delivery loop changes a message, and staff ask again from /desk/portal/, never by editing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column

from .models import PortalApplication, PortalMessage


class ReadOnly(MunicipalityScopedAdmin):
    admin_can = frozenset({"view"})

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PortalMessage)
class PortalMessageAdmin(ReadOnly):
    municipality_field = "municipality"
    list_display = ["kind", "municipality", "application", "licence", "attempts", "error_code", "next", "sent"]
    next = jalali_column("next_attempt_at", "تلاش بعدی")
    sent = jalali_column("sent_at", "زمان ارسال")
    list_filter = ["kind", "error_code"]
    search_fields = ["application__tracking_code", "licence__number"]
    list_select_related = ["municipality", "application", "licence"]
    readonly_fields = [f.name for f in PortalMessage._meta.fields]


@admin.register(PortalApplication)
class PortalApplicationAdmin(ReadOnly):
    municipality_field = "application__municipality"
    list_display = ["reference", "application", "refused_reason", "received"]
    received = jalali_column("received_at", "زمان دریافت")
    search_fields = ["reference", "application__tracking_code"]
    list_select_related = ["application"]
    readonly_fields = [f.name for f in PortalApplication._meta.fields]
