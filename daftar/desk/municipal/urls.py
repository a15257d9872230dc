"""The municipality administrator's pages, replacing the Django admin for them (issue 18 §3)."""

from django.urls import URLPattern, URLResolver, path

from . import calendar, staff

app_name = "municipal"

urlpatterns: list[URLPattern | URLResolver] = [
    # hours, calendar, staff roles
    path("hours/", calendar.hours, name="hours"),
    path("extended-days/", calendar.extended_days, name="extended_days"),
    path("extended-days/<int:pk>/remove/", calendar.extended_day_remove, name="extended_day_remove"),
    path("days-off/", calendar.days_off, name="days_off"),
    path("days-off/<int:pk>/remove/", calendar.day_off_remove, name="day_off_remove"),
    path("holidays/decide/", calendar.holiday_decide, name="holiday_decide"),
    path("holidays/<int:pk>/withdraw/", calendar.holiday_withdraw, name="holiday_withdraw"),
    path("staff/", staff.staff, name="staff"),
    path("staff/<int:pk>/revoke/", staff.staff_revoke, name="staff_revoke"),
]
