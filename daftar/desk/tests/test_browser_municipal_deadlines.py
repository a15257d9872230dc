"""The municipality administrator sets the deadline rules in a browser (issue 21 §2 follow-up):
opens the page from the menu, types a bad reminder day and reads the Persian error next to the
box, fixes it, chooses deemed approval with its confirmation, saves and reads the saved values.
Each page at 360 and 1366 px with axe-core (``check_page``); screenshots in
test-artifacts/municipal-deadlines*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN, AUTHORITY = "09120000007", "09120000005"


def test_an_administrator_sets_reminders_head_and_deemed_approval(live_server: Any, page: Any) -> None:
    from daftar.applications.models import DeadlineConsequence, DeadlineSettings
    from daftar.demo.services import demo_load
    from daftar.municipalities.models import Municipality

    demo_load(offices=False)
    city = Municipality.objects.get(role_assignments__user__mobile=ADMIN)

    browser_login(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/desk/municipality/hours/")
    page.get_by_role("link", name="مهلت‌ها و پیامدها").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("مهلت‌ها و پیامدهای")
    expect(page.locator("[data-now='staff']")).to_contain_text("پیش‌فرض نمونهٔ سامانه")
    check_page(page, "municipal-deadlines")

    staff = page.get_by_label("یادآوری به کارشناس مسئول")
    staff.fill("۳، ۱۲")
    page.get_by_label("مرجع بالاتر", exact=True).select_option(label="فاطمه یزدانی (۰۹۱۲۰۰۰۰۰۰۵)")
    fieldset = page.locator("fieldset[data-licence-type]").first
    fieldset.get_by_label("صدور مجوز به حکم قانون", exact=False).first.check()
    page.get_by_role("button", name="ذخیرهٔ مهلت‌ها و پیامدها").click()
    expect(page.locator("#id_staff_days_error")).to_contain_text("«۱۲» در این بازه نیست")
    expect(staff).to_have_attribute("aria-invalid", "true")
    expect(fieldset.locator(".invalid-feedback")).to_contain_text("کادر تأیید")
    assert not DeadlineSettings.objects.filter(municipality=city).exists()
    assert not DeadlineConsequence.objects.filter(municipality=city).exists()
    check_page(page, "municipal-deadlines-error")

    staff.fill("۳، ۱")
    page.get_by_label("یادآوری به مرجع بالاتر").fill("1")
    fieldset.get_by_role("checkbox").check()
    page.get_by_role("button", name="ذخیرهٔ مهلت‌ها و پیامدها").click()
    expect(page.get_by_role("status")).to_contain_text("ذخیره شد")
    expect(page.locator("[data-now='staff']")).to_have_text("۳ و ۱ روز کاری پیش از پایان مهلت")
    expect(page.locator("[data-now='head_days']")).to_have_text("۱ روز کاری پیش از پایان مهلت")
    expect(page.locator("[data-now='head']")).to_contain_text("فاطمه یزدانی")
    expect(staff).to_have_value("۳، ۱")
    expect(fieldset).to_contain_text("اکنون: صدور مجوز به حکم قانون")
    row = DeadlineSettings.objects.get(municipality=city)
    assert row.staff_days == [3, 1] and row.head_days == [1] and row.head.mobile == AUTHORITY
    assert DeadlineConsequence.objects.get(municipality=city).kind == DeadlineConsequence.Kind.DEEMED_APPROVAL
    check_page(page, "municipal-deadlines-saved")
