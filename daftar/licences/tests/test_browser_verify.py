"""Browser: a citizen checks a licence on the public verification page, by typing its number
and by following a certificate's QR link (screenshots in test-artifacts/61, 62); the registry
marks the suspended one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from conftest import screenshot
from daftar.kernel.jalali import to_jalali
from daftar.licences import messages as msg
from daftar.licences import signing
from daftar.licences.moves import licence_suspend
from daftar.licences.tests.factories import authority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_verifies_an_active_and_a_suspended_licence(
    live_server: Any, page: Any, make_licence: Any, tmp_path: Path
) -> None:
    active = make_licence()
    suspended = make_licence()
    until = timezone.localdate() + dt.timedelta(days=25)
    licence_suspend(suspended, until=until, reason="تخلف مالی: دریافت وجه بیش از تعرفهٔ مصوب", actor=authority())

    # from the home page's card, then by number typed with Persian digits
    page.goto(live_server.url + "/")
    page.locator("#main").get_by_role("link", name="استعلام مجوز").click()  # the home page's card
    page.wait_for_url("**/licences/verify/")
    page.get_by_label("شمارهٔ مجوز").fill(active.number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    page.get_by_role("button", name="استعلام").click()
    page.wait_for_url(f"**/licences/verify/{active.number}/")
    assert page.locator("#licence-status").inner_text() == "فعال"
    assert page.get_by_text(msg.STATUS_TEXT["active"]).is_visible()
    assert page.locator("#valid-until").inner_text() == to_jalali(active.valid_until)
    assert "معتبر" in page.locator("#signature").inner_text()
    screenshot(page, "61-verify-active")

    # a certificate's QR link (no trailing slash, ?p=<payload>.<signature>)
    token = signing.token(suspended.payload, suspended.signature)
    page.goto(f"{live_server.url}/licences/verify/{suspended.number}?p={token}")
    assert page.locator("#licence-status").inner_text() == "تعلیق‌شده"
    assert page.get_by_text(msg.STATUS_TEXT["suspended"]).is_visible()
    assert to_jalali(until) in page.locator("#suspended-until").inner_text()
    assert msg.QR_VALID in page.locator("#qr-check").inner_text()
    screenshot(page, "62-verify-suspended")

    # the registry of the district lists both, the suspended one marked as not operating
    page.get_by_role("link", name="دفاتر دارای مجوز این منطقه").click()
    page.wait_for_url("**/licences/registry/**")
    operating = page.locator("tr[data-licence][data-operating='1']")
    assert operating.count() == 1 and operating.first.get_attribute("data-licence") == active.number
    stopped = page.locator(f"tr[data-licence='{suspended.number}'][data-operating='0']")
    assert f"تعلیق مجوز دفتر تا پایان {to_jalali(until)}" in stopped.inner_text()
    page.screenshot(path=str(tmp_path / "registry.png"), full_page=True)
    page.goto(f"{live_server.url}/licences/verify/")

    # an unknown number: a plain Persian "not found"
    page.get_by_label("شمارهٔ مجوز").fill("TEH-1404-999999")
    page.get_by_role("button", name="استعلام").click()
    assert page.locator("#verify-error").inner_text() == msg.NOT_FOUND
