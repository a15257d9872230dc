"""Admin of the national service catalogue (S5) and the municipalities' tariffs (P6).

* The catalogue is national: the superuser edits it; municipality administrators view it.
* A municipality administrator sets their municipality's tariffs with Jalali dates. Rows
  already in force, and rows of a revision, are read-only; a future hand-set row may be changed
  or deleted. Every write goes through ``services.tariff_set`` / ``tariff_update`` /
  ``tariff_delete`` (which audit it). Revisions are made on ``/tariffs/revisions/``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from daftar.accounts.admin_base import AuditedAdmin, MunicipalityScopedAdmin
from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import AmountInput
from daftar.kernel.jalali import to_jalali

from . import messages as msg
from . import policy
from .forms import JalaliDateField
from .inputs import parse_amount, rials, today
from .models import Service, Tariff, TariffRevision
from .services import (
    is_tariff_admin,
    revision_error,
    tariff_conflict,
    tariff_day_error,
    tariff_delete,
    tariff_set,
    tariff_update,
)


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ["title", "code", "duration_minutes", "bookable", "active", "position"]
    search_fields = ["title", "code"]

    def _admin(self, request: HttpRequest) -> bool:
        return policy.may_see_catalogue_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.may_edit_catalogue(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return policy.may_edit_catalogue(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # tariffs and transactions refer to services: deactivate instead


class TariffForm(forms.ModelForm):
    effective_from = JalaliDateField(
        label="اجرا از تاریخ (شمسی)", help_text="بعد از امروز (امروز فقط برای خدمتی که امروز تعرفه ندارد)"
    )
    amount = forms.CharField(label="مبلغ (ریال)", help_text="عدد صحیح و مثبت، به ریال", widget=AmountInput())

    class Meta:
        model = Tariff
        fields = ["municipality", "service", "amount", "effective_from"]

    def clean_amount(self) -> int:
        try:
            return parse_amount(self.cleaned_data.get("amount"))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("effective_from")
        if day is not None and day < today():
            self.add_error("effective_from", msg.TARIFF_DATE_PAST)
            return data
        municipality = data.get("municipality") or getattr(self.instance, "municipality", None)
        service = data.get("service") or getattr(self.instance, "service", None)
        if day is not None and municipality is not None and service is not None:
            # the same rules as services.tariff_set / tariff_update (review #1, #2)
            error = tariff_day_error(municipality.pk, service.pk, day)
            reason = (
                error.message
                if error
                else tariff_conflict(municipality.pk, service.pk, day, exclude_pk=self.instance.pk)
            )
            if not reason:
                error = revision_error(municipality.pk, day)
                reason = error.message if error else ""
            if reason:
                self.add_error("effective_from", reason)
        return data

    def validate_unique(self) -> None:
        # the service functions decide about a row already on that day (replace or refuse)
        return None


@admin.register(Tariff)
class TariffAdmin(MunicipalityScopedAdmin):
    form = TariffForm
    admin_can = frozenset({"view", "add", "change", "delete"})
    list_display = ["service", "municipality", "amount_display", "effective_display", "revision", "in_force"]
    list_filter = ["municipality", "service"]
    list_select_related = ["service", "municipality", "revision"]
    ordering = ["municipality", "service__position", "-effective_from"]

    @admin.display(description="مبلغ (ریال)", ordering="amount")
    def amount_display(self, obj: Tariff) -> str:
        return rials(obj.amount)

    @admin.display(description="اجرا از", ordering="effective_from")
    def effective_display(self, obj: Tariff) -> str:
        return to_jalali(obj.effective_from)

    @admin.display(description="اجراشده", boolean=True)
    def in_force(self, obj: Tariff) -> bool:
        return obj.effective_from <= today()

    def _locked(self, obj: Tariff | None) -> bool:
        return obj is not None and (obj.revision_id is not None or obj.effective_from <= today())

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return not self._locked(obj)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return not self._locked(obj)  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return ["municipality", "service"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Tariff, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            original = Tariff.objects.get(pk=obj.pk)
            saved = tariff_update(
                tariff=original, amount=data["amount"], effective_from=data["effective_from"], actor=request.user
            )
        else:
            saved = tariff_set(
                municipality=data["municipality"],
                service=data["service"],
                amount=data["amount"],
                effective_from=data["effective_from"],
                actor=request.user,
            )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Tariff) -> None:
        tariff_delete(tariff=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            if not self._locked(obj) and is_tariff_admin(request.user, obj.municipality_id):
                tariff_delete(tariff=obj, actor=request.user)


@admin.register(TariffRevision)
class TariffRevisionAdmin(MunicipalityScopedAdmin):
    """Read-only here: revisions are previewed, scheduled and cancelled on /tariffs/revisions/."""

    list_display = ["municipality", "percent", "rounding_step", "effective_display", "status", "resolution"]
    list_filter = ["municipality", "status"]
    readonly_fields = ["status"]  # moves only through the revision's lifecycle (workflow.REVISION)

    @admin.display(description="اجرا از", ordering="effective_from")
    def effective_display(self, obj: TariffRevision) -> str:
        return to_jalali(obj.effective_from)
