"""Browser test (issue 6 «an office manager sees the revenue chart»): the manager logs in with
the real OTP page, opens the office's revenue page and sees the chart drawn on its canvas with
the data table beside it; then the planner draws its cumulative-profit chart. Screenshots in
test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import screenshot
from daftar.accounts.tests.helpers import browser_login
from daftar.kernel.jalali import jalali_month_bounds
from daftar.ledger.months import current_month
from daftar.ledger.tests.factories import build_world, cost, tx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_manager_sees_the_revenue_chart(live_server: Any, page: Any) -> None:
    world = build_world()
    now = current_month()
    codes = ["building_permit", "property_inquiry", "charges_payment", "other_inquiry"]
    for back in range(6):
        month = now.shifted(-back)
        first, last = jalali_month_bounds(month.year, month.month)
        for i in range(3 + back % 3):
            tx(world.office, codes[(i + back) % 4], first if i % 2 else last)
        cost(world.office, month.year, month.month, "rent", 900_000)
        cost(world.office, month.year, month.month, "salaries", 600_000 + 100_000 * back)

    browser_login(page, live_server.url, world.manager.mobile)
    page.goto(f"{live_server.url}/offices/{world.office.pk}/revenue/")
    page.wait_for_selector("#office-revenue-chart[data-rendered=true]")
    canvas = page.locator("#office-revenue-chart")
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    # something was drawn: the canvas is not blank
    painted = page.evaluate(
        """() => { const c = document.getElementById('office-revenue-chart');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert painted > 1000
    table = page.locator("#revenue-table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 6
    assert now.label in table.inner_text()
    assert page.get_by_role("heading", name="هزینه‌های ثبت‌شده").is_visible()
    screenshot(page, "70-office-revenue-chart")

    page.goto(f"{live_server.url}/planner/")
    page.get_by_label("منطقهٔ محل دفتر").select_option(label="منطقهٔ ۱")
    page.get_by_label("حقوق کارکنان در ماه (ریال)").fill("۳۰۰٬۰۰۰")
    page.get_by_label("اجارهٔ ماهانه (ریال)").fill("۲۰۰۰۰۰")
    page.get_by_label("هزینهٔ یک‌بارهٔ تجهیزات (ریال)").fill("۱۰۰۰۰۰۰")
    page.get_by_role("button", name="برآورد کن").click()
    page.wait_for_selector("#planner-chart[data-rendered=true]")
    assert page.locator("#figure-income").is_visible()
    assert page.locator("#cumulative-table tbody tr").count() >= 12
    screenshot(page, "71-planner")
