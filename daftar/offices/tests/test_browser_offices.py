"""Browser journey (S17): a citizen finds an office open now and reads its hours and tariffs;
the manager changes the week on the office page. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from daftar.accounts.tests.helpers import browser_login
from daftar.offices.models import Office, WeeklyHours

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "09120000008"


def test_citizen_finds_an_office_and_the_manager_edits_the_week(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    office = Office.objects.order_by("pk").first()
    assert office is not None
    page.goto(live_server.url + "/offices/")
    assert page.get_by_role("heading", name="یافتن دفتر خدمات الکترونیک شهر").is_visible()
    assert page.locator("[data-office]").count() == 3
    screenshot(page, "60-office-finder")
    page.get_by_label("خدمت").select_option("building_permit")
    page.get_by_role("button", name="جست‌وجو").click()
    page.wait_for_url("**/offices/?*")
    page.locator(f"[data-office='{office.pk}'] h2 a").click()
    page.wait_for_url(f"**/offices/{office.pk}/")
    assert page.get_by_role("link", name="رزرو نوبت").get_attribute("href") == f"/offices/{office.pk}/book/"
    assert page.locator("[data-service='building_permit']").inner_text().endswith("۱٬۵۰۰٬۰۰۰")
    screenshot(page, "61-office-page")

    browser_login(page, live_server.url, MANAGER)
    page.goto(live_server.url + "/offices/mine/")
    page.get_by_role("link", name="ادارهٔ دفتر").click()
    page.wait_for_url(f"**/offices/{office.pk}/manage/")
    page.get_by_label("چهارشنبه — نوبت ۱ — تا", exact=True).fill("13:00")
    page.get_by_role("button", name="ذخیرهٔ ساعات کار").click()
    page.wait_for_url(f"**/offices/{office.pk}/manage/*")
    assert page.get_by_text("ساعات کار هفتگی ذخیره شد.").is_visible()
    assert WeeklyHours.objects.get(office=office, weekday=4).end.hour == 13
    page.get_by_label("شنبه — نوبت ۱ — از", exact=True).fill("07:00")
    page.get_by_role("button", name="ذخیرهٔ ساعات کار").click()
    expect(page.get_by_text("بیرون از ساعات مصوب شهرداری است").first).to_be_visible()
    screenshot(page, "62-office-manage-hours")
