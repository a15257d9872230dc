"""The licensing authority's journeys in the browser, on the demo data (login 09120000005):
the decisions queue; the register searched and exported; a licence suspended until a Jalali date
through the confirmation (with the count of bookings it cancels) and reinstated; a notice decided.
Each page is checked at 360 and 1366 px (screenshots in test-artifacts/, no overflow, axe-core)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jdatetime
import pytest
from django.utils import timezone

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.demo.data import DEMO_OFFICES
from daftar.kernel.normalize import persian_digits
from daftar.licences.models import LicenceStatus
from daftar.offices.models import Office
from daftar.supervision.models import Notice, NoticeStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AUTHORITY = "09120000005"
REASON = "کار پس از ساعت مصوب در بازدید نظارتی دیده شد"


def _start(page: Any, live_server: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    browser_login(page, live_server.url, AUTHORITY)


def test_authority_opens_the_decisions_queue(live_server: Any, page: Any) -> None:
    _start(page, live_server)
    page.goto(live_server.url + "/desk/authority/")
    assert page.locator("#decisions-table tbody tr").count() == 4
    assert page.locator('#kind-counts [data-kind="approve"]').inner_text().endswith("۲")
    assert page.locator("#decisions-table .badge.text-bg-danger").count() == 1  # the overdue case
    check_page(page, "18-authority-decisions")
    page.locator('#kind-counts [data-kind="renew"]').click()
    page.wait_for_url("**/desk/authority/?kind=renew")
    assert page.locator("#decisions-table tbody tr").count() == 1


def test_authority_searches_the_register_and_exports(live_server: Any, page: Any) -> None:
    _start(page, live_server)
    page.goto(live_server.url + "/desk/authority/licences/")
    assert page.locator("#register-table tbody tr").count() == 4
    page.get_by_label("جست‌وجو", exact=True).fill("فاطمی")
    page.get_by_role("button", name="جست‌وجو").click()
    page.wait_for_url("**/desk/authority/licences/?q=*")
    assert page.locator("#register-table tbody tr").count() == 1
    check_page(page, "18-authority-register")
    with page.expect_download() as info:
        page.get_by_role("link", name="خروجی CSV").click()
    body = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert body.startswith("شمارهٔ مجوز") and len(body.strip().splitlines()) == 2
    page.get_by_label("پایان اعتبار تا چند روز دیگر").fill("۳۰")
    page.get_by_label("جست‌وجو", exact=True).fill("")
    page.get_by_role("button", name="جست‌وجو").click()
    page.wait_for_url("**expiring=*")
    assert page.locator("#register-table tbody tr").count() == 1


def test_authority_suspends_a_licence_until_a_jalali_date_then_reinstates(live_server: Any, page: Any) -> None:
    _start(page, live_server)
    office = Office.objects.select_related("licence").get(name=DEMO_OFFICES[0][1])
    licence = office.licence
    live = Appointment.objects.filter(office=office, status=AppointmentStatus.BOOKED, start__gt=timezone.now())
    assert live.count() == 6
    until = timezone.localdate() + dt.timedelta(days=30)
    page.goto(live_server.url + f"/desk/authority/licences/{licence.number}/")
    check_page(page, "18-authority-licence")
    page.get_by_role("link", name="تعلیق", exact=True).click()
    page.get_by_label("تعلیق تا پایان روز").fill(
        persian_digits(jdatetime.date.fromgregorian(date=until).strftime("%Y/%m/%d"))
    )
    page.get_by_label("دلیل").fill(REASON)
    page.get_by_role("button", name="بررسی پیامدها").click()
    consequences = page.locator("#consequences").inner_text()
    assert "۶ نوبت آینده در این روزها لغو می‌شود" in consequences
    check_page(page, "18-authority-suspend-confirm")
    page.get_by_role("button", name="تأیید و تعلیق").click()
    page.wait_for_url(f"**/desk/authority/licences/{licence.number}/")
    assert "۶ نوبت لغو" in page.locator(".alert-success").inner_text()
    assert page.locator("#licence-status").inner_text() == "تعلیق‌شده"
    licence.refresh_from_db()
    assert (licence.status, licence.suspended_until) == (LicenceStatus.SUSPENDED, until)
    assert live.count() == 0
    page.get_by_role("link", name="رفع تعلیق").click()
    page.get_by_label("دلیل").fill("دفتر ساعت کار را اصلاح کرد و تعهد کتبی داد")
    page.get_by_role("button", name="بررسی پیامدها").click()
    assert "دوباره نوبت می‌پذیرد" in page.locator("#consequences").inner_text()
    page.get_by_role("button", name="تأیید و رفع تعلیق").click()
    page.wait_for_url(f"**/desk/authority/licences/{licence.number}/")
    assert page.locator("#licence-status").inner_text() == "فعال"
    check_page(page, "18-authority-licence-reinstated")


def test_authority_decides_a_notice(live_server: Any, page: Any) -> None:
    _start(page, live_server)
    notice = Notice.objects.get(status=NoticeStatus.OPEN)
    page.goto(live_server.url + "/desk/authority/notices/")
    page.get_by_role("link", name=notice.licence.number).click()
    page.wait_for_url(f"**/desk/authority/notices/{notice.pk}/")
    assert "پلهٔ اول نردبان انضباطی: تذکر" in page.locator("#proposal").inner_text()
    check_page(page, "18-authority-notice")
    page.get_by_label("دلیل تصمیم").fill("تخلف نخست دفتر است؛ تذکر کتبی کافی است")
    page.get_by_role("button", name="بررسی پیامدها").click()
    assert "تذکر داده می‌شود" in page.locator("#consequences").inner_text()
    check_page(page, "18-authority-notice-confirm")
    page.get_by_role("button", name="تأیید تصمیم «تذکر»").click()
    page.wait_for_url(f"**/desk/authority/notices/{notice.pk}/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DECIDED
    assert "ثبت شد" in page.locator(".alert-success").inner_text()
