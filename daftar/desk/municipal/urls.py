"""The municipality administrator's pages, replacing the Django admin for them (issue 18 §3)."""

from django.urls import URLPattern, URLResolver, path

from . import assessment, calendar, calls, deadlines, rulesets, staff, texts

app_name = "municipal"

urlpatterns: list[URLPattern | URLResolver] = [
    # calls, rule sets, assessment policy
    path("calls/", calls.call_list, name="calls"),
    path("calls/new/", calls.call_new, name="call_new"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:pk>/close/", calls.call_close_view, name="call_close"),
    path("calls/<int:pk>/cancel/", calls.call_cancel_view, name="call_cancel"),
    path("rules/", rulesets.rule_set_list, name="rule_sets"),
    path("rules/new/", rulesets.rule_set_new, name="rule_set_new"),
    path("rules/<int:pk>/", rulesets.rule_set_detail, name="rule_set"),
    path("rules/<int:pk>/preview/", rulesets.rule_set_preview_view, name="rule_set_preview"),
    path("rules/<int:pk>/publish/", rulesets.rule_set_publish_view, name="rule_set_publish"),
    path("assessment/", assessment.assessment_policy, name="assessment_policy"),
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
    # reminders before a legal clock's end and what happens after it (issue 21 §2)
    path("deadlines/", deadlines.deadlines, name="deadlines"),
    # SMS texts and what was sent (issue 21 §4)
    path("texts/", texts.text_list, name="texts"),
    path("texts/<slug:key>/", texts.text_edit, name="text_edit"),
    path("sent/", texts.sent, name="sent"),
]
