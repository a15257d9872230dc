"""The base classes of every app's admin (``daftar/site/admin.py`` sets up the admin itself).

``AuditedAdmin`` writes every change made in the admin to the audit log;
``MunicipalityScopedAdmin`` also limits the rows to the municipalities the user administers
(role ``municipality_admin``). They sit here, low in the apps, because they need the roles and
the scoping of this app and the audit log, and every app's ``admin.py`` (the audit app's too)
builds on them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from daftar.audit.services import audit_record
from daftar.municipalities.models import Municipality

from .constants import Role
from .policy import holds_anywhere, is_platform_admin, municipalities_where
from .scoping import scope_queryset


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
        if is_platform_admin(user):
            return True
        return action in self.admin_can and holds_anywhere(user, {Role.MUNICIPALITY_ADMIN})

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
        if is_platform_admin(request.user):
            return filters
        return [f for f in filters if f != "municipality"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = municipalities_where(request.user, {Role.MUNICIPALITY_ADMIN})
        if db_field.name == "municipality" and ids is not None:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def audit_municipality(self, obj: Model) -> Any:
        if self.municipality_field == "self":
            return obj
        return getattr(obj, self.municipality_field.split("__")[0], None)
