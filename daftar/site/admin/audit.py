from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.audit.models import AuditEntry
from daftar.kernel.admin_columns import jalali_column


@admin.register(AuditEntry)
class AuditEntryAdmin(MunicipalityScopedAdmin):
    """Read-only: the log is append-only."""

    admin_can = frozenset({"view"})
    when = jalali_column("created_at", "زمان")
    list_display = ["seq", "when", "action_label", "actor_label", "object_type", "object_id", "municipality"]
    list_filter = ["action", "municipality"]
    search_fields = ["action", "object_id", "actor_label"]
    list_select_related = ["municipality"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
