from django.contrib import admin

from daftar.accounts.admin_base import AuditedAdmin, MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.municipalities.models import DayOff, District, Municipality, Province


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
class DayOffAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view", "add", "change", "delete"})
    list_display = ["title", "jalali_date", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["title"]
    date_hierarchy = "date"

    jalali_date = jalali_column("date", "تاریخ")
