"""Browser journey of the reviewer's document viewer (issue 19 §6): the demo reviewer searches
the queue for the demo case in document review, opens its first document (an image), goes to
the next one (a PDF drawn by PDF.js, its pages turned), back again, and accepts and rejects
beside the file. Screenshots in test-artifacts/ at 360 and 1366 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login
from daftar.applications.models import Application
from daftar.documents.models import Document, ReviewState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEWER = "09120000002"
REVIEW_APPLICANT = "09120000035"  # daftar/demo/review.py


def test_reviewer_reads_and_reviews_documents_in_the_viewer(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the database exists only inside the test

    demo_load()
    person = User.objects.get(mobile=REVIEW_APPLICANT)
    case = Application.objects.get(applicant=person)

    browser_login(page, live_server.url, REVIEWER)
    page.goto(f"{live_server.url}/staff/queue/")
    search = page.get_by_role("searchbox", name="جست‌وجو")
    search.fill("۰۱۵۲۶۳۷۴۸۶")  # the applicant's national code in Persian digits
    page.get_by_role("button", name="جست‌وجو").click()
    page.wait_for_load_state()
    rows = page.locator("#queue-table tbody tr")
    assert rows.count() == 1
    check_page(page, "60-queue-search")
    rows.first.get_by_role("link", name=case.tracking_code).click()
    page.wait_for_url(f"**/applications/{case.pk}/")
    assert "هنوز ممکن نیست" in page.locator("#documents").inner_text()  # nothing reviewed yet

    item = page.locator("[data-document=national_card]")
    item.get_by_role("link", name="نمایش و بررسی «کارت ملی و شناسنامه»").click()
    page.wait_for_url("**/documents/*/")
    image = page.get_by_role("img", name="تصویر مدرک «کارت ملی و شناسنامه»")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    check_page(page, "61-viewer-image")

    page.get_by_role("link", name="مدرک بعدی").click()
    page.wait_for_selector("[data-doc-viewer][data-ready=true]")
    assert page.get_by_role("heading", level=1).inner_text() == "گواهی سلامت جسمی و روانی"
    label = page.locator("[data-page-label]")
    assert label.inner_text() == "صفحهٔ ۱ از ۲"
    page.get_by_role("button", name="صفحهٔ بعد").click()
    expect(label).to_have_text("صفحهٔ ۲ از ۲")
    page.get_by_role("button", name="بزرگ‌نمایی").click()
    page.wait_for_selector("[data-doc-viewer][data-ready=true]")  # the larger page is drawn
    page.mouse.move(0, 0)  # the button's hover colour is not what axe should judge
    page.wait_for_timeout(200)  # Bootstrap's 0.15 s colour transition ends
    check_page(page, "62-viewer-pdf")
    page.get_by_label("دلیل (برای رد لازم است)").fill("مهر پزشک در صفحهٔ دوم نیست")
    page.get_by_role("button", name="رد مدرک").click()
    page.wait_for_load_state()
    assert "دلیل رد: مهر پزشک در صفحهٔ دوم نیست" in page.locator("main").inner_text()

    page.get_by_role("link", name="مدرک قبلی").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="پذیرش مدرک").click()
    page.wait_for_load_state()
    assert "پذیرفته" in page.get_by_role("region", name="بررسی این مدرک").inner_text()
    check_page(page, "63-viewer-reviewed")
    states = dict(Document.objects.filter(application=case).values_list("doc_type", "review_state"))
    assert states["national_card"] == ReviewState.ACCEPTED
    assert states["health_certificate"] == ReviewState.REJECTED
