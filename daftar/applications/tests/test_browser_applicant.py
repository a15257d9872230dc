"""Browser journey of an applicant (issue 4 §7): log in with the real OTP page, find the open
call, apply with a district and the facts, upload every required document through the case
page, submit, and read the tracking code. Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import screenshot
from daftar.accounts.tests.helpers import browser_login
from daftar.applications.models import Application
from daftar.rules.models import DocumentRequirement

from .helpers import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "09120000001"


def test_applicant_applies_uploads_everything_and_submits(live_server: Any, page: Any, tmp_path: Path) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    pdf = tmp_path / "madrak.pdf"
    pdf.write_bytes(pdf_bytes())
    png = tmp_path / "aks.png"
    png.write_bytes(png_bytes())

    browser_login(page, live_server.url, APPLICANT)
    nav = page.get_by_role("navigation", name="ناوبری اصلی")
    nav.get_by_role("button", name="خدمات").click()  # the public pages' drop-down of the menu
    nav.get_by_role("link", name="فراخوان‌ها").click()
    page.wait_for_url("**/calls/")
    assert page.get_by_role("heading", name="فراخوان‌های باز").is_visible()
    screenshot(page, "40-calls")
    page.locator("[data-state=open] h3 a").first.click()
    page.wait_for_url("**/calls/*/")

    page.get_by_label("منطقهٔ محل دفتر").select_option(label="منطقهٔ ۳")
    for name, answer in [
        ("has_criminal_record", "no"),
        ("has_addiction_certificate", "yes"),
        ("health_certified", "yes"),
        ("government_employee", "no"),
        ("represents_other_office", "no"),
        ("training_completed", "yes"),
    ]:
        page.locator(f"input[name={name}][value={answer}]").check()
    page.get_by_label("بالاترین مدرک تحصیلی").select_option("master")
    page.get_by_label("رشتهٔ تحصیلی").select_option("urban_planning")
    page.get_by_label("سابقهٔ کار مرتبط (سال)").fill("۵")
    page.get_by_label("کاربری محل").select_option("commercial")
    page.get_by_label("مساحت مفید محل (متر مربع)").fill("۷۵")
    for item in ("رایانه", "چاپگر", "اینترنت پرسرعت", "تابلو", "امکانات رفاهی ارباب رجوع"):
        page.get_by_label(item).check()
    page.get_by_label("عرض جغرافیایی محل").fill("۳۵٫۷۴۵")
    page.get_by_label("طول جغرافیایی محل").fill("۵۱٫۵۵۳")
    screenshot(page, "41-apply-form")
    page.get_by_role("button", name="ساخت پیش‌نویس درخواست").click()
    page.wait_for_url("**/applications/*/")
    assert page.locator("#case-status").inner_text() == "پیش‌نویس"
    assert page.get_by_text("پیش‌نویس درخواست ساخته شد.").is_visible()
    screenshot(page, "42-case-draft")

    # A file that is not what it claims to be is refused in Persian, next to its document.
    fake = tmp_path / "nameh.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    item = page.locator("[data-document=national_card]")
    item.locator("input[type=file]").set_input_files(str(fake))
    item.get_by_role("button", name="بارگذاری").click()
    page.wait_for_load_state()
    error = page.locator("[data-document=national_card] .invalid-feedback")
    assert "نوع پرونده پذیرفته نیست" in error.inner_text()
    assert page.locator("[data-document=national_card] input[type=file]").get_attribute("aria-invalid") == "true"
    page.locator("[data-document=national_card]").scroll_into_view_if_needed()
    screenshot(page, "42b-upload-refused")

    required = DocumentRequirement.objects.filter(required=True, stage="submission").order_by("order")
    for requirement in required:
        item = page.locator(f"[data-document={requirement.code}]")
        item.locator("input[type=file]").set_input_files(
            str(pdf if "application/pdf" in requirement.accepted_types else png)
        )
        item.get_by_role("button", name="بارگذاری").click()
        page.wait_for_load_state()
        assert page.get_by_text(f"مدرک «{requirement.title}» بارگذاری شد").is_visible()
        assert "در انتظار بررسی" in page.locator(f"[data-document={requirement.code}] .review-state").inner_text()
    assert "همهٔ مدارک بارگذاری شده است" in page.locator("#needed").inner_text()
    screenshot(page, "43-case-documents")

    page.get_by_role("button", name="ثبت نهایی درخواست").click()
    page.wait_for_load_state()
    case = Application.objects.get(applicant__mobile=APPLICANT)
    assert case.status == "submitted" and case.tracking_code
    assert page.locator("#tracking-code").inner_text() == case.tracking_code
    assert page.locator("#case-status").inner_text() == "ثبت‌شده"
    assert page.get_by_role("heading", name="کد رهگیری").is_visible()
    assert page.locator("[data-clock=submitted]").is_visible()
    screenshot(page, "44-case-submitted")

    nav = page.get_by_role("navigation", name="ناوبری اصلی")
    nav.get_by_role("button", name="کارهای من").click()  # the signed-in person's own drop-down
    nav.get_by_role("link", name="پرونده‌های من").click()
    page.wait_for_url("**/applications/")
    assert case.tracking_code in page.locator(f"[data-case='{case.pk}']").inner_text()
    screenshot(page, "45-my-cases")

    # The case page fits a phone (RTL, no sideways scrolling).
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/applications/{case.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    screenshot(page, "46-case-phone")
