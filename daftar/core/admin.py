"""The Django admin, in Persian, for platform staff and municipality administrators.

A municipality administrator (role ``municipality_admin``) enters the admin through the normal
OTP login and sees only their own municipality's rows (``MunicipalityScopedAdmin``). Every
change made here is written to the audit log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from daftar.accounts.constants import Role
from daftar.accounts.scoping import municipality_ids_for, scope_queryset
from daftar.audit.services import audit_record

admin.site.site_header = "مدیریت سامانهٔ دفاتر خدمات الکترونیک شهر"
admin.site.site_title = "مدیریت دفتر"
admin.site.index_title = "بخش‌های قابل مدیریت"


def _has_admin_access(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.is_staff or municipality_ids_for(user, {Role.MUNICIPALITY_ADMIN}))


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


def jalali_column(field: str, description: str) -> Any:
    """A list column showing a date/datetime field in Jalali with Persian digits."""
    from daftar.core.jalali import to_jalali

    @admin.display(description=description, ordering=field)
    def column(self: Any, obj: Any) -> str:
        return to_jalali(getattr(obj, field), with_time=True)

    return column


admin.site.has_permission = _has_admin_access  # type: ignore[method-assign]
admin.site.login = _admin_login  # type: ignore[method-assign]


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin (inline rows included) is written to the
    audit log in the same transaction."""

    def audit_municipality(self, obj: Model) -> Any:
        return None

    def _audit(self, request: HttpRequest, action: str, obj: Model, data: dict[str, Any]) -> None:
        audit_record(actor=request.user, action=action, obj=obj, municipality=self.audit_municipality(obj), data=data)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._audit(
                request, f"admin_{'changed' if change else 'added'}", obj, {"fields": sorted(form.changed_data)}
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, "admin_deleted", obj, {"repr": str(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                self._audit(request, "admin_added", obj, {"inline_of": str(form.instance.pk)})
            for obj, fields in formset.changed_objects:
                self._audit(request, "admin_changed", obj, {"fields": sorted(fields)})
            for obj in formset.deleted_objects:
                self._audit(request, "admin_deleted", obj, {"repr": str(obj)})


class MunicipalityScopedAdmin(AuditedAdmin):
    """Rows limited to the municipalities the user administers; changes audited (``AuditedAdmin``).

    ``municipality_field`` is the path from the model to its municipality (``"self"`` for the
    Municipality model). ``admin_can`` lists what municipality administrators may do.
    """

    municipality_field = "municipality"
    admin_can: frozenset[str] = frozenset({"view"})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        return scope_queryset(
            qs, request.user, roles={Role.MUNICIPALITY_ADMIN}, municipality_field=self.municipality_field
        )

    def _allowed(self, request: HttpRequest, action: str) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        return action in self.admin_can and bool(municipality_ids_for(user, {Role.MUNICIPALITY_ADMIN}))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "view")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "delete")

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A filter by municipality would list every municipality's name: staff get none.
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f != "municipality"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality" and not request.user.is_superuser:
            from daftar.municipalities.models import Municipality

            kwargs["queryset"] = Municipality.objects.filter(
                pk__in=municipality_ids_for(request.user, {Role.MUNICIPALITY_ADMIN})
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def audit_municipality(self, obj: Model) -> Any:
        if self.municipality_field == "self":
            return obj
        return getattr(obj, self.municipality_field.split("__")[0], None)
