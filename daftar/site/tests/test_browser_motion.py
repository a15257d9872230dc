"""The pages with motion on (docs/decisions/0048 §7): the other browser tests prefer reduced
motion, which turns Bootstrap's transitions and smooth scrolling off. Here a visitor whose
browser does not ask for that opens the phone's menu, which slides open, and follows a link of
it to its page; screenshots in test-artifacts/motion-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_phone_menu_slides_open_and_leads_to_its_page(live_server: Any, browser: Any, csp_guard: Any) -> None:
    context = csp_guard(
        browser.new_context(
            locale="fa-IR", viewport={"width": 360, "height": 800}, is_mobile=True, reduced_motion="no-preference"
        )
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: no-preference)').matches")
    menu = page.locator("#nav")
    expect(menu).to_be_hidden()  # folded on a phone
    page.get_by_role("button", name="باز کردن فهرست").click()
    expect(menu).to_be_visible()
    expect(page.get_by_role("button", name="باز کردن فهرست")).to_have_attribute("aria-expanded", "true")
    check_page(page, "motion-01-menu-open", widths=(360,))
    menu.get_by_role("link", name="یافتن دفتر").click()
    page.wait_for_url("**/offices/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "motion-02-finder")
    context.close()
