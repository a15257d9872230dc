from django.contrib import admin

from daftar.accounts.admin_base import MunicipalityScopedAdmin

from .models import Complaint, ComplaintEvent


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "text", "at")


@admin.register(Complaint)
class ComplaintAdmin(MunicipalityScopedAdmin):
    """Read-only: complaints change only through their services (answer, reopen, violation).
    Platform admins only: a complaint carries a citizen's own words, which a municipality's
    administrators have no part in (the supervisors read them on their desk)."""

    admin_can: frozenset[str] = frozenset()

    list_display = ("tracking_code", "municipality", "status", "decision", "due")
    list_filter = ("status", "decision", "municipality")
    search_fields = ("tracking_code",)
    inlines = [EventInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
