"""The walk-in queue in the browser (issue 22 §3–§4): the clerk picks a counter and gives an
elderly citizen a ticket with their number typed in Persian digits; the citizen follows the SMS
link on a phone; the hall's screen shows the call by itself; the manager makes the kiosk's link
and a citizen takes a ticket there; the office's queue report; the finder sorted by the wait.
Every page at 360 and 1366 px with axe-core. Screenshots in test-artifacts/22-hall-*.png.

The office is made open for the whole of today first (the test may run at any hour)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.hall.models import Ticket, TicketStatus
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.backends import LocmemBackend
from daftar.notifications.services import outbox_drain
from daftar.offices.models import ExtendedDay, Office, WeeklyHours, iran_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLERK, MANAGER = "09120000009", "09120000008"
CITIZEN = "09351112233"


def _open_all_day(office: Office) -> None:
    today = timezone.now().astimezone(TEHRAN).date()
    WeeklyHours.objects.filter(office=office, weekday=iran_weekday(today)).delete()
    WeeklyHours.objects.create(office=office, weekday=iran_weekday(today), start=dt.time(0, 0), end=dt.time(23, 59))
    ExtendedDay.objects.update_or_create(
        municipality=office.municipality,
        date=today,
        defaults={"start": dt.time(0, 0), "end": dt.time(23, 59), "title": "ساعت کار تمدیدی آزمون"},
    )


def test_a_walk_in_citizen_is_given_a_ticket_followed_and_called(
    live_server: Any, page: Any, browser: Any, csp_guard: Any
) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    office = Office.objects.get(staff__user__mobile=CLERK)
    _open_all_day(office)

    # the clerk: a counter, then a ticket for an elderly citizen who leaves their number
    browser_login(page, live_server.url, CLERK)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/offices/mine/")
    page.locator(f'[data-office="{office.pk}"]').get_by_role("link", name="صف حضوری").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("صف حضوری")
    page.get_by_label("شمارهٔ باجه").select_option("2")
    page.get_by_role("button", name="انتخاب").click()
    expect(page.get_by_role("button", name="فراخواندن نفر بعد به باجهٔ ۲")).to_be_visible()
    page.get_by_label("خدمت", exact=True).select_option("property_inquiry")
    page.get_by_label("شمارهٔ همراه شهروند (اختیاری، برای پیامک نزدیک شدن نوبت)").fill("۰۹۳۵۱۱۱۲۲۳۳")
    page.get_by_label("سالمند").check()
    page.get_by_role("button", name="دادن نوبت").click()
    expect(page.locator(".alert-success")).to_contain_text("داده شد")
    ticket = Ticket.objects.get(office=office, mobile=CITIZEN)
    number = ticket.number
    fa_number = str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    expect(page.locator(f'#queue tr[data-number="{number}"]')).to_contain_text("سالمند")
    check_page(page, "22-hall-counter")

    # the citizen's SMS and their ticket's page on a phone, without logging in
    outbox_drain()
    [text] = [sms.text for sms in LocmemBackend.outbox if sms.to == CITIZEN]
    assert f"شمارهٔ {fa_number}" in text, text
    link = re.search(r"/q/([A-Za-z0-9_-]+)/", text)
    assert link, text
    citizen = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 360, "height": 800})).new_page()
    citizen.goto(f"{live_server.url}/q/{link.group(1)}/")
    expect(citizen.locator("#t-number")).to_have_text(fa_number)
    expect(citizen.locator("#t-ahead")).to_be_visible()
    check_page(citizen, "22-hall-ticket")

    # the hall's screen, left open: it shows the call by itself
    screen = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 800})).new_page()
    screen.goto(f"{live_server.url}/offices/{office.pk}/hall/display/")
    expect(screen.get_by_role("heading", level=1)).to_have_text(office.display_name)
    check_page(screen, "22-hall-display")
    screen.set_viewport_size({"width": 1366, "height": 800})

    # the clerk calls: the elderly citizen goes first
    page.get_by_role("button", name="فراخواندن نفر بعد به باجهٔ ۲").click()
    expect(page.locator("#my-ticket")).to_have_attribute("data-number", str(number))
    expect(screen.locator("#d-last")).to_contain_text(fa_number, timeout=12_000)
    expect(screen.locator("#d-counters")).to_contain_text("باجهٔ ۲")
    citizen.reload()
    expect(citizen.locator("#t-called")).to_have_text("نوبت شماست: به باجهٔ ۲ بروید.")
    page.locator("#my-ticket").get_by_role("button", name="انجام شد").click()
    expect(page.locator(".alert-success")).to_contain_text("انجام شد")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.mobile == ""

    # the manager makes the kiosk's link; a citizen takes a ticket there
    manager = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    browser_login(manager, live_server.url, MANAGER)
    manager.goto(f"{live_server.url}/offices/{office.pk}/hall/")
    manager.get_by_role("button", name="ساختن پیوند تازهٔ دستگاه نوبت‌دهی").click()
    kiosk_url = manager.locator("#kiosk-link a").inner_text()
    kiosk = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    kiosk.goto(kiosk_url)
    expect(kiosk.locator("#kiosk-services button").first).to_be_visible()
    check_page(kiosk, "22-hall-kiosk")
    kiosk.get_by_role("button", name="پرداخت عوارض").click()
    expect(kiosk.locator("#slip-number")).to_be_visible()
    check_page(kiosk, "22-hall-kiosk-ticket")
    today = timezone.now().astimezone(TEHRAN).date()
    assert Ticket.objects.filter(office=office, channel="kiosk", day=today).count() == 1

    # the office's report of its queue
    manager.goto(f"{live_server.url}/offices/{office.pk}/hall/report/")
    expect(manager.locator("#days tbody tr").first).to_be_visible()
    check_page(manager, "22-hall-report")

    # the finder, sorted by the wait: every open office says how long it is
    visitor = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    visitor.goto(f"{live_server.url}/offices/")
    visitor.get_by_label("ترتیب").select_option("wait")
    visitor.get_by_role("button", name="جست‌وجو").click()
    expect(visitor.locator(f'[data-office="{office.pk}"] .crowd')).to_be_visible()
    check_page(visitor, "22-hall-finder")
