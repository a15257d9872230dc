from django.contrib import admin

from .models import Inspection, InspectionPhoto, SupervisionVisit


class PhotoInline(admin.TabularInline):
    model = InspectionPhoto
    extra = 0
    fields = ("original_name", "mime", "size", "sha256", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("pk", "application", "inspector", "scheduled_at", "status", "passed")
    list_filter = ("status",)
    # the status changes only by its moves (workflow.INSPECTION)
    readonly_fields = ("application", "inspector", "status", "result", "passed", "recorded_at", "created_at")
    inlines = [PhotoInline]


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(admin.ModelAdmin):
    list_display = ("pk", "licence", "inspector", "scheduled_at", "status", "passed")
    list_filter = ("status",)
    # the status changes only by its moves (workflow.SUPERVISION_VISIT)
    readonly_fields = ("licence", "inspector", "status", "result", "passed", "recorded_at", "created_at")
