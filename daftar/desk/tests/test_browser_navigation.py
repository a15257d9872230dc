"""The menu grouped by role and the Jalali date picker, in the browser (issue 18 §4, §5).

Screenshots in test-artifacts/: 18-menu-*.png (the signed-in menu open, per role) and
18-date-picker-*.png (the calendar dialog open)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page, screenshot
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUTHORITY, SUPERVISOR, ADMIN, APPLICANT = "09120000005", "09120000006", "09120000007", "09120000001"


def _demo() -> None:
    from daftar.demo.services import demo_load  # the demo's users and roles, after the database is ready

    demo_load()


def _top_row_fits(page: Any) -> bool:
    """The menu's items on one line at this width: each item's middle within the one row's
    band (a wrapped item sits a whole row lower), and the bar no taller than one row."""
    return page.evaluate(
        "() => { const mids = [...document.querySelectorAll('#nav > ul > li, #nav > div')].map(e => {"
        " const r = e.getBoundingClientRect(); return r.top + r.height / 2 });"
        " const bar = document.querySelector('nav.navbar').getBoundingClientRect().height;"
        " return Math.max(...mids) - Math.min(...mids) < 12 && bar < 72 }"
    )


@pytest.mark.parametrize("mobile", [AUTHORITY, SUPERVISOR, ADMIN])
def test_staff_menu_is_grouped_by_role_and_fits_one_line(live_server: Any, page: Any, mobile: str) -> None:
    _demo()
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, live_server.url, mobile)
    assert _top_row_fits(page), "the menu wraps at 1366 px"
    groups = page.locator("[data-menu-group]")
    assert groups.count() >= 1
    groups.first.locator("button").click()
    expect(groups.first.locator(".dropdown-menu")).to_be_visible()
    screenshot(page, f"18-menu-{mobile}")
    # the API is for programmers: in the footer, not in the menu
    assert page.locator("#nav a[href='/api/docs/']").count() == 0
    assert page.locator("footer a[href='/api/docs/']").count() == 1
    check_page(page, f"18-dashboard-{mobile}")


def test_a_citizen_sees_no_staff_item(live_server: Any, page: Any) -> None:
    _demo()
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, live_server.url, APPLICANT)
    assert page.locator("[data-menu-group]").count() == 0
    assert _top_row_fits(page)
    nav = page.locator("#nav").inner_text()
    for staff_word in ("صف کار", "تخلف", "مدیریت شهرداری", "صدور مجوز", "API"):
        assert staff_word not in nav


def test_the_date_picker_works_by_keyboard_and_fills_a_jalali_date(live_server: Any, page: Any) -> None:
    _demo()
    browser_login(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/tariffs/revisions/")
    field = page.get_by_label("اجرا از تاریخ (شمسی)")
    field.fill("۱۴۰۵/۱۰/۰۱")
    opener = page.get_by_role("button", name="باز کردن تقویم")
    assert opener.get_attribute("aria-expanded") == "false"
    opener.click()
    dialog = page.get_by_role("dialog", name="تقویم شمسی")
    assert dialog.is_visible()
    assert "دی ۱۴۰۵" in dialog.locator("h2").inner_text()  # opens on the typed month
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "۱ دی ۱۴۰۵"
    check_page(page, "18-date-picker-open")
    # in a right-to-left calendar the next day is to the left; a week down; a month on
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    assert "بهمن ۱۴۰۵" in dialog.locator("h2").inner_text()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert field.input_value() == "۱۴۰۵/۱۱/۰۹"
    # the month buttons keep the focus inside the dialog, and Escape still closes it
    opener.click()
    dialog.get_by_role("button", name="ماه بعد").click()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "ماه بعد"
    assert "اسفند ۱۴۰۵" in dialog.locator("h2").inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    # Escape closes without choosing and gives the focus back to the button
    opener.click()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('jalali-open')")
    # a typed date in Latin digits is read too
    field.fill("1405/12/29")
    opener.click()
    assert "اسفند ۱۴۰۵" in dialog.locator("h2").inner_text()
    page.keyboard.press("Escape")
    screenshot(page, "18-date-picker-closed")
