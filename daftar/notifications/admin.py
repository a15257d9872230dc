from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daftar.kernel.admin_columns import jalali_column

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "to", "status", "attempts", "created", "sent"]
    created = jalali_column("created_at", "زمان ثبت")
    sent = jalali_column("sent_at", "زمان ارسال")
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
