"""Offices in the admin (S17): the municipality administrator keeps the hours directive and
the extended days, and sees their municipality's offices with staff and weekly hours. Weekly
hours entered here are checked against the directive exactly as on the manager's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from daftar.accounts.admin_base import MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import District

from . import messages as msg
from . import policy
from .calendar import directive_check, extended_day_add, extended_day_check, extended_day_remove, removable
from .hours import check_schedule
from .models import ExtendedDay, HoursDirective, Office, OfficeStaff, WeeklyHours
from .services import directive_offices_out_of_line


class WeeklyHoursFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        office = self.instance
        if getattr(office, "municipality_id", None) is None:
            return
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if data.get("weekday") is None or not data.get("start") or not data.get("end"):
                continue
            rows.append((int(data["weekday"]), data["start"], data["end"]))
        try:
            check_schedule(office, rows)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from None


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    formset = WeeklyHoursFormSet
    extra = 0


class OfficeStaffInline(admin.TabularInline):
    model = OfficeStaff
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "title", "active", "added_at", "removed_at")
    # the register is kept by the office's services (the technical manager's checks, the audit
    # log, the dates); here it is read
    readonly_fields = ("user", "role", "title", "active", "added_at", "removed_at")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(HoursDirective)
class HoursDirectiveAdmin(MunicipalityScopedAdmin):
    list_display = ("municipality", "day_start", "day_end", "thursday_end", "evening_start", "evening_end", "updated")
    admin_can = frozenset({"view", "add", "change"})
    updated = jalali_column("updated_at", "آخرین تغییر")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class DirectiveForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                """The same checks as the administrator's page (``calendar.directive_check``)."""
                data = super().clean()
                names = ("day_start", "day_end", "thursday_end", "evening_start", "evening_end")
                if self.errors or data.get("day_start") is None or data.get("day_end") is None:
                    return data
                try:
                    directive_check(*(data.get(name) for name in names))
                except ApplicationError as exc:
                    raise ValidationError(exc.message) from None
                return data

        return DirectiveForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved, then every active office of the municipality is checked against it (S17: an
        office's hours must lie within the directive). Offices now outside it are listed to the
        administrator and, when the directive changed, their managers are sent an SMS to adjust
        (review #11; no supervision violation: the change was the municipality's)."""
        super().save_model(request, obj, form, change)

        out = directive_offices_out_of_line(
            municipality_id=obj.municipality_id, notify=form.has_changed(), actor=request.user
        )
        if out:
            names = "، ".join(f"«{office.name}»" for office, _problem in out)
            messages.warning(request, msg.DIRECTIVE_OFFICES_OUT.format(offices=names))


class CalendarDayAdmin(MunicipalityScopedAdmin):
    """A municipality's calendar day (an extended day, a day off), added and withdrawn only
    through ``calendar``'s checked services, as on the administrator's page: never changed (a
    change is a withdrawal and a new day), never withdrawn once the day has come, one at a time.
    A subclass gives ``check_day(data, actor)`` (raises ``ApplicationError``), ``add_day(data, actor)``
    (returns the new row) and ``remove_day(row, actor)``."""

    admin_can = frozenset({"view", "add", "delete"})

    def check_day(self, data: dict[str, Any], actor: Any) -> None:
        raise NotImplementedError

    def add_day(self, data: dict[str, Any], actor: Any) -> Any:
        raise NotImplementedError

    def remove_day(self, row: Any, actor: Any) -> None:
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or removable(obj.date))

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        check = self.check_day

        class CheckedForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                if self.errors or not data.get("municipality"):
                    return data
                try:
                    check(data, request.user)
                except ApplicationError as exc:
                    raise ValidationError(exc.message) from None
                return data

        return CheckedForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = self.add_day(form.cleaned_data, request.user).pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.remove_day(obj, request.user)


@admin.register(ExtendedDay)
class ExtendedDayAdmin(CalendarDayAdmin):
    """Extended working hours on a day; a day that has come is not withdrawn."""

    list_display = ("title", "municipality", "day", "start", "end")
    list_filter = ("municipality",)
    day = jalali_column("date", "تاریخ")

    def check_day(self, data: dict[str, Any], actor: Any) -> None:
        extended_day_check(
            municipality=data["municipality"],
            date=data.get("date"),
            start=data.get("start"),
            end=data.get("end"),
            title=data.get("title"),
            actor=actor,
        )

    def add_day(self, data: dict[str, Any], actor: Any) -> Any:
        return extended_day_add(
            municipality=data["municipality"],
            date=data["date"],
            start=data["start"],
            end=data["end"],
            title=data["title"],
            actor=actor,
        )

    def remove_day(self, row: Any, actor: Any) -> None:
        extended_day_remove(row=row, actor=actor)


@admin.register(Office)
class OfficeAdmin(MunicipalityScopedAdmin):
    list_display = ("name", "municipality", "district", "counters", "active", "created")
    list_filter = ("active", "municipality")
    search_fields = ("name", "address")
    raw_id_fields = ("licence",)
    inlines = [OfficeStaffInline, WeeklyHoursInline]
    admin_can = frozenset({"view", "add", "change"})
    created = jalali_column("created_at", "تاریخ ایجاد")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never an office one works at oneself (nobody acts on their own office): the policy's
        answer, as on the office's own pages."""
        if obj is not None and not policy.may_administer(request.user, obj.municipality_id, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Once the office exists its municipality and district are fixed (review #8): its
        transactions count in that district's reports; moving is a new office."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk:
            fields += tuple(f for f in ("municipality", "district") if f not in fields)
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class OfficeForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                municipality, district = data.get("municipality"), data.get("district")
                if municipality and district and district.municipality_id != municipality.pk:
                    raise ValidationError({"district": "منطقهٔ انتخاب‌شده از مناطق همین شهرداری نیست."})
                return data

        return OfficeForm

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = policy.administered_municipalities(request.user)
        if db_field.name == "district" and ids is not None:
            kwargs["queryset"] = District.objects.filter(municipality_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
