"""Browser journey of the inspector with the pickers: the visit is scheduled with the Jalali
calendar on the visits list (its button described by the field's label), then on the visit's
page the premises are picked on the map — the map writes Persian digits into text boxes with
the decimal keyboard, which a number box would have emptied — and the result is recorded.
Screenshots in test-artifacts/ (inspection-schedule-picker-*, inspection-map-*)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from conftest import check_page
from daftar.inspections.models import Inspection

from .helpers import case_at_inspection, inspector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Any, base: str) -> None:
    client = Client()
    client.force_login(inspector())
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


def test_inspector_schedules_with_the_calendar_and_picks_the_premises_on_the_map(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo loads models: only once the test db exists

    demo_load()
    case = case_at_inspection()
    _signed_in(page, live_server.url)

    # The visits list: the time box has the calendar; its button is told apart by the label.
    page.goto(live_server.url + "/inspections/")
    box = page.locator(f"#when-{case.pk}")
    opener = page.locator(f".jalali-wrap:has(#when-{case.pk}) .jalali-open")
    expect(opener).to_have_accessible_name("باز کردن تقویم")
    expect(opener).to_have_accessible_description("زمان بازدید")
    opener.click()
    dialog = page.get_by_role("dialog", name="تقویم شمسی")
    expect(dialog).to_be_visible()
    page.keyboard.press("PageDown")  # a month from today: the visit is in the future
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(box).to_have_value(re.compile(r"^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} ۰۸:۰۰$"))
    box.press("End")
    for _ in range(5):
        box.press("Backspace")
    box.type("۰۹:۳۰")  # the picker fills the date; the time is typed
    opener.click()
    check_page(page, "inspection-schedule-picker")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="زمان‌بندی و پیامک").click()
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    inspection = Inspection.objects.get(application=case)
    assert page.url.endswith(f"/inspections/{inspection.pk}/")
    assert timezone.localtime(inspection.scheduled_at).strftime("%H:%M") == "09:30"  # Tehran time

    # The visit: the premises picked on the map fill the coordinates in Persian digits.
    lat, lng = page.get_by_label("عرض جغرافیایی"), page.get_by_label("طول جغرافیایی")
    for field in (lat, lng, page.get_by_label("مساحت مفید اندازه‌گیری‌شده (متر مربع)")):
        assert field.get_attribute("type") == "text" and field.get_attribute("inputmode") == "decimal"
    page.get_by_label("کاربری محل").select_option("commercial")
    page.get_by_label("مساحت مفید اندازه‌گیری‌شده (متر مربع)").fill("۷۲٫۵")
    for name in ("رایانه", "اینترنت پرسرعت", "تابلو", "امکانات رفاهی ارباب رجوع"):
        page.get_by_label(name, exact=True).check()
    the_map = page.get_by_role("region", name="نقشهٔ انتخاب محل فعالیت")
    expect(the_map.locator("path").first).to_be_attached()
    expect(page.locator(".map-legend-districts")).to_be_visible()  # the districts, said to be illustrative
    expect(page.locator(".map-legend-districts")).to_contain_text("نمایشی")
    the_map.click()  # the middle of the map: inside Tehran County
    expect(lat).to_have_value(re.compile("^۳۵٫[۰-۹]+$"))
    expect(lng).to_have_value(re.compile("^۵۱٫[۰-۹]+$"))
    status = page.get_by_role("status").filter(has_text=re.compile("محدوده"))
    expect(status).to_contain_text("درون محدودهٔ مجاز تهران")
    picked = (lat.input_value(), lng.input_value())
    check_page(page, "inspection-map")

    page.get_by_role("button", name="ثبت نتیجهٔ بازدید").click()
    page.locator("#result").wait_for()
    inspection.refresh_from_db()
    assert inspection.status == "done"
    assert page.locator("#result li[data-item='S11.4']").get_attribute("data-result") == "pass"  # in the zone
    area = page.locator("#result li").filter(has_text="مساحت مفید")
    expect(area).to_have_attribute("data-result", "pass")  # ۷۲٫۵ read as 72.5
    assert all(value.startswith(("۳۵٫", "۵۱٫")) for value in picked)
    check_page(page, "inspection-map-result")
