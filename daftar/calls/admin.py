"""Opening and editing calls in the admin (S7): the municipality administrator picks the
licence type, Jalali open/close date-times and districts with quotas; the rule-set version in
force is attached automatically and never edited here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import JalaliDateTimeField
from daftar.municipalities.models import District
from daftar.rules.selectors import rule_set_in_force

from . import messages as msg
from . import policy
from .models import Call, CallDistrict
from .services import call_dates_check


class CallForm(forms.ModelForm):
    opens_at = JalaliDateTimeField(label="آغاز ثبت‌نام (شمسی، به وقت تهران)")
    closes_at = JalaliDateTimeField(label="پایان ثبت‌نام (شمسی، به وقت تهران)")

    class Meta:
        model = Call
        fields = ["municipality", "licence_type", "title", "description", "opens_at", "closes_at", "cancelled"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes:
            try:  # the same check as the administrator's page (services)
                call_dates_check(opens, closes)
            except ApplicationError as exc:
                self.add_error("closes_at", exc.message)
        municipality, licence_type = data.get("municipality"), data.get("licence_type")
        if municipality and licence_type and self.instance.rule_set_id is None:
            rule_set = rule_set_in_force(licence_type, municipality)
            if rule_set is None:
                raise forms.ValidationError(msg.NO_RULES)
            self.instance.rule_set = rule_set
        return data


class CallDistrictFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:  # a district with applications stays in its call
            row = form.instance
            if (
                form.cleaned_data.get("DELETE")
                and row.pk
                and row.call.applications.filter(district=row.district_id).exists()
            ):
                # a form marked for deletion keeps no errors of its own: refuse the whole set
                raise forms.ValidationError(msg.DISTRICT_HAS_CASES)
            elif (
                row.pk
                and "district" in form.changed_data
                and row.call.applications.filter(district=form.initial.get("district")).exists()
            ):
                form.add_error("district", msg.DISTRICT_HAS_CASES)
        municipality = self.instance.municipality if self.instance.municipality_id else None
        rows = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            raise forms.ValidationError(msg.NO_DISTRICTS)
        for form in rows:
            district = form.cleaned_data.get("district")
            if municipality and district and district.municipality_id != municipality.pk:
                form.add_error("district", msg.DISTRICT_FOREIGN)


class CallDistrictInline(admin.TabularInline):
    model = CallDistrict
    formset = CallDistrictFormSet
    extra = 3

    # The municipality administrator has no Django model permissions: the parent admin decides.
    def _parent_allows(self, request: HttpRequest, action: str) -> bool:
        return CallAdmin(Call, self.admin_site)._allowed(request, action)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, "view")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_allows(request, "change")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = policy.administered_municipalities(request.user)
        if db_field.name == "district" and ids is not None:
            kwargs["queryset"] = District.objects.filter(municipality_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Call)
class CallAdmin(MunicipalityScopedAdmin):
    form = CallForm
    admin_can = frozenset({"view", "add", "change"})
    inlines = [CallDistrictInline]
    list_display = ["title", "municipality", "licence_type", "opens_column", "closes_column", "state_column"]
    list_filter = ["municipality", "licence_type", "cancelled"]
    search_fields = ["title"]
    opens_column = jalali_column("opens_at", "آغاز")
    closes_column = jalali_column("closes_at", "پایان")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # the municipality and licence type (and with them the rule-set version) are the call's
        # identity: cases and their access hang on them
        return ("municipality", "licence_type") if obj is not None else ()

    @admin.display(description="وضعیت")
    def state_column(self, obj: Call) -> str:
        return obj.get_state_display()
