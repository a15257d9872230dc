"""Browser journey: on the open call's apply form the applicant picks the premises on the map
(the illustrative district borders drawn and said to be illustrative), creates the draft with
that location, and uploads one document: it is marked «◐ در انتظار بررسی» at once, never with
the ✔ of an accepted document. Screenshots in test-artifacts/ (apply-map-*, case-document-pending-*)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.applications.models import Application

from .helpers import open_call, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "09120000001"


def _number(text: str) -> float:
    return float(text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٫", "0123456789.")))


def test_applicant_picks_the_premises_on_the_map_of_the_apply_form(live_server: Any, page: Any, tmp_path: Path) -> None:
    from daftar.demo.services import demo_load  # needs the database the live server serves

    demo_load()
    browser_login(page, live_server.url, APPLICANT)
    page.goto(f"{live_server.url}/calls/{open_call().pk}/")
    page.get_by_label("منطقهٔ محل دفتر").select_option(label="منطقهٔ ۳")
    lat, lng = page.get_by_label("عرض جغرافیایی محل"), page.get_by_label("طول جغرافیایی محل")
    the_map = page.get_by_role("region", name="نقشهٔ انتخاب محل فعالیت")
    expect(the_map.locator("path").first).to_be_attached()
    legend = page.locator(".map-legend-districts")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("نمایشی، نه مرز رسمی مناطق")
    expect(page.locator(".map-legend-no-districts")).to_be_hidden()
    assert the_map.locator(".district-label").count() == 22
    the_map.click()  # the middle of the map: inside Tehran County
    expect(lat).to_have_value(re.compile("^۳۵٫[۰-۹]+$"))
    expect(lng).to_have_value(re.compile("^۵۱٫[۰-۹]+$"))
    expect(page.get_by_role("status").filter(has_text="محدوده")).to_contain_text("درون محدودهٔ مجاز تهران")
    picked = (_number(lat.input_value()), _number(lng.input_value()))
    check_page(page, "apply-map")

    page.get_by_role("button", name="ساخت پیش‌نویس درخواست").click()
    page.wait_for_url("**/applications/*/")
    case = Application.objects.filter(applicant__mobile=APPLICANT).latest("pk")
    location = case.facts["location"]
    assert (round(location["lat"], 6), round(location["lng"], 6)) == picked

    # One document uploaded: waiting for review, with its own mark and words.
    scan = tmp_path / "national_card.pdf"
    scan.write_bytes(pdf_bytes())
    page.locator("#drop-input").set_input_files(str(scan))
    page.get_by_role("button", name="بارگذاری فایل‌ها").click()
    page.locator("#upload-queue .upload-item.is-done").wait_for()
    row = page.locator("[data-document=national_card]")
    expect(row).to_have_attribute("data-state", "pending")
    expect(row.locator(".doc-tick")).to_have_text("◐")
    expect(row.locator(".review-state")).to_have_text("بارگذاری شد، در انتظار بررسی")
    expect(page.locator("#documents-count")).to_contain_text("، ۹ مانده")
    check_page(page, "case-document-pending")
    page.reload()  # the server draws the same
    expect(page.locator("[data-document=national_card] .doc-tick")).to_have_text("◐")
