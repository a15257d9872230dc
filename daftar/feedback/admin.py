"""The Django admin's read-only view of feedback requests: no mobile or account is kept, and a
rating is never edited by hand (its moves are the citizen's and the supervisor's)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import FeedbackRequest


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(admin.ModelAdmin):
    # nothing that singles out a service (its day, kind and source) beside the rating in a list
    list_display = ("pk", "office", "status", "rating")
    list_filter = ("status", "municipality")
    search_fields = ("office__name",)
    readonly_fields = [f.name for f in FeedbackRequest._meta.fields]
    exclude = ("nonce",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
