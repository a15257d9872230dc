"""The exam and interview on the applicant's own case page, in a browser (issue 21 §4): the
exam session they are seated in and the interview's time and place show in their stage of the
tracking step, and in what is needed now, which a phone shows first, before the tracking step;
a moved interview shows its new time. Screenshots at 360 and 1366 px in test-artifacts/
(``case-appointment-*``), axe-core clean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import check_page
from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.presenters import appointment_when
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.assessments import services as assessments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMINER = "09120000003"


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def _open(browser: Any, csp_guard: Any, live_server: Any, case: Application) -> Any:
    client = Client()
    client.force_login(case.applicant)
    context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900}))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/applications/{case.pk}/")
    return page


def _needed_comes_first(page: Any) -> None:
    """At 360 px what is needed now (with the appointment) is above the tracking step."""
    page.set_viewport_size({"width": 360, "height": 900})
    needed = page.locator("#needed").bounding_box()
    tracking = page.locator("#step-tracking").bounding_box()
    assert needed["y"] < tracking["y"]
    assert "حضور در" in page.locator("#needed").inner_text()
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_applicant_reads_their_exam_and_interview_times_on_their_case(
    live_server: Any, browser: Any, csp_guard: Any
) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    examiner = User.objects.get(mobile=EXAMINER)
    exam_case = ApplicationFactory.create(submitted=True, status=Status.EXAM)
    other = ApplicationFactory.create(submitted=True, status=Status.EXAM)
    exam_at = _at(6, 9)
    session = assessments.session_create(
        call=exam_case.call,
        title="آزمون کتبی نوبت اول",
        starts_at=exam_at,
        place="تالار شهرداری منطقهٔ 1، خیابان ولیعصر، نبش کوچهٔ 12، طبقهٔ همکف",
        seats=10,
        actor=examiner,
    )
    assessments.seat_assign(session=session, application=exam_case, actor=examiner)
    later = assessments.session_create(
        call=other.call, title="آزمون کتبی نوبت دوم", starts_at=_at(7, 9), place="سالن دیگر", seats=5, actor=examiner
    )
    assessments.seat_assign(session=later, application=other, actor=examiner)

    page = _open(browser, csp_guard, live_server, exam_case)
    shown = page.locator("li[data-stage='exam'] .stage-appointment")
    assert shown.count() == 1
    assert shown.inner_text() == (
        f"آزمون کتبی نوبت اول: {appointment_when(exam_at)}، "
        "محل: تالار شهرداری منطقهٔ ۱، خیابان ولیعصر، نبش کوچهٔ ۱۲، طبقهٔ همکف"
    )
    assert page.locator("li[data-stage='exam']").get_attribute("data-state") == "current"
    assert "نوبت دوم" not in page.content()  # another applicant's session
    _needed_comes_first(page)
    check_page(page, "case-appointment-exam")
    page.context.close()

    interview_case = ApplicationFactory.create(submitted=True, status=Status.INTERVIEW)
    first, moved = _at(3, 10, 30), _at(5, 11)
    assessments.interview_schedule(
        application=interview_case, starts_at=first, place="ساختمان شهرداری، طبقهٔ دوم، اتاق 204", actor=examiner
    )
    page = _open(browser, csp_guard, live_server, interview_case)
    shown = page.locator("li[data-stage='interview'] .stage-appointment")
    assert shown.inner_text() == f"مصاحبه: {appointment_when(first)}، محل: ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴"
    assert page.locator("li[data-stage='exam'] .stage-appointment").count() == 0  # the exam is behind
    _needed_comes_first(page)
    check_page(page, "case-appointment-interview")

    assessments.interview_schedule(
        application=interview_case, starts_at=moved, place="ساختمان شهرداری، طبقهٔ دوم، اتاق 204", actor=examiner
    )
    page.reload()
    assert shown.inner_text() == f"مصاحبه: {appointment_when(moved)}، محل: ساختمان شهرداری، طبقهٔ دوم، اتاق ۲۰۴"
    assert appointment_when(first) not in page.content()
    page.context.close()
