"""The citizens' voice in the browser (issue 22 §1): a clerk records a walk-in service with the
citizen's number; the citizen opens the SMS link on a phone, without logging in, and rates with
one tap; the office manager reads the office's figures; a supervisor decides a held comment.
Every page at 360 and 1366 px with axe-core. Screenshots in test-artifacts/22-feedback-*.png."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.feedback.models import FeedbackRequest, FeedbackStatus
from daftar.notifications.backends import LocmemBackend
from daftar.notifications.services import outbox_drain
from daftar.offices.models import Office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLERK, MANAGER, SUPERVISOR = "09120000009", "09120000008", "09120000006"
CITIZEN = "09351112233"


def test_a_walk_in_citizen_rates_the_service_and_the_office_reads_it(
    live_server: Any, page: Any, browser: Any, csp_guard: Any
) -> None:
    from daftar.demo.services import demo_load  # the demo offices, the first rated already

    demo_load()
    office = Office.objects.get(staff__user__mobile=CLERK)

    # the clerk records a service, with the citizen's number typed in Persian digits
    browser_login(page, live_server.url, CLERK)
    page.goto(f"{live_server.url}/offices/{office.pk}/transactions/")
    page.get_by_label("شمارهٔ پیگیری پرداخت").fill("۹۸۷۶۵۴")
    page.get_by_label("همراه شهروند برای نظرسنجی (اختیاری)").fill("۰۹۳۵۱۱۱۲۲۳۳")
    page.get_by_role("button", name="ثبت تراکنش").click()
    expect(page.locator("#transactions li")).to_have_count(1)
    check_page(page, "22-feedback-clerk-records")

    # the citizen's SMS, on a phone with no session
    outbox_drain()
    [text] = [sms.text for sms in LocmemBackend.outbox if sms.to == CITIZEN]
    assert "۱۴۰" in text  # the link's last day, in Persian digits
    link = re.search(r"https?://\S+/f/[0-9]+-[0-9a-f]+/", text)
    assert link, text
    path = link.group(0).split("/f/", 1)[1]
    citizen = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 360, "height": 800})).new_page()
    citizen.goto(f"{live_server.url}/f/{path}")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("از خدمتی که گرفتید چقدر راضی بودید؟")
    expect(citizen.locator("#ratings button")).to_have_count(5)
    check_page(citizen, "22-feedback-rate")
    citizen.get_by_label("اگر می‌خواهید، چند کلمه بنویسید (اختیاری)").fill("کارمند با حوصله توضیح داد")
    citizen.get_by_role("button", name="۴ — خوب").click()
    expect(citizen.locator("#feedback-result")).to_contain_text("امتیاز شما ثبت شد")
    expect(citizen.locator("#given-rating")).to_have_text("۴ از ۵")
    check_page(citizen, "22-feedback-thanks")
    row = FeedbackRequest.objects.exclude(comment="").get(comment="کارمند با حوصله توضیح داد")
    assert row.status == FeedbackStatus.RATED and row.rating == 4
    # the link again: already used
    citizen.goto(f"{live_server.url}/f/{path}")
    expect(citizen.locator("#feedback-result")).to_contain_text("پیش‌تر ثبت شده است")

    # the manager reads the office's figures: the demo's three months, not the month under way
    # (the rating just given is not there to be spotted), nor the held comment
    manager = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    browser_login(manager, live_server.url, MANAGER)
    manager.goto(f"{live_server.url}/offices/mine/")
    manager.locator(f'[data-office="{office.pk}"]').get_by_role("link", name="رضایت شهروندان").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text("رضایت شهروندان")
    expect(manager.locator("#average")).to_have_text(re.compile("^[۱-۵]٫[۰-۹]$"))
    expect(manager.locator("#rated-count")).to_have_text("۱۲")
    expect(manager.locator(".comments").first).to_contain_text("از ۵")
    page_text = manager.content()
    assert "کارمند با حوصله توضیح داد<" not in page_text  # this month's, shown once the month ends
    assert "بی‌شعور" not in page_text  # the demo's held comment stays from the office
    check_page(manager, "22-feedback-office")

    # the supervisor publishes nothing abusive: keeps the held comment hidden
    desk = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    browser_login(desk, live_server.url, SUPERVISOR)
    desk.get_by_role("link", name="نظرهای نگه‌داشته").first.click()
    expect(desk.locator("#held li")).to_have_count(1)
    expect(desk.locator("#held")).to_contain_text("بی‌شعور")
    check_page(desk, "22-feedback-held")
    desk.get_by_role("button", name="پنهان بماند").click()
    expect(desk.locator("#none-held")).to_be_visible()
    assert FeedbackRequest.objects.filter(status=FeedbackStatus.HIDDEN).count() == 1
    check_page(desk, "22-feedback-held-empty")
