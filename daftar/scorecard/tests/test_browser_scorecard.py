"""The scorecard in the browser (issue 22 §2): the demo's office manager reads the office's
scorecard (why each measure scored what it did); the demo supervisor, after one demo office's
overcharges were recorded, recomputes the period and finds that office in the lowest band on
the «بازدید لازم» list; the public office page shows the published band and rank. Every page
at 360 and 1366 px with axe-core. Screenshots in test-artifacts/22-scorecard-*.png.

Whatever today is: the demo ranks its offices in the last ended period (``daftar.demo.scorecard``
gives them services of it when its history no longer reaches it,
``test_demo_scorecard.py``), and the overcharges that send the weak office to the bottom are
as many as its services need, not a fixed number."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.ledger.models import Transaction
from daftar.offices.models import Office
from daftar.scorecard.models import Scorecard
from daftar.supervision.models import Violation, ViolationType

from .helpers import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER, SUPERVISOR = "09120000008", "09120000006"


def test_the_manager_reads_the_scorecard_and_the_supervisor_ranks(
    live_server: Any, page: Any, browser: Any, csp_guard: Any
) -> None:
    from daftar.demo.scorecard import demo_period
    from daftar.demo.services import demo_load  # the demo offices, computed for the last ended period

    demo_load()
    office = Office.objects.get(staff__user__mobile=MANAGER, staff__role="manager")
    period = demo_period(office.municipality)
    assert Scorecard.objects.get(office=office, period=period.key).rank is not None

    # the manager: from «دفترهای من» to the office's scorecard
    browser_login(page, live_server.url, MANAGER)
    page.goto(f"{live_server.url}/offices/mine/")
    page.locator(f'[data-office="{office.pk}"]').get_by_role("link", name="کارنامه و رتبه").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("کارنامه و رتبهٔ")
    expect(page.locator("#measures > li")).to_have_count(7)
    expect(page.locator("#summary-title")).to_contain_text(period.label)
    expect(page.locator('[data-measure="tariff"] .measure-reason')).to_contain_text("خدمت ثبت‌شده")
    text = page.locator("main").inner_text()
    assert not re.search(r"[0-9]", text), "Latin digits on the manager's page"
    assert "None" not in text
    check_page(page, "22-scorecard-office")

    # overcharges recorded for another demo office during the period: it will fall to the bottom
    # (as many as take its tariff measure to 0, and at least four: its violations to 0 too)
    weak = Office.objects.exclude(pk=office.pk).filter(licence__isnull=False).order_by("pk").first()
    assert weak is not None and weak.licence is not None
    served = Transaction.objects.filter(office=weak, day__gte=period.first, day__lte=period.last).count()
    assert served, "the demo office recorded no service in the period: it would not be ranked"
    overcharges = max(4, math.ceil(served * settings.SCORECARD_OVERCHARGE_ZERO_PERCENT / 100))
    overcharging = ViolationType.objects.get(municipality=None, code="overcharging")
    for _ in range(overcharges):
        Violation.objects.create(
            licence=weak.licence,
            municipality_id=weak.municipality_id,
            violation_type=overcharging,
            observed_at=at(period.last - dt.timedelta(days=3)),
            description="دریافت وجه بیش از تعرفه",
        )

    # the supervisor: the ranking, the recompute, the «بازدید لازم» list
    desk = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})).new_page()
    browser_login(desk, live_server.url, SUPERVISOR)
    desk.get_by_role("link", name="رتبه‌بندی دفاتر").first.click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("رتبه‌بندی دفاتر")
    expect(desk.locator("#ranking tbody tr")).to_have_count(Office.objects.filter(active=True).count())
    desk.get_by_role("button", name="محاسبهٔ کارنامه‌ها").click()
    expect(desk.locator(".alert-success, [role=status]").first).to_contain_text("حساب شد")
    expect(desk.locator(f'#visits [data-office="{weak.pk}"]')).to_contain_text("فرستادن بازرس")
    expect(desk.locator(f'#ranking tr[data-office="{weak.pk}"]')).to_contain_text("بازدید لازم")
    desk_text = desk.locator("main").inner_text()
    assert not re.search(r"[0-9]", desk_text) and "None" not in desk_text
    check_page(desk, "22-scorecard-ranking")

    # the public office page: the published band and rank
    page.goto(f"{live_server.url}/offices/{office.pk}/")
    expect(page.locator("#standing")).to_contain_text("رتبهٔ")
    check_page(page, "22-scorecard-public")
