"""Browser journey of a reviewer (issue 4 §7): a submitted case is in the queue; the reviewer
opens it, starts the review, accepts documents, rejects one with a reason and asks for a
correction; the case is then «نیازمند اصلاح». Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import screenshot
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login
from daftar.applications.models import Application
from daftar.documents.models import Document

from .helpers import client_for, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEWER = "09120000002"
REASON = "تصویر کارت ملی ناخواناست"
CORRECTION = "لطفاً تصویر خوانای کارت ملی و شناسنامه را بارگذاری کنید."


def test_reviewer_rejects_a_document_and_requests_a_correction(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    case_id = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    case = Application.objects.get(pk=case_id)

    browser_login(page, live_server.url, REVIEWER)
    nav = page.get_by_role("navigation", name="ناوبری اصلی")
    nav.get_by_role("button", name="پرونده‌ها").click()  # the case staff's drop-down of the menu
    nav.get_by_role("link", name="صف کار پرونده‌ها").click()
    page.wait_for_url("**/staff/queue/")
    row = page.locator(f"tr[data-case='{case_id}']")
    assert "ثبت‌شده" in row.inner_text()
    screenshot(page, "50-queue")
    row.get_by_role("link", name=case.tracking_code).click()
    page.wait_for_url(f"**/applications/{case_id}/")
    assert page.locator("#tracking-code").inner_text() == case.tracking_code

    page.locator("form[data-action=start_review]").get_by_role("button", name="آغاز بررسی مدارک").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "بررسی مدارک"
    screenshot(page, "51-review-started")

    documents = list(Document.objects.filter(application_id=case_id).order_by("doc_type"))
    rejected = next(d for d in documents if d.doc_type == "national_card")
    for document in documents:
        if document.pk == rejected.pk:
            continue
        item = page.locator(f"[data-document={document.doc_type}]")
        item.get_by_role("button", name="پذیرش").click()
        page.wait_for_load_state()
        assert "پذیرفته" in page.locator(f"[data-document={document.doc_type}] .review-state").inner_text()
    item = page.locator("[data-document=national_card]")
    item.get_by_label("دلیل (برای رد لازم است)").fill(REASON)
    item.get_by_role("button", name="رد").click()
    page.wait_for_load_state()
    assert "ردشده" in page.locator("[data-document=national_card] .review-state").inner_text()
    assert f"دلیل رد: {REASON}" in page.locator("[data-document=national_card]").inner_text()
    page.locator("#documents").scroll_into_view_if_needed()
    screenshot(page, "52-documents-reviewed")

    page.locator("#actions details", has_text="درخواست اصلاح مدارک").locator("summary").click()
    form = page.locator("form[data-action=request_correction]")
    form.get_by_label("دلیل درخواست اصلاح").fill(CORRECTION)
    assert form.get_by_label("کارت ملی و شناسنامه").is_checked()
    screenshot(page, "53-correction-form")
    form.get_by_role("button", name="درخواست اصلاح مدارک").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "نیازمند اصلاح"
    assert CORRECTION in page.locator("#correction").inner_text()
    assert "متوقف" in page.locator("#deadlines").inner_text()  # the municipality's clock pauses
    screenshot(page, "54-correction-requested")
    assert Application.objects.get(pk=case_id).status == "correction_requested"
