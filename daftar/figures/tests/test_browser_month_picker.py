"""Browser test of the Jalali picker's month mode on the public figures page: two month fields
(«از ماه», «تا ماه»), each calendar button described by its own field's label so a screen
reader tells them apart; a year of months moved through with the keyboard (in a right-to-left
grid the next month is to the left, Page Up a year back); the chosen month written in Persian
digits and the page shown for that period. Screenshots in test-artifacts/month-picker-*."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import jdatetime
import pytest
from playwright.sync_api import expect

from conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(text: object) -> str:
    return str(text).translate(FA)


def test_month_picker_by_keyboard_on_the_figures_page(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo loads models: only once the test db exists

    demo_load(offices=False)
    today = jdatetime.date.today()
    page.goto(live_server.url + "/figures/tehran/")
    start, end = page.get_by_label("از ماه"), page.get_by_label("تا ماه")
    openers = page.get_by_role("button", name="باز کردن تقویم")
    expect(openers).to_have_count(2)
    expect(openers.nth(0)).to_have_accessible_description("از ماه")
    expect(openers.nth(1)).to_have_accessible_description("تا ماه")
    dialog = page.get_by_role("dialog", name="تقویم شمسی")

    # «از ماه», empty: the picker opens on this month; Page Up goes a year back, Enter chooses.
    openers.nth(0).click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text(f"سال {fa(today.year)}")
    assert dialog.locator(".jalali-month").count() == 12
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"{MONTHS[today.month - 1]} {fa(today.year)}"
    page.keyboard.press("PageUp")
    expect(dialog.locator("h2")).to_have_text(f"سال {fa(today.year - 1)}")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(start).to_have_value(fa(f"{today.year - 1}/{today.month:02d}"))
    expect(start).to_be_focused()

    # «تا ماه», typed: the picker opens on the typed month, marked chosen; a month back is to the
    # right in a right-to-left grid.
    typed = jdatetime.date(today.year, today.month, 1) - jdatetime.timedelta(days=1)  # last month
    end.fill(fa(f"{typed.year}/{typed.month:02d}"))
    openers.nth(1).click()
    expect(dialog).to_be_visible()
    chosen = dialog.locator('.jalali-month[aria-pressed="true"]')
    expect(chosen).to_have_accessible_name(f"{MONTHS[typed.month - 1]} {fa(typed.year)}")
    expect(chosen).to_be_focused()
    page.keyboard.press("ArrowRight")
    earlier = jdatetime.date(typed.year, typed.month, 1) - jdatetime.timedelta(days=1)
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"{MONTHS[earlier.month - 1]} {fa(earlier.year)}"
    check_page(page, "month-picker-open")
    page.keyboard.press("Enter")
    expect(end).to_have_value(fa(f"{earlier.year}/{earlier.month:02d}"))

    page.get_by_role("button", name="نمایش").click()
    page.wait_for_url("**/figures/tehran/?*")
    query = parse_qs(urlparse(page.url).query)
    assert query["start"] == [fa(f"{today.year - 1}/{today.month:02d}")]
    assert query["end"] == [fa(f"{earlier.year}/{earlier.month:02d}")]
    assert not page.locator("#period-error").count()
    check_page(page, "month-picker-period")
