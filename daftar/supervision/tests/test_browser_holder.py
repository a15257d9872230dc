"""The licence holder answers a notice from the web (issue 18), at 360 and 1366 px: the dashboard
names the notice and its deadline, the notice page shows what it cites, the answer is kept.
Screenshots in test-artifacts/18-holder-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import check_page
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login
from daftar.licences.models import Licence
from daftar.supervision.models import Notice
from daftar.supervision.services import notice_issue, violation_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLDER, SUPERVISOR = "09120000008", "09120000006"
ANSWER = "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت و نامهٔ آن پیوست است."


def test_the_holder_answers_a_notice_from_the_dashboard(live_server: Any, page: Any, csp_guard: Any) -> None:
    from daftar.demo.services import demo_load  # the demo's offices and their holders

    demo_load()
    licence = Licence.objects.filter(holder__mobile=HOLDER).first()
    assert licence is not None
    supervisor = User.objects.get(mobile=SUPERVISOR)
    violation_record(licence, type_code="outside_hours", description="کار پس از ساعت ۱۸ در روز تعطیل", actor=supervisor)
    notice = notice_issue(licence, actor=supervisor)
    browser_login(page, live_server.url, HOLDER)
    panel = page.locator('[data-panel="holder"]')
    assert "پاسخ به اخطاریهٔ" in panel.inner_text() and "مهلت:" in panel.inner_text()
    check_page(page, "18-holder-dashboard")
    panel.get_by_role("link", name="پاسخ به اخطاریهٔ").first.click()
    page.wait_for_url(f"**/supervision/notices/{notice.pk}/")
    check_page(page, "18-holder-notice")
    page.get_by_role("textbox", name="پاسخ دفتر").fill(ANSWER)
    page.get_by_role("button", name="ثبت پاسخ").click()
    page.wait_for_selector("text=پاسخ شما ثبت شد")
    assert Notice.objects.get(pk=notice.pk).response_text == ANSWER
    check_page(page, "18-holder-answered")
    page.goto(live_server.url + "/supervision/")
    check_page(page, "18-holder-supervision")
