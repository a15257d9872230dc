"""The examiner sets the interview's time and place on the interview page, in a browser: a past
time is refused on its field, a good one is shown on the page and sent to the applicant, and a
change sends the changed time. Screenshots at 360 and 1366 px in test-artifacts/
(``interview-schedule-*``), axe-core clean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import check_page
from daftar.accounts.models import User
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.assessments.models import InterviewPanel
from daftar.kernel.jalali import to_jalali
from daftar.notifications.models import OutboxMessage

from .helpers import EXAMINER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _typed(days: int, time: str) -> str:
    """A Jalali date ``days`` from today and a time, as typed: «۱۴۰۵/۰۹/۲۰ ۰۹:۳۰»."""
    return f"{to_jalali(timezone.localdate() + dt.timedelta(days=days))} {time}"


def _at(days: int, hour: int, minute: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def test_examiner_schedules_and_moves_the_interview(live_server: Any, browser: Any, csp_guard: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    case = ApplicationFactory.create(submitted=True, status=Status.INTERVIEW)
    client = Client()
    client.force_login(User.objects.get(mobile=EXAMINER))
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900}))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/exams/interviews/{case.pk}/")
    page.wait_for_selector("#interview-unscheduled")
    check_page(page, "interview-schedule")

    # a time already past: the Persian error on its field, nothing saved, nothing sent
    page.get_by_role("textbox", name="زمان مصاحبه", exact=True).fill(_typed(-1, "۰۹:۳۰"))
    page.get_by_role("textbox", name="محل مصاحبه", exact=True).fill("ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴")
    page.get_by_role("button", name="ثبت زمان و محل", exact=True).click()
    page.wait_for_selector(".invalid-feedback")
    assert "زمان مصاحبه باید در آینده باشد." in page.content()
    assert not InterviewPanel.objects.filter(application=case).exists()
    check_page(page, "interview-schedule-error")

    page.get_by_role("textbox", name="زمان مصاحبه", exact=True).fill(_typed(3, "۰۹:۳۰"))
    page.get_by_role("button", name="ثبت زمان و محل", exact=True).click()
    page.wait_for_selector("#interview-when")
    assert page.locator("#interview-when").inner_text() == to_jalali(_at(3, 9, 30), with_time=True)
    assert page.locator("#interview-place").inner_text() == "ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴"
    invitation = OutboxMessage.objects.get(kind="interview_invitation")
    assert invitation.recipient_id == case.applicant_id and "ساعت ۰۹:۳۰" in invitation.text
    # the form now changes the time, with the current one filled in
    assert (
        page.get_by_role("textbox", name="محل مصاحبه", exact=True).input_value()
        == "ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴"
    )
    check_page(page, "interview-schedule-set")

    page.get_by_role("textbox", name="زمان مصاحبه", exact=True).fill(_typed(4, "۱۱:۰۰"))
    page.get_by_role("button", name="ثبت زمان و محل تازه").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("#interview-when").inner_text() == to_jalali(_at(4, 11, 0), with_time=True)
    moved = OutboxMessage.objects.get(kind="interview_rescheduled")
    assert moved.recipient_id == case.applicant_id and "ساعت ۱۱:۰۰" in moved.text
    context.close()
