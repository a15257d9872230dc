"""Cases in the admin: read-only (every change goes through the workflow services and pages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.accounts.constants import Role
from daftar.accounts.policy import municipalities_where, people_holding
from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError

from . import messages as msg
from .deadline_settings import consequences_check, settings_check
from .models import Application, DeadlineConsequence, DeadlineSettings


@admin.register(Application)
class ApplicationAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view"})
    list_display = ["__str__", "applicant", "district", "status", "submitted_column", "due_column", "overdue"]
    list_filter = ["municipality", "status", "overdue"]
    search_fields = ["tracking_code", "applicant__mobile", "applicant__last_name"]
    list_select_related = ["applicant", "district"]
    submitted_column = jalali_column("submitted_at", "ثبت")
    due_column = jalali_column("due_at", "مهلت")

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class DeadlineSettingsForm(forms.ModelForm):
    """The checks of the administrator's page (``deadline_settings.settings_check``), shared."""

    class Meta:
        model = DeadlineSettings
        fields = ["municipality", "staff_days", "head_days", "head"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        municipality, head = data.get("municipality"), data.get("head")
        if municipality is None:
            return data
        try:
            checked = settings_check(
                municipality_id=municipality.pk,
                staff_days=data.get("staff_days"),
                head_days=data.get("head_days"),
                head_id=head.pk if head else None,
            )
        except ApplicationError as exc:
            raise ValidationError({name: texts for name, texts in exc.fields.items() if name in self.fields}) from None
        data["staff_days"], data["head_days"] = checked["staff_days"], checked["head_days"]  # latest first
        return data


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(MunicipalityScopedAdmin):
    """The municipality's reminder offsets and head (docs/deadlines.md). Its administrator sets
    them on the desk page (``/desk/municipality/deadlines/``); here with the same checks."""

    form = DeadlineSettingsForm
    admin_can = frozenset({"view", "add", "change"})
    list_display = ["municipality", "staff_days", "head_days", "head"]
    list_filter = ["municipality"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "head":  # a licensing authority of a municipality the user administers
            kwargs["queryset"] = people_holding(
                {Role.LICENSING_AUTHORITY}, municipalities_where(request.user, {Role.MUNICIPALITY_ADMIN})
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DeadlineConsequenceForm(forms.ModelForm):
    """The checks of the administrator's page (``deadline_settings.consequences_check``), shared:
    a licence type the municipality has rules for, and deemed approval only when confirmed."""

    confirm_deemed = forms.BooleanField(
        label="می‌دانم که با «تأیید و صدور مجوز به حکم قانون» سامانه خودش مجوز را صادر می‌کند.",
        required=False,
    )

    class Meta:
        model = DeadlineConsequence
        fields = ["municipality", "licence_type", "kind"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        municipality, licence_type = data.get("municipality"), data.get("licence_type")
        if municipality is None or licence_type is None or not data.get("kind"):
            return data
        try:
            consequences_check(
                municipality_id=municipality.pk,
                chosen={licence_type.pk: data["kind"]},
                confirmed=[licence_type.pk] if data.get("confirm_deemed") else [],
            )
        except ApplicationError as exc:
            field = "licence_type" if exc.message == msg.CONSEQUENCE_TYPE_UNKNOWN else "kind"
            raise ValidationError({field: exc.message}) from None
        return data


@admin.register(DeadlineConsequence)
class DeadlineConsequenceAdmin(MunicipalityScopedAdmin):
    """What happens when a clock runs out, per licence type; no row is escalation (P1). Its
    administrator sets it on the desk page (``/desk/municipality/deadlines/``); here with the
    same checks."""

    form = DeadlineConsequenceForm
    admin_can = frozenset({"view", "add", "change", "delete"})
    list_display = ["licence_type", "municipality", "kind"]
    list_filter = ["municipality", "kind"]
