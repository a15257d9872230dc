"""Browser journey: on the public self-check, pick the premises on the map, see the inputs
filled and the live status; type coordinates and see the marker and the status follow; move
the marker by keyboard. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pick_the_premises_on_the_map_and_by_typing(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo loads models: only once the test db exists

    demo_load()
    page.goto(live_server.url + "/licences/e-city-office/check/?municipality=tehran")
    lat, lng = page.get_by_label("عرض جغرافیایی محل"), page.get_by_label("طول جغرافیایی محل")
    status = page.get_by_role("status").filter(has_text=re.compile("محدوده"))
    the_map = page.get_by_role("region", name="نقشهٔ انتخاب محل فعالیت")
    expect(the_map.locator(".leaflet-interactive, path").first).to_be_attached()

    the_map.click()  # the middle of the map: inside Tehran County
    expect(lat).to_have_value(re.compile("^۳۵٫"))
    expect(lng).to_have_value(re.compile("^۵۱٫"))
    expect(status).to_contain_text("درون محدودهٔ مجاز تهران")
    expect(status).to_contain_text(re.compile("نزدیک‌ترین دفتر خدمات، «.+»، [۰-۹٫]+ (متر|کیلومتر)"))
    check_page(page, "map-picker-inside")

    marker = page.get_by_role("button", name=re.compile("نشانگر محل فعالیت"))
    before = marker.bounding_box()
    lat.fill("35.95")  # Latin digits typed: north-west, outside the county
    lng.fill("۵۰٫۹")
    expect(status).to_contain_text("بیرون از محدوده‌های مجاز تهران")
    assert marker.bounding_box() != before  # the marker followed the typed point
    check_page(page, "map-picker-outside")

    lat.fill("۳۵٫۷۴۵")
    lng.fill("۵۱٫۵۵۳")
    expect(status).to_contain_text("درون محدودهٔ مجاز")
    # the typed point is placed after a pause in typing (350 ms): on a loaded machine the marker
    # may still be moving into place when it gets the focus, so the arrow key is pressed again
    # (at most six times) until the point moves; the marker is focused and the key pressed in one
    # step (``press``), so nothing takes the focus in between
    # every key the document receives, noted by the test (through the debugging protocol, which
    # the page's CSP does not govern): a failure says whether the key arrived, and where
    page.evaluate(
        "() => { window.__keys = []; document.addEventListener('keydown', e => window.__keys.push("
        "e.key + ' on ' + (e.target.getAttribute && e.target.getAttribute('alt') || e.target.tagName) + "
        "(e.defaultPrevented ? ' (handled)' : '')), true); }"
    )
    for _ in range(6):
        marker.press("ArrowUp")
        try:
            expect(lat).not_to_have_value("۳۵٫۷۴۵", timeout=2000)
            break
        except AssertionError:
            continue
    else:
        focused = page.evaluate("document.activeElement ? document.activeElement.outerHTML.slice(0, 300) : ''")
        keys = page.evaluate("window.__keys")
        pytest.fail(f"six arrow keys did not move the marker; the focus was on {focused}; keys seen: {keys}")
    expect(lng).to_have_value(re.compile("^۵۱٫۵۵"))
