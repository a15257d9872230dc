"""The office's transactions page with the day's closing (S18)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from daftar.catalogue.models import TariffRevision
from daftar.catalogue.tests.factories import NOW, TODAY, make_city, municipal, set_tariffs
from daftar.ledger import messages as msg
from daftar.ledger.models import DailyClosing, Transaction
from daftar.offices.models import StaffRole
from daftar.offices.tests.factories import WeeklyHoursFactory, make_office, staff
from daftar.supervision.models import Violation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def office() -> Any:
    municipality, district = make_city()
    set_tariffs(municipality)
    return make_office(municipality, district)


def web(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(office: Any, suffix: str = "") -> str:
    return f"/offices/{office.pk}/transactions/{suffix}"


def test_an_office_manager_may_not_revise_tariffs(office: Any) -> None:
    """The revision page is the municipality administrator's (test_tariff_pages.py)."""
    assert web(staff(office, StaffRole.MANAGER)).post("/tariffs/revisions/", {}).status_code == 403


# --- the transactions page -------------------------------------------------------------------


def test_clerk_page_offers_only_the_offices_services_with_todays_tariff(office: Any) -> None:
    response = web(staff(office)).get(page(office))
    html = response.content.decode()
    assert response.status_code == 200
    assert "استعلام ملک — ۲۵۰٬۰۰۰ ریال" in html
    assert "گواهی پایان کار" not in html  # not offered by this office
    assert 'value="۱٬۵۰۰٬۰۰۰"' in html  # amount prefilled with the first service's tariff
    assert "بستن روز" not in html or "data-bs-target" not in html  # the clerk does not close


def test_amount_fragment_is_prefilled_with_the_tariff(office: Any) -> None:
    clerk = web(staff(office))
    html = clerk.get(page(office, "amount/"), {"service": "property_inquiry"}).content.decode()
    # the page's own amount box: grouped Persian digits, the amount in words, amount.js's hook
    assert 'value="۲۵۰٬۰۰۰"' in html and 'data-amount="rial"' in html
    assert "دویست و پنجاه هزار ریال" in html and "تعرفهٔ امروز: ۲۵۰٬۰۰۰ ریال" in html
    assert 'aria-describedby="id_amount_help id_amount_words"' in html and 'id="amount-field"' in html
    assert not re.search(r"[0-9]", re.sub(r"<[^>]+>", " ", html))  # no Latin digit a person reads
    none = clerk.get(page(office, "amount/"), {"service": "completion_certificate"}).content.decode()
    box = re.search(r'<input[^>]*id="id_amount"[^>]*>', none)
    assert box and "value=" not in box.group(0) and msg.AMOUNT_NO_TARIFF_HELP in none


def test_recording_at_the_tariff_lists_it_with_the_days_total(office: Any) -> None:
    clerk = web(staff(office))
    response = clerk.post(
        page(office), {"service": "property_inquiry", "amount": "۲۵۰٬۰۰۰", "payment_ref": "۹۸۷۶"}, follow=True
    )
    html = response.content.decode()
    assert "ثبت شد" in html and "9876" in html
    assert 'id="day-total">۲۵۰٬۰۰۰<' in html
    assert Transaction.objects.get().payment_ref == "9876"


def test_above_tariff_says_a_violation_was_recorded(make_licence: Any) -> None:
    licence = make_licence()
    set_tariffs(licence.municipality, on=TODAY - dt.timedelta(days=1))
    office = make_office(licence.municipality, licence.district, licence=licence)
    response = web(staff(office)).post(
        page(office), {"service": "property_inquiry", "amount": "250001", "payment_ref": "1"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "در سامانهٔ نظارت ثبت شد" in html and "۲۵۰٬۰۰۱" in html
    assert Violation.objects.filter(licence=licence, violation_type__code="overcharging").count() == 1
    assert not Transaction.objects.filter(office=office).exists()


def test_outside_hours_rows_are_flagged(office: Any, time_machine: Any) -> None:
    time_machine.move_to(NOW.replace(hour=15), tick=False)
    clerk = web(staff(office))
    response = clerk.post(
        page(office), {"service": "charges_payment", "amount": "150000", "payment_ref": "55"}, follow=True
    )
    html = response.content.decode()
    assert msg.TRANSACTION_SAVED_OUTSIDE in html
    assert "badge text-bg-warning" in html and "بیرون از ساعات مصوب" in html


def test_bad_inputs_show_persian_errors_and_write_nothing(office: Any) -> None:
    clerk = web(staff(office))
    for data in (
        {"service": "property_inquiry", "amount": "0", "payment_ref": "1"},
        {"service": "property_inquiry", "amount": "abc", "payment_ref": "1"},
        {"service": "property_inquiry", "amount": "1000", "payment_ref": ""},
        {"service": "completion_certificate", "amount": "1000", "payment_ref": "1"},
    ):
        response = clerk.post(page(office), data)
        assert response.status_code == 400
        assert "is-invalid" in response.content.decode()
    assert not Transaction.objects.exists()


def test_manager_closes_the_day_from_the_page(office: Any) -> None:
    clerk = web(staff(office))
    clerk.post(page(office), {"service": "property_inquiry", "amount": "250000", "payment_ref": "1"})
    manager = web(staff(office, StaffRole.MANAGER))
    html = manager.get(page(office)).content.decode()
    assert 'data-bs-target="#close-day"' in html and "بله، روز را ببند" in html
    response = manager.post(page(office, "close/"), {"day": TODAY.isoformat()}, follow=True)
    html = response.content.decode()
    assert "بسته شد" in html and 'id="closings"' in html
    assert "امروز بسته شده است" in html and "ثبت خدمت انجام‌شده" not in html
    assert 'value="۱۴۰۵/۰۹/۰۳"' in html  # the day field in Jalali
    assert DailyClosing.objects.get().total == 250_000
    again = manager.post(page(office, "close/"), {"day": TODAY.isoformat()}, follow=True)
    assert msg.DAY_ALREADY_CLOSED.format(date="۱۴۰۵/۰۹/۰۳") in again.content.decode()
    # the clerk cannot close, and recording on the closed day is refused
    assert clerk.post(page(office, "close/"), {"day": "1405/09/02"}).status_code == 403
    refused = clerk.post(page(office), {"service": "property_inquiry", "amount": "250000", "payment_ref": "2"})
    assert refused.status_code == 409 and "بسته شده است" in refused.content.decode()


def test_page_access(office: Any) -> None:
    other = make_office(office.municipality, office.district)
    outsider = web(staff(other))
    missing = outsider.get(f"/offices/{other.pk + 999}/transactions/")
    assert outsider.get(page(office)).status_code == missing.status_code == 404
    assert outsider.post(page(office), {"service": "property_inquiry"}).status_code == 404
    assert outsider.get(page(office, "amount/")).status_code == 404
    assert web().get(page(office)).status_code == 302  # to the login

    reader = web(municipal(office.municipality, "supervisor"))
    html = reader.get(page(office)).content.decode()
    assert "ثبت تراکنش" not in html
    response = reader.post(page(office), {"service": "property_inquiry", "amount": "1", "payment_ref": "1"})
    assert response.status_code == 403
    assert reader.post(page(office, "close/"), {"day": "1405/09/03"}).status_code == 403
    assert not Transaction.objects.exists()


def test_another_day_and_a_bad_day(office: Any) -> None:
    clerk = web(staff(office))
    html = clerk.get(page(office), {"day": "۱۴۰۵/۰۹/۰۱"}).content.decode()
    assert "۱۴۰۵/۰۹/۰۱" in html and "ثبت خدمت انجام‌شده" not in html  # recording is for today
    bad = clerk.get(page(office), {"day": "1405/15/01"}).content.decode()
    assert "تاریخ معتبر نیست" in bad


# --- in a real browser (mobile width): the clerk's day, the manager's closing ----------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_clerk_records_and_manager_closes_the_day(live_server: Any, browser: Any, csp_guard: Any) -> None:
    """Screenshots in test-artifacts/tariffs-1*.png (phone width). The office is open all day
    every day, so nothing is flagged."""
    from django.apps import apps
    from django.conf import settings as django_settings
    from django.utils import timezone

    from conftest import screenshot
    from daftar.catalogue.seed import catalogue_seed

    catalogue_seed(apps)
    municipality, district = make_city()
    set_tariffs(municipality, on=timezone.localdate() - dt.timedelta(days=5))
    office = make_office(municipality, district, weekdays=())
    for weekday in range(7):
        WeeklyHoursFactory(office=office, weekday=weekday, start=dt.time(0, 0), end=dt.time(23, 59))
    manager = staff(office, StaffRole.MANAGER)

    def session_for(user: Any) -> Any:
        client = Client()
        client.force_login(user)
        context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 390, "height": 844}))
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        return context

    context = session_for(manager)
    pg = context.new_page()
    pg.goto(f"{live_server.url}{page(office)}")
    assert pg.locator("#id_amount").input_value() == "۱٬۵۰۰٬۰۰۰"  # the first service's tariff, grouped
    pg.locator("#id_service").select_option("property_inquiry")
    expect(pg.locator("#id_amount")).to_have_value("۲۵۰٬۰۰۰")  # htmx swapped it (no eval: the CSP)
    pg.get_by_label("شمارهٔ پیگیری پرداخت").fill("۴۴۵۵۶۶")
    pg.get_by_role("button", name="ثبت تراکنش").click()
    pg.wait_for_selector("#transactions li")
    # the list is drawn before the page's scripts run: a choice made before htmx is listening
    # would fetch no amount (seen on a loaded machine)
    pg.wait_for_load_state()
    assert "۲۵۰٬۰۰۰" in pg.locator("#day-total").inner_text()

    pg.locator("#id_service").select_option("property_inquiry")
    expect(pg.locator("#id_amount")).to_have_value("۲۵۰٬۰۰۰")
    pg.get_by_label("مبلغ دریافتی (ریال)").fill("260000")
    pg.get_by_label("شمارهٔ پیگیری پرداخت").fill("778899")
    pg.get_by_role("button", name="ثبت تراکنش").click()
    pg.wait_for_selector("#id_amount_error")
    assert "در سامانهٔ نظارت ثبت شد" in pg.locator("#id_amount_error").inner_text()
    screenshot(pg, "tariffs-10-clerk-refused-above-tariff")

    pg.goto(f"{live_server.url}{page(office)}")
    pg.get_by_role("button", name="بستن روز").click()
    pg.get_by_role("button", name="بله، روز را ببند").wait_for(state="visible")
    screenshot(pg, "tariffs-11-close-day-confirm")
    pg.get_by_role("button", name="بله، روز را ببند").click()
    pg.wait_for_selector("#closing-note")
    assert DailyClosing.objects.get(office=office).count == 1
    screenshot(pg, "tariffs-12-day-closed")

    pg.goto(f"{live_server.url}/tariffs/?municipality={municipality.slug}")
    pg.wait_for_selector("#tariff-table")
    screenshot(pg, "tariffs-13-public-table")
    context.close()

    admin_context = session_for(municipal(municipality, "municipality_admin"))
    ap = admin_context.new_page()
    ap.goto(f"{live_server.url}/tariffs/revisions/")
    ap.get_by_label("درصد تغییر").fill("۱۵")
    ap.get_by_label("اجرا از تاریخ (شمسی)").fill(
        __import__("jdatetime")
        .date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=10))
        .strftime("%Y/%m/%d")
    )
    ap.get_by_role("button", name="پیش‌نمایش").click()
    ap.wait_for_selector("#preview")
    screenshot(ap, "tariffs-14-revision-preview")
    ap.get_by_role("button", name="تأیید و زمان‌بندی بازنگری").click()
    ap.wait_for_selector("#revisions")
    assert TariffRevision.objects.filter(municipality=municipality).count() == 1
    admin_context.close()
