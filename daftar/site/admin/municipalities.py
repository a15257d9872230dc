from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daftar.accounts.admin_base import AuditedAdmin, MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.municipalities.models import DayOff, District, HolidayCorrection, Municipality, Province
from daftar.offices.admin import CalendarDayAdmin
from daftar.offices.calendar import day_off_check, day_off_declare, day_off_remove


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ["name_fa", "name_en"]
    search_fields = ["name_fa", "name_en"]


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    municipality_field = "self"
    admin_can = frozenset({"view"})
    list_display = ["name", "slug", "province", "is_active", "thursdays_off"]
    list_select_related = ["province"]
    search_fields = ["name", "slug"]
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view", "add", "change", "delete"})
    list_display = ["name", "number", "municipality", "illustrative"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name"]


@admin.register(DayOff)
class DayOffAdmin(CalendarDayAdmin):
    """Declared and withdrawn through ``offices.calendar`` (as on the administrator's page): not
    on a Friday or an official holiday, not twice, not for a day that has come."""

    list_display = ["title", "jalali_date", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["title"]
    date_hierarchy = "date"

    jalali_date = jalali_column("date", "تاریخ")

    def check_day(self, data: dict[str, Any], actor: Any) -> None:
        day_off_check(municipality=data["municipality"], date=data.get("date"), title=data.get("title"), actor=actor)

    def add_day(self, data: dict[str, Any], actor: Any) -> Any:
        return day_off_declare(municipality=data["municipality"], date=data["date"], title=data["title"], actor=actor)

    def remove_day(self, row: Any, actor: Any) -> None:
        day_off_remove(row=row, actor=actor)


@admin.register(HolidayCorrection)
class HolidayCorrectionAdmin(MunicipalityScopedAdmin):
    """Read only: decided on the administrator's page (``/desk/municipality/days-off/``)."""

    admin_can = frozenset({"view"})
    list_display = ["title", "holiday_day", "kind", "actual_day", "municipality"]
    list_filter = ["municipality", "kind"]
    list_select_related = ["municipality"]

    holiday_day = jalali_column("holiday_date", "تاریخ تخمینی")
    actual_day = jalali_column("actual_date", "تاریخ درست")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
