"""The inspector's checklist on a phone (375×812): fill it in, record, see the result per
item. Screenshots in test-artifacts/63-inspection-phone.png (the form) and
63-inspection-phone-result.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import screenshot
from daftar.inspections.services import inspection_schedule

from .helpers import case_at_inspection, inspector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_records_the_checklist_on_a_phone(live_server: Any, browser: Any, csp_guard: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    inspection = inspection_schedule(case_at_inspection(), inspector(), timezone.now() + dt.timedelta(hours=2))
    client = Client()
    client.force_login(inspector())
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 375, "height": 812}, is_mobile=True))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    phone = context.new_page()
    phone.goto(live_server.url + "/inspections/")
    phone.get_by_role("link", name=inspection.application.tracking_code).click()
    phone.wait_for_url(f"**/inspections/{inspection.pk}/")
    assert phone.locator("#checklist li").count() == 8
    phone.get_by_label("کاربری محل").select_option("commercial")
    phone.get_by_label("مساحت مفید اندازه‌گیری‌شده (متر مربع)").fill("72")
    for name in ("رایانه", "اینترنت پرسرعت", "تابلو", "امکانات رفاهی ارباب رجوع"):
        phone.get_by_label(name, exact=True).check()
    phone.get_by_label("عرض جغرافیایی").fill("35.745")
    phone.get_by_label("طول جغرافیایی").fill("51.553")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    screenshot(phone, "63-inspection-phone")
    phone.get_by_role("button", name="ثبت نتیجهٔ بازدید").click()
    phone.wait_for_selector("#result")
    assert phone.locator('#result li[data-result="pass"]').count() == 8
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "63-inspection-phone-result")
    context.close()
