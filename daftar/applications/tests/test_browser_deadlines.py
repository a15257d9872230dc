"""Browser journey of an escalated case (issue 21 §2): the demo case in document review runs out
of time; the sweep escalates it to the head. The applicant reads on the case page what happened
and by when the head must decide; the licensing authority finds it marked in the overdue queue.
Screenshots in test-artifacts/ at 360 and 1366 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import check_page
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login
from daftar.applications.deadlines import clocks_tick
from daftar.applications.models import Application, StageClock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUTHORITY = "09120000005"
REVIEW_APPLICANT = "09120000035"  # daftar/demo/review.py: a case in document review


def test_an_escalated_case_on_the_applicants_page_and_in_the_authoritys_queue(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the database exists only inside the test

    demo_load()
    case = Application.objects.get(applicant=User.objects.get(mobile=REVIEW_APPLICANT))
    passed = timezone.now() - dt.timedelta(hours=1)
    StageClock.objects.filter(application=case, finished_at__isnull=True, paused_at__isnull=True).update(due_at=passed)
    Application.objects.filter(pk=case.pk).update(due_at=passed)
    assert clocks_tick()["overdue"] >= 1

    browser_login(page, live_server.url, REVIEW_APPLICANT)
    page.goto(f"{live_server.url}/applications/{case.pk}/")
    outcome = page.locator("#deadline-outcome").inner_text()
    assert "به مرجع بالاتر ارجاع شد" in outcome and "۱۴" in outcome  # a Jalali date in Persian digits
    check_page(page, "70-case-escalated")

    page.context.clear_cookies()
    browser_login(page, live_server.url, AUTHORITY)
    page.goto(f"{live_server.url}/staff/queue/?overdue=1&status=all")
    row = page.locator(f"#queue-table tbody tr[data-case='{case.pk}']")
    assert "ارجاع به مرجع بالاتر" in row.inner_text() and "گذشته از مهلت" in row.inner_text()
    check_page(page, "71-queue-escalated")
