"""Browser journey of the Fatemi office's manager (issue 19 §7): on a phone the revenue chart
writes every bar's value, the profit line keeps a true minus sign, and the table keeps its first
column. Screenshots in test-artifacts/ (manager-revenue-…)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.offices.models import Office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER = "09120000008"

# every text the charts draw on their canvas, recorded before any script of the page runs
RECORD_CANVAS_TEXT = """
window.__drawn = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__drawn.push(String(text));
  return fill.call(this, text, ...rest);
};
"""


def test_manager_reads_every_bar_of_the_revenue_chart_on_a_phone(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo offices with their months of figures

    demo_load()
    office = Office.objects.get(staff__user__mobile=MANAGER)
    page.add_init_script(RECORD_CANVAS_TEXT)
    page.set_viewport_size({"width": 360, "height": 800})
    browser_login(page, live_server.url, MANAGER)
    page.goto(f"{live_server.url}/offices/{office.pk}/revenue/")
    page.wait_for_selector("#office-revenue-chart[data-rendered=true]")
    bars = page.evaluate(
        """() => { const spec = JSON.parse(document.getElementById('office-revenue-data').textContent);
                   return spec.datasets.filter(d => d.type === 'bar').reduce((n, d) => n + d.data.length, 0); }"""
    )
    assert bars >= 6
    assert page.locator("#office-revenue-chart").get_attribute("data-bar-labels") == str(bars)
    drawn = page.evaluate("window.__drawn")
    assert not any(t.rstrip().endswith("-") for t in drawn)  # never «۲۰۰-»
    assert all("\u2212" in t for t in drawn if "-" in t or "\u2212" in t)
    first = page.locator("#revenue-table tbody tr th, #revenue-table tbody tr td").first
    assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
    check_page(page, "manager-revenue")
