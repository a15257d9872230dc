"""Admin of the catalogue and rule sets. A published version is read-only: «نسخهٔ تازه»
copies it into an editable draft, «انتشار» freezes a draft (editing creates a new version)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Max, QuerySet
from django.http import HttpRequest

from daftar.accounts.admin_base import AuditedAdmin, MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits

from .models import Condition, DocumentRequirement, EligibilityCheck, LicenceType, RuleSet, ScoringTable
from .schema import condition_errors
from .scoring import table_errors
from .services import licence_type_search_text, rule_set_new_version, rule_set_publish, snapshot_parameters


class DocumentInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0


@admin.register(LicenceType)
class LicenceTypeAdmin(AuditedAdmin):
    list_display = ["title", "code", "kind", "issuing_body", "is_active"]
    search_fields = ["title", "code"]
    inlines = [DocumentInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.search_text = licence_type_search_text(obj)
        super().save_model(request, obj, form, change)


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = [
            "cid",
            "order",
            "group",
            "text",
            "citation",
            "facts",
            "check_type",
            "parameters",
            "verified_by",
            "document_type",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        data["parameters"] = snapshot_parameters(data.get("parameters") or {})
        row = {**data, "check": data.get("check_type"), "cid": data.get("cid")}
        problems = condition_errors(row)
        if problems:
            raise forms.ValidationError(problems)
        return data


class ConditionInline(admin.StackedInline):
    model = Condition
    form = ConditionForm
    extra = 0

    def _editable(self, request: HttpRequest, obj: RuleSet | None) -> bool:
        return obj is not None and not obj.published and request.user.is_authenticated

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(RuleSet)
class RuleSetAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view", "change"})
    list_display = ["licence_type", "municipality", "version", "starts", "published", "note"]
    list_filter = ["licence_type", "municipality", "published"]
    list_select_related = ["licence_type", "municipality"]
    inlines = [ConditionInline]
    actions = ["make_new_version", "publish"]
    starts = jalali_column("effective_from", "اجرا از")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fixed = ["licence_type", "municipality", "version", "published", "created_by", "created_at"]
        if obj is not None and obj.published:
            return [*fixed, "effective_from", "note"]
        return fixed

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # versions are made with the «نسخهٔ تازه» action

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None or obj.published:
            return False  # a published version is a record of what was decided; drafts one by one
        return super().has_delete_permission(request, obj)

    @admin.action(description="ساخت نسخهٔ تازه (پیش‌نویس) از نسخه‌های انتخاب‌شده")
    def make_new_version(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        for rule_set in queryset:
            draft = rule_set_new_version(rule_set=rule_set, actor=request.user)
            self.message_user(
                request, f"پیش‌نویس نسخهٔ {persian_digits(draft.version)} ساخته شد؛ آن را ویرایش و سپس منتشر کنید."
            )

    @admin.action(description="انتشار پیش‌نویس‌های انتخاب‌شده")
    def publish(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> None:
        for rule_set in queryset:
            try:
                rule_set_publish(rule_set=rule_set, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(request, f"نسخهٔ {persian_digits(rule_set.version)} منتشر شد.")


class ScoringTableForm(forms.ModelForm):
    class Meta:
        model = ScoringTable
        fields = ["licence_type", "municipality", "effective_from", "points", "is_example"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = table_errors(data.get("points"))
        if problems:
            raise forms.ValidationError(problems)
        return data


@admin.register(ScoringTable)
class ScoringTableAdmin(MunicipalityScopedAdmin):
    """Tables are never edited in place: adding one makes the next version (P4)."""

    admin_can = frozenset({"view", "add"})
    form = ScoringTableForm
    list_display = ["licence_type", "municipality", "version", "starts", "is_example"]
    starts = jalali_column("effective_from", "اجرا از")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        latest = ScoringTable.objects.filter(licence_type=obj.licence_type, municipality=obj.municipality).aggregate(
            Max("version")
        )["version__max"]
        obj.version = (latest or 0) + 1
        super().save_model(request, obj, form, change)


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(admin.ModelAdmin):
    list_display = ["user", "rule_set", "eligible", "when"]
    when = jalali_column("created_at", "زمان")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
