"""The supervisor's oversight journeys in a browser (issue 18 §2), on the demo data: reviewing a
six-monthly report, sending an inspector on a visit, the inspector filling the checklist on a
360 px phone, and an office's compliance page. Screenshots (360 and 1366 px) in
test-artifacts/desk-oversight-*.png; every page is checked for overflow and by axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import check_page, screenshot
from daftar.accounts.tests.helpers import browser_login
from daftar.inspections.models import SupervisionVisit
from daftar.licences.models import Licence
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office
from daftar.supervision.models import OfficeReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERVISOR = "09120000006"
INSPECTOR = "09120000004"
FATEMI = "دفتر خدمات الکترونیک شهر فاطمی"
MAJIDIYEH = "دفتر خدمات الکترونیک شهر مجیدیه"
NOTE = "تعداد خدمات استعلام ملک را به تفکیک ماه بنویسید."


@pytest.fixture
def demo(db: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()


def test_the_supervisor_asks_an_office_to_clarify_its_report(live_server: Any, page: Any, demo: None) -> None:
    browser_login(page, live_server.url, SUPERVISOR)
    page.goto(live_server.url + "/desk/supervision/reports/")
    # one row per supervisable licence of the demo's municipality
    expected = Licence.objects.filter(status__in=("active", "suspended"), municipality__slug="tehran").count()
    assert page.locator("#reports-table tbody tr").count() == expected >= 3
    check_page(page, "desk-oversight-01-reports")
    report = OfficeReport.objects.get(licence__office__name=MAJIDIYEH)
    page.locator(f'tr[data-report="{report.pk}"] a.btn').click()
    page.wait_for_url(f"**/desk/supervision/reports/{report.pk}/")
    check_page(page, "desk-oversight-02-report")
    page.get_by_label("درخواست توضیح از دفتر").check()
    page.get_by_label("یادداشت بررسی").fill(NOTE)
    page.get_by_role("button", name="ادامه").click()
    expect(page.locator("#review-confirm")).to_be_visible()
    check_page(page, "desk-oversight-03-report-confirm")
    page.get_by_role("button", name="بله، ثبت شود").click()
    page.wait_for_url(f"**/desk/supervision/reports/{report.pk}/")
    assert page.get_by_text("درخواست توضیح ثبت شد").is_visible()
    assert page.locator("#review-status").inner_text() == "نیازمند توضیح"
    check_page(page, "desk-oversight-04-report-reviewed")
    report.refresh_from_db()
    assert report.status == "clarify"
    assert OutboxMessage.objects.filter(kind="supervision_report_clarify", text__contains=NOTE).count() == 1


def test_the_supervisor_sends_an_inspector(live_server: Any, page: Any, demo: None) -> None:
    browser_login(page, live_server.url, SUPERVISOR)
    page.goto(live_server.url + "/desk/supervision/visits/")
    check_page(page, "desk-oversight-05-visits")
    page.get_by_label("شمارهٔ مجوز یا نام دفتر").fill("مجیدیه")
    page.get_by_role("button", name="یافتن دفتر").click()
    page.wait_for_url("**/desk/supervision/visits/new/**")
    office = Office.objects.select_related("licence").get(name=MAJIDIYEH)
    if "/new/?" in page.url:  # a list of matches: choose the office
        check_page(page, "desk-oversight-06-visit-find")
        page.get_by_role("link", name="زمان‌بندی بازدید").first.click()
    page.wait_for_url(f"**/desk/supervision/visits/new/{office.licence.number}/")
    page.locator("#id_inspector").select_option(label="محمدحسین رضایی")
    when = timezone.localtime() + dt.timedelta(days=2)
    page.locator("#id_scheduled_at").fill(jdatetime.datetime.fromgregorian(datetime=when).strftime("%Y/%m/%d 11:30"))
    check_page(page, "desk-oversight-07-visit-new")
    page.get_by_role("button", name="ادامه").click()
    expect(page.locator("#assign-confirm")).to_be_visible()
    check_page(page, "desk-oversight-08-visit-confirm")
    page.get_by_role("button", name="بله، زمان‌بندی شود").click()
    page.wait_for_url("**/desk/supervision/visits/")
    assert page.get_by_text("سپرده شد").is_visible()
    visit = SupervisionVisit.objects.get(licence=office.licence)
    assert timezone.localtime(visit.scheduled_at).strftime("%H:%M") == "11:30"
    assert page.locator(f'tr[data-visit="{visit.pk}"]').is_visible()
    check_page(page, "desk-oversight-09-visit-scheduled")


def test_the_inspector_fills_the_checklist_on_a_phone(live_server: Any, page: Any, demo: None) -> None:
    visit = SupervisionVisit.objects.get(licence__office__name=FATEMI)  # the demo's, tomorrow
    browser_login(page, live_server.url, INSPECTOR)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
    check_page(page, "desk-oversight-10-visit-checklist")
    page.set_viewport_size({"width": 360, "height": 780})
    yes_hours = page.locator('label[for="id_hours_posted_0"]')
    no_tariff = page.locator('label[for="id_tariff_posted_1"]')
    for target in (yes_hours, no_tariff):
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 140, box  # a thumb's target
        target.click()
    for name in ("رایانه", "چاپگر", "اینترنت پرسرعت", "تابلو", "امکانات رفاهی ارباب رجوع"):
        row = page.locator("label.visit-box", has_text=name)
        if row.count():
            assert row.first.bounding_box()["height"] >= 44
            row.first.click()
    page.get_by_label("کاربری کنونی محل").select_option("commercial")
    screenshot(page, "desk-oversight-11-visit-filled-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="ثبت نتیجهٔ بازدید نظارتی").click()
    page.wait_for_selector("#result")
    assert page.locator('#result li[data-item="tariff"][data-result="fail"]').count() == 1
    assert page.locator('#result li[data-item="hours"][data-result="pass"]').count() == 1
    check_page(page, "desk-oversight-12-visit-result")


def test_the_supervisor_opens_an_offices_compliance(live_server: Any, page: Any, demo: None) -> None:
    office = Office.objects.get(name=FATEMI)
    browser_login(page, live_server.url, SUPERVISOR)
    page.goto(live_server.url + "/desk/supervision/offices/")
    check_page(page, "desk-oversight-13-offices")
    page.get_by_role("link", name=FATEMI).click()
    page.wait_for_url(f"**/desk/supervision/offices/{office.pk}/")
    assert page.locator("#hours-table tbody tr").count() == 12
    assert page.locator("#halves-table tbody tr").count() == 4
    check_page(page, "desk-oversight-14-compliance")
