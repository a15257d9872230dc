"""Browser journey (issue 17 finding 1): after the licensing authority suspends an office's
licence, a citizen finds it marked «not operating» in the finder, on its page and on the booking
page, and the office's manager finds the record form replaced by the sanction's notice. At 360
and 1366 px, with axe-core; screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import check_page
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login
from daftar.kernel.jalali import to_jalali
from daftar.licences.moves import licence_suspend
from daftar.offices.models import Office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUTHORITY = "09120000005"
MANAGER = "09120000008"  # the demo manager of the first office


def test_a_suspended_office_is_shown_not_operating_to_citizens_and_its_staff(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo's data, loaded per test (transactional db)

    demo_load()
    office = Office.objects.filter(licence__isnull=False, staff__user__mobile=MANAGER).order_by("pk").first()
    assert office is not None and office.licence is not None
    until = timezone.localdate() + dt.timedelta(days=10)
    licence_suspend(
        office.licence, until=until, reason="دریافت وجه بیش از تعرفهٔ مصوب", actor=User.objects.get(mobile=AUTHORITY)
    )
    notice = f"مجوز این دفتر تا پایان {to_jalali(until)} تعلیق است و دفتر تا آن روز فعالیت نمی‌کند."

    page.goto(live_server.url + "/offices/")
    card = page.locator(f"[data-office='{office.pk}']")
    assert card.get_by_text("فعالیت نمی‌کند", exact=True).is_visible()
    assert card.get_by_text(notice).is_visible()
    check_page(page, "70-finder-suspended-office")

    card.locator("h2 a").click()
    page.wait_for_url(f"**/offices/{office.pk}/")
    assert page.get_by_text(notice).is_visible()
    assert page.get_by_role("link", name="رزرو نوبت").count() == 0
    check_page(page, "71-office-page-suspended")

    page.goto(f"{live_server.url}/offices/{office.pk}/book/")
    assert page.get_by_text("دفتر تا آن روز نوبت نمی‌دهد").is_visible()
    check_page(page, "72-booking-suspended")

    browser_login(page, live_server.url, MANAGER)
    page.goto(f"{live_server.url}/offices/{office.pk}/transactions/")
    assert page.get_by_text("تا آن روز ثبت خدمت و دریافت وجه ممکن نیست").is_visible()
    assert page.get_by_role("button", name="ثبت").count() == 0
    check_page(page, "73-transactions-suspended")
