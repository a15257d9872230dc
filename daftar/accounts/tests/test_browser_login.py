"""Browser journey: log in through the real UI (S15.1-S15.4) in Debian's Chromium.

Runs whenever Debian's Chromium (conftest.CHROMIUM) exists; with DAFTAR_REQUIRE_BROWSER=1
(as .ci/run sets) a missing browser is a failure, never a silent skip. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import captcha_answer, screenshot, sms_code
from daftar.accounts.constants import Role
from daftar.accounts.services import role_grant, user_get_or_create
from daftar.accounts.tests.helpers import browser_login
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_through_the_real_ui_lands_on_the_dashboard(live_server: Any, page: Any) -> None:
    city = MunicipalityFactory(slug="tehran", name="شهرداری تهران")
    user, _ = user_get_or_create(mobile="09120000007")
    role_grant(user=user, role=Role.MUNICIPALITY_ADMIN, municipality=city, actor=None)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "00-home")
    page.get_by_role("link", name="ورود", exact=True).click()
    page.wait_for_url("**/login/")
    # The captcha is a real image drawn by the server.
    assert page.locator("#captcha-image").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "01-login")

    page.get_by_label("حقیقی").check()
    page.get_by_label("تابعیت").select_option("IR")
    page.get_by_label("شماره تلفن همراه").fill("۰۹۱۲ ۰۰۰ ۰۰۰۷")
    key = page.locator("#id_captcha_key").input_value()
    page.get_by_label("عدد امنیتی").fill(captcha_answer(key))
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    page.wait_for_url("**/login/code/")
    screenshot(page, "02-code")

    page.get_by_label("رمز یکبار مصرف").fill(sms_code("09120000007"))
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="شهرداری تهران").is_visible()
    assert page.locator("[data-role=municipality_admin]").inner_text() == "مدیر سامانهٔ شهرداری"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Vazirmatn" in font
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    screenshot(page, "03-dashboard")


def test_municipality_admin_grants_a_role_in_the_persian_admin(live_server: Any, page: Any) -> None:
    city = MunicipalityFactory(slug="tehran", name="شهرداری تهران")
    other = MunicipalityFactory(slug="karaj", name="شهرداری کرج")
    admin, _ = user_get_or_create(mobile="09120000007")
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=city, actor=None)
    stranger, _ = user_get_or_create(mobile="09350000001")
    role_grant(user=stranger, role=Role.SUPERVISOR, municipality=other, actor=None)

    browser_login(page, live_server.url, "09120000007")
    # the administrator's work is on the desk pages now; the Persian admin is still reachable
    page.goto(live_server.url + "/admin/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text("مدیریت سامانهٔ دفاتر خدمات الکترونیک شهر").first.is_visible()
    page.goto(live_server.url + "/admin/accounts/roleassignment/add/")
    page.get_by_label("شماره همراه کاربر").fill("۰۹۱۲ ۵۵۵ ۶۶۷۷")
    page.get_by_label("نقش").select_option("reviewer")
    page.get_by_label("شهرداری").select_option(label="شهرداری تهران")
    assert page.locator("#id_municipality option", has_text="شهرداری کرج").count() == 0
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/accounts/roleassignment/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2  # the admin's own role and the new one; not Karaj's supervisor
    assert "09125556677" in page.locator("#result_list").inner_text()
    assert "کرج" not in page.content()  # another municipality is not even named
    assert to_jalali(timezone.now()) in page.locator("#result_list").inner_text()  # Jalali dates
    screenshot(page, "06-admin-roles")


def test_wrong_captcha_then_refresh_in_the_browser(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/login/")
    old_key = page.locator("#id_captcha_key").input_value()
    page.get_by_role("button", name="تصویر دیگر").click()
    expect(page.locator("#id_captcha_key")).not_to_have_value(old_key)  # no eval under the CSP
    page.get_by_label("شماره تلفن همراه").fill("09121234567")
    page.get_by_label("عدد امنیتی").fill("00000")
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    expect(page.get_by_text("عدد امنیتی نادرست یا منقضی شده است").first).to_be_visible()
    # Focus moves to the field that needs fixing, for keyboard and screen-reader users.
    assert page.evaluate("document.activeElement.id") == "id_captcha_value"
    screenshot(page, "04-wrong-captcha")


def test_login_page_fits_a_phone(live_server: Any, browser: Any, csp_guard: Any) -> None:
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 375, "height": 740}, is_mobile=True))
    phone = context.new_page()
    phone.goto(live_server.url + "/login/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    assert phone.get_by_role("button", name="ارسال رمز یکبار مصرف").is_visible()
    screenshot(phone, "05-login-phone")
    context.close()


def test_changing_the_mobile_number_through_the_real_ui(live_server: Any, page: Any) -> None:
    """Issue 8: from the dashboard to a new number, the code sent to it, and the notice; every
    page of the journey under the strict CSP (the ``page`` fixture fails on a violation)."""
    browser_login(page, live_server.url, "09120000008")
    page.get_by_role("link", name="تغییر شمارهٔ همراه").click()
    page.wait_for_url("**/profile/mobile/")
    page.get_by_label("شمارهٔ همراه تازه").fill("۰۹۳۵ ۱۲۳ ۴۵۶۷")
    page.get_by_role("button", name="فرستادن رمز تأیید").click()
    page.wait_for_url("**/profile/mobile/")
    assert page.get_by_text("رمز تأیید به شمارهٔ تازه فرستاده شد.").is_visible()
    screenshot(page, "04-mobile-change-code")
    page.get_by_label("رمز یکبار مصرف").fill(sms_code("09351234567"))
    page.get_by_role("button", name="تأیید و تغییر شماره").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_text("شمارهٔ همراه حساب شما تغییر کرد").is_visible()
    assert "۰۹۳۵۱۲۳۴۵۶۷" in page.content()
    screenshot(page, "05-mobile-changed")


def test_the_api_documentation_pages_render_under_the_csp(live_server: Any, page: Any) -> None:
    """Swagger UI loads only from our host, with no inline script or style, and shows the API's
    operations; ReDoc's old address leads there (ReDoc injected styles and a remote logo)."""
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() > 30
    csp = page.evaluate("async () => (await fetch(location.href)).headers.get('content-security-policy')")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    screenshot(page, "06-api-docs")
    page.goto(live_server.url + "/api/redoc/")
    page.wait_for_url("**/api/docs/")
