"""Browser journeys of SMS texts (issue 21 §4): the municipality administrator (demo 09120000007)
edits a text, is told in Persian what is wrong with a bad one, sees the preview and the log of
what was sent; the applicant (09120000001) reads the SMS sent to them. Each page at 360 and
1366 px with axe-core (``check_page``); screenshots in test-artifacts/sms-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN, APPLICANT = "09120000007", "09120000001"


def _demo_with_one_sms() -> Any:
    """The demo's Tehran (returned), and the applicant's «submitted» SMS queued in its outbox."""
    from daftar.accounts.models import User
    from daftar.demo.services import demo_load
    from daftar.municipalities.models import Municipality
    from daftar.notifications.services import notify

    demo_load(offices=False)
    city = Municipality.objects.get(role_assignments__user__mobile=ADMIN)
    notify(
        "application_submitted",
        to=User.objects.get(mobile=APPLICANT),
        municipality=city,
        code="DFTR-1405-7",
        due="1405/10/02",
        municipality_name=city.name,
    )
    return city


def test_an_administrator_rewrites_a_text_and_reads_what_was_sent(live_server: Any, page: Any) -> None:
    from daftar.notifications.models import MessageText

    city = _demo_with_one_sms()

    browser_login(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/desk/municipality/texts/")
    expect(page.get_by_role("heading", name="متقاضی")).to_be_visible()
    check_page(page, "sms-texts")

    row = page.locator("[data-text='application_submitted']")
    title = row.locator("h3").inner_text().strip()
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    box = page.locator("#sms-text")
    box.fill("درخواست شما ثبت شد {tracking}")
    page.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_role("alert")).to_contain_text("{tracking}")
    assert not MessageText.objects.exists()
    check_page(page, "sms-text-error")

    box.fill("درخواست شما در شهرداری ثبت شد. کد رهگیری: {code}")
    page.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_text("ذخیره شد و از پیامک بعدی به کار می‌رود")).to_be_visible()
    expect(page.locator("[data-preview]")).to_contain_text("درخواست شما در شهرداری ثبت شد. کد رهگیری:")
    assert MessageText.objects.get(municipality=city).text.endswith("{code}")
    check_page(page, "sms-text-saved")

    page.get_by_role("link", name="پیامک‌های فرستاده‌شده").first.click()
    page.get_by_label("پیامک", exact=True).select_option(label=title)
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator("table.sent-log tbody tr")).to_have_count(1)
    expect(page.locator("table.sent-log")).to_contain_text("•••۰۰۰۱")
    expect(page.locator("table.sent-log")).to_contain_text("DFTR-1405-7")
    check_page(page, "sms-sent-log")


def test_an_applicant_reads_the_sms_sent_to_them(live_server: Any, page: Any) -> None:
    from daftar.notifications.services import outbox_drain

    _demo_with_one_sms()
    outbox_drain()  # the worker's round

    browser_login(page, live_server.url, APPLICANT)
    page.goto(live_server.url + "/messages/")
    item = page.locator("[data-kind='application_submitted']").first
    expect(item).to_contain_text("DFTR-1405-7")
    expect(item).to_contain_text("فرستاده شد")
    check_page(page, "sms-my-messages")
