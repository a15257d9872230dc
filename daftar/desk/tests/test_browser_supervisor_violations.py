"""The supervisor's violation journeys in a browser (issue 18 §2), on the demo data: open the
inbox and a system-detected overcharge with its evidence; record a violation with an evidence
file on a phone; issue a notice and see its deadline. Screenshots at 360 and 1366 px in
test-artifacts/ (``check_page``: no overflow, no serious axe-core finding)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.supervision.models import Notice, Violation, ViolationSource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERVISOR = "09120000006"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _load() -> Violation:
    from daftar.demo.services import demo_load  # after the live server's flush: the demo, afresh

    demo_load()
    return Violation.objects.get(violation_type__code="overcharging", source=ViolationSource.SYSTEM)


def test_supervisor_opens_a_detected_overcharge_with_its_evidence(live_server: Any, page: Any) -> None:
    overcharge = _load()
    browser_login(page, live_server.url, SUPERVISOR)
    page.goto(live_server.url + "/desk/supervision/violations/")
    assert page.locator("#violations-table tbody tr").count() == Violation.objects.count() >= 3
    check_page(page, "desk-violations-inbox")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator(f'tr[data-violation="{overcharge.pk}"] a').click()
    page.wait_for_url(f"**/desk/supervision/violations/{overcharge.pk}/")
    headline = page.locator("#evidence-headline").inner_text()
    assert "دریافت" in headline and "در برابر تعرفهٔ" in headline and "ریال" in headline
    assert page.locator("#recorder").inner_text() == "سامانه"
    assert "DEMO-OVER-1" in page.locator("#evidence").inner_text()
    check_page(page, "desk-violation-overcharge")


def test_supervisor_records_a_violation_with_a_photo_on_a_phone(live_server: Any, browser: Any, csp_guard: Any) -> None:
    _load()
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 360, "height": 800}, is_mobile=True))
    phone = context.new_page()
    browser_login(phone, live_server.url, SUPERVISOR)
    phone.goto(live_server.url + "/desk/supervision/violations/new/")
    phone.get_by_label("یافتن مجوز با نام دفتر یا شماره").fill("فاطمی")
    phone.get_by_role("button", name="جست‌وجو").click()
    phone.locator("#licence-results a").first.click()
    phone.get_by_label("نوع تخلف").select_option("unauthorised_closure")
    phone.get_by_label("زمان مشاهده (شمسی)").fill("")
    phone.get_by_label("شرح تخلف").fill("دفتر در ساعت کاری اعلام‌شده بسته بود و تابلوی تعطیلی نداشت.")
    # the file field speaks Persian, not the browser's «Choose Files»
    face = phone.locator(".file-face")
    assert "انتخاب فایل‌ها" in face.inner_text() and "هیچ فایلی انتخاب نشده است" in face.inner_text()
    phone.set_input_files(
        "#id_evidence_files", files=[{"name": "dar-baste.png", "mimeType": "image/png", "buffer": _png()}]
    )
    assert "dar-baste.png" in face.inner_text()
    check_page(phone, "desk-violation-record-phone", widths=(360,))
    phone.get_by_role("button", name="ثبت تخلف").click()
    phone.wait_for_url("**/desk/supervision/violations/*/")
    violation = Violation.objects.get(violation_type__code="unauthorised_closure")
    assert violation.files.count() == 1 and violation.source == ViolationSource.SUPERVISOR
    assert "dar-baste.png" in phone.locator("#evidence-files").inner_text()
    check_page(phone, "desk-violation-recorded-phone", widths=(360,))
    context.close()


def test_supervisor_issues_a_notice_and_sees_its_deadline(live_server: Any, page: Any) -> None:
    overcharge = _load()
    number = overcharge.licence.number
    browser_login(page, live_server.url, SUPERVISOR)
    page.goto(live_server.url + f"/desk/supervision/violations/{overcharge.pk}/")
    page.get_by_role("link", name="صدور اخطاریه برای این مجوز").click()
    page.wait_for_url(f"**/desk/supervision/licences/{number}/notice/**")
    # only the overcharge is chosen (from its page); add the after-hours work too
    page.locator("fieldset input[type=checkbox]").nth(2).check()
    page.get_by_role("button", name="دیدن پیامد پیشنهادی").click()
    proposal = page.locator("#proposal").inner_text()
    assert "تعلیق موقت ۳۰ روزه" in proposal and "۵ روز کاری" in proposal
    check_page(page, "desk-notice-issue")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("پیامد پیشنهادی و مهلت پاسخ را دیدم؛ اخطاریه صادر و به دارندهٔ مجوز پیامک شود.").check()
    page.get_by_role("button", name="صدور اخطاریه").click()
    page.wait_for_url("**/desk/supervision/notices/*/")
    notice = Notice.objects.get(licence__number=number)
    assert notice.violations.count() == 2
    assert "روز کاری، تا" in page.locator("#notice-due").inner_text()
    assert "هنوز پاسخی نرسیده است" in page.locator("#notice-response").inner_text()
    check_page(page, "desk-notice-page")
    page.goto(live_server.url + "/desk/supervision/notices/")
    assert page.locator(f'tr[data-notice="{notice.pk}"]').count() == 1
    check_page(page, "desk-notices-list")
