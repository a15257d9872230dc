"""A citizen complains about an office on a phone (360 px), a supervisor answers it (upheld) and
records the violation at 1366 px, and the citizen sees the answer (issue 21 §3). Each page is
checked at both widths all the same (issue 19 §10). Screenshots in test-artifacts/21-complaint-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.complaints.models import Complaint
from daftar.offices.models import Office
from daftar.supervision.models import Violation, ViolationSource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN, SUPERVISOR = "09120000001", "09120000006"
TEXT = "برای استعلام ملک دو برابر مبلغ تعرفه از من گرفتند و رسید ندادند."
ANSWER = "بررسی تراکنش‌های دفتر نشان داد که مبلغ دریافتی بیش از تعرفهٔ مصوب بوده است؛ شکایت وارد است."


def test_citizen_complains_supervisor_upholds_and_records_the_violation(
    live_server: Any, page: Any, browser: Any, csp_guard: Any
) -> None:
    from daftar.demo.services import demo_load  # the demo's offices and their licences

    demo_load()
    office = Office.objects.filter(licence__isnull=False, active=True).order_by("pk").first()
    assert office is not None

    # the citizen, on a phone
    page.set_viewport_size({"width": 360, "height": 800})
    browser_login(page, live_server.url, CITIZEN)
    page.goto(f"{live_server.url}/offices/{office.pk}/")
    page.get_by_role("link", name="ثبت شکایت").click()
    page.wait_for_url("**/complaints/new/**")
    check_page(page, "21-complaint-form")
    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_label("دریافت وجه بیش از تعرفه").check()
    page.get_by_role("textbox", name="شرح شکایت").fill(TEXT)
    page.get_by_role("button", name="ثبت شکایت").click()
    page.wait_for_selector("text=کد پیگیری")
    complaint = Complaint.objects.get()
    assert page.url.endswith(f"/complaints/{complaint.tracking_code}/")
    check_page(page, "21-complaint-tracking")

    # the supervisor, at a desk
    desk_context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900}))
    desk = desk_context.new_page()
    browser_login(desk, live_server.url, SUPERVISOR)
    desk.get_by_role("link", name="شکایت‌ها").first.click()
    desk.wait_for_url("**/desk/complaints/")
    check_page(desk, "21-complaint-inbox")
    desk.locator(f'[href="/desk/complaints/{complaint.tracking_code}/"]').click()
    desk.get_by_label("وارد است").check()
    desk.get_by_role("textbox", name="پاسخ مستدل").fill(ANSWER)
    desk.get_by_role("button", name="ثبت پاسخ").click()
    desk.wait_for_selector("text=پاسخ ثبت شد")
    check_page(desk, "21-complaint-answered")
    desk.get_by_label("تأیید می‌کنم که این تخلف ثبت شود.").check()
    desk.get_by_role("button", name="ثبت تخلف").click()
    desk.wait_for_selector("text=تخلف ثبت شد")
    violation = Complaint.objects.get().violation
    assert violation is not None and Violation.objects.filter(source=ViolationSource.COMPLAINT).count() == 1
    assert violation.source == ViolationSource.COMPLAINT and violation.licence == office.licence
    check_page(desk, "21-complaint-violation")
    desk_context.close()

    # the citizen sees the answer
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/complaints/")
    page.locator(f'[href="/complaints/{complaint.tracking_code}/"]').click()
    assert "شکایت وارد است" in page.locator("#answer").inner_text()
    assert "درخواست بررسی دوباره" in page.content()
    check_page(page, "21-complaint-answer-seen")
