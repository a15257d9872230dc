"""The office's staff register in the browser (issue 22 §5): the manager adds a technical
manager, first without a degree (a Persian error, nothing added), then with the degree, field
and a Jalali birth date; the register shows them with their age and the change; a supervisor of
the municipality reads it. Screenshots in test-artifacts/22-register-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.offices import messages as msg
from daftar.offices.models import Office, OfficeStaff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER, SUPERVISOR = "09120000008", "09120000006"
TECH = "09127770001"


def test_the_manager_registers_a_technical_manager_and_the_supervisor_reads_it(
    live_server: Any, page: Any, browser: Any, csp_guard: Any
) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    office = Office.objects.get(staff__user__mobile=MANAGER, staff__role="manager")

    browser_login(page, live_server.url, MANAGER)
    page.goto(f"{live_server.url}/offices/{office.pk}/manage/#staff")
    page.get_by_label("شمارهٔ همراه").fill("۰۹۱۲۷۷۷۰۰۰۱")
    page.get_by_label("نقش").select_option("technical")
    page.get_by_label("رشتهٔ تحصیلی (برای مدیر فنی)").fill("مهندسی فناوری اطلاعات")
    page.get_by_label("تاریخ تولد (برای مدیر فنی)").fill("۱۳۶۵/۰۴/۲۰")
    page.get_by_role("button", name="افزودن کارکن").click()
    expect(page.locator("#id_degree_error")).to_have_text(msg.DEGREE_REQUIRED)
    assert not OfficeStaff.objects.filter(user__mobile=TECH).exists()
    check_page(page, "22-register-error")

    page.get_by_label("مدرک تحصیلی (برای مدیر فنی)").select_option("master")
    page.get_by_role("button", name="افزودن کارکن").click()
    expect(page.locator("#staff")).to_contain_text("مدیر فنی")
    page.get_by_role("link", name="دفتر کارکنان و تاریخچهٔ تغییرات").click()
    row = page.locator('#current-staff tr[data-role="technical"]')
    expect(row).to_contain_text("کارشناسی ارشد، مهندسی فناوری اطلاعات")
    expect(row).to_contain_text(" سال")
    expect(page.locator("#staff-history tbody tr").first).to_contain_text("افزوده شد")
    check_page(page, "22-register")

    supervisor = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    browser_login(supervisor, live_server.url, SUPERVISOR)
    supervisor.goto(f"{live_server.url}/offices/{office.pk}/manage/")
    supervisor.get_by_role("link", name="دفتر کارکنان و تاریخچهٔ تغییرات").click()
    expect(supervisor.locator('#current-staff tr[data-role="technical"]')).to_contain_text("مهندسی فناوری اطلاعات")
    check_page(supervisor, "22-register-supervisor")
