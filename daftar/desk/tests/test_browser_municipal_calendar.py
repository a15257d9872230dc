"""The municipality administrator's journeys in a browser (issue 18 §3): edit the hours
directive; declare a day off and cancel an estimated holiday; grant and revoke a role by mobile.
Screenshots at 360 and 1366 px in test-artifacts/ (``municipal-*``), axe-core clean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import check_page
from daftar.accounts.models import RoleAssignment, User
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.models import DayOff, HolidayCorrection
from daftar.municipalities.workdays import is_estimated, official_holidays_between
from daftar.offices.models import FRIDAY, HoursDirective, iran_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "09120000007"  # the demo's municipality administrator of Tehran


def _page(live_server: Any, browser: Any, csp_guard: Any) -> Any:
    from daftar.demo.services import demo_load

    demo_load()
    client = Client()
    client.force_login(User.objects.get(mobile=ADMIN))
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900}))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


def test_admin_edits_the_hours_directive(live_server: Any, browser: Any, csp_guard: Any) -> None:
    page = _page(live_server, browser, csp_guard)
    page.goto(live_server.url + "/desk/municipality/hours/")
    check_page(page, "municipal-hours")
    page.get_by_label("پایان کار روزانه").fill("۱۳:۳۰")
    page.get_by_label("پایان کار پنجشنبه").fill("۱۲:۰۰")
    page.get_by_role("button", name="ذخیرهٔ دستورالعمل").click()
    page.wait_for_selector(".alert")
    directive = HoursDirective.objects.get(municipality__slug="tehran")
    assert directive.day_end == dt.time(13, 30) and directive.thursday_end == dt.time(12)
    assert page.get_by_label("پایان کار روزانه").input_value() == "۱۳:۳۰"
    check_page(page, "municipal-hours-saved")
    # a bad one: the Persian error on the field, nothing saved
    page.get_by_label("آغاز کار روزانه (شنبه تا چهارشنبه)").fill("۱۵:۰۰")
    page.get_by_role("button", name="ذخیرهٔ دستورالعمل").click()
    page.wait_for_selector(".invalid-feedback")
    assert "آغاز کار روزانه باید پیش از پایان آن باشد." in page.content()
    check_page(page, "municipal-hours-error")
    page.context.close()


def _working_day_near(day: dt.date) -> dt.date:
    """A day within a week of ``day``, after today, that is not closed already."""
    holidays = official_holidays_between(day - dt.timedelta(days=7), day + dt.timedelta(days=7))
    for offset in (-1, 1, -2, 2, -3, 3):
        near = day + dt.timedelta(days=offset)
        if near > timezone.localdate() and iran_weekday(near) != FRIDAY and near not in holidays:
            return near
    raise AssertionError("no working day near the holiday")


def test_admin_declares_a_day_off_and_cancels_an_estimated_holiday(
    live_server: Any, browser: Any, csp_guard: Any
) -> None:
    page = _page(live_server, browser, csp_guard)
    page.goto(live_server.url + "/desk/municipality/days-off/")
    check_page(page, "municipal-days-off")
    # a day off: ten days ahead, moved off Fridays and holidays
    day = timezone.localdate() + dt.timedelta(days=10)
    while iran_weekday(day) == FRIDAY or official_holidays_between(day, day):
        day += dt.timedelta(days=1)
    page.get_by_label("تاریخ").fill(to_jalali(day))
    page.get_by_label("عنوان").fill("آلودگی هوا")
    page.get_by_role("button", name="ادامه").click()
    page.wait_for_selector("#day-off-confirm")
    check_page(page, "municipal-day-off-confirm")
    page.get_by_role("button", name="تأیید و اعلام تعطیلی").click()
    page.wait_for_selector("#declared")
    assert DayOff.objects.filter(municipality__slug="tehran", date=day, title="آلودگی هوا").exists()

    # the first estimated holiday still to come (this or next Jalali year)
    today = timezone.localdate()
    upcoming = [
        d
        for d, n in official_holidays_between(today + dt.timedelta(days=1), today + dt.timedelta(days=400)).items()
        if is_estimated(n)
    ]
    holiday = upcoming[0]
    page.goto(f"{live_server.url}/desk/municipality/holidays/decide/?date={holiday.isoformat()}")
    check_page(page, "municipal-holiday-decide")
    actual = _working_day_near(holiday)
    page.get_by_label("روز درست تعطیل").fill(to_jalali(actual))
    page.get_by_label("دلیل").fill("رؤیت هلال ماه")
    page.get_by_role("button", name="لغو تعطیل تخمینی").click()
    page.wait_for_selector("#official")
    correction = HolidayCorrection.objects.get(municipality__slug="tehran", holiday_date=holiday)
    assert correction.kind == "cancelled" and correction.actual_date == actual
    assert "لغو شد" in page.content()
    check_page(page, "municipal-days-off-after")
    page.context.close()


def test_admin_grants_and_revokes_a_role_by_mobile(live_server: Any, browser: Any, csp_guard: Any) -> None:
    page = _page(live_server, browser, csp_guard)
    page.goto(live_server.url + "/desk/municipality/staff/")
    check_page(page, "municipal-staff")
    page.get_by_label("شمارهٔ همراه").fill("۰۹۱۲ ۵۵۵ ۶۶۷۷")
    page.locator("#id_role").select_option("inspector")
    page.get_by_role("button", name="دادن نقش").click()
    page.wait_for_selector(".alert-success")
    granted = RoleAssignment.objects.get(user__mobile="09125556677", role="inspector")
    assert "۰۹۱۲۵۵۵۶۶۷۷" in page.content()
    check_page(page, "municipal-staff-granted")
    page.locator(f'a[href="/desk/municipality/staff/{granted.pk}/revoke/"]').click()
    page.wait_for_url(f"**/staff/{granted.pk}/revoke/")
    check_page(page, "municipal-staff-revoke")
    page.get_by_role("button", name="برداشتن نقش").click()
    page.wait_for_url("**/desk/municipality/staff/")
    assert not RoleAssignment.objects.filter(pk=granted.pk).exists()
    page.context.close()
