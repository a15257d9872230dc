"""The licensing authority finds the licences the national portal has not registered while it
was down, and sends one again once it is back (login 09120000005, demo data). Checked at 360
and 1366 px (screenshots in test-artifacts/, no overflow, axe-core)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.portal import messages as msg
from daftar.portal.adapters import simulator_down
from daftar.portal.models import PortalMessage
from daftar.portal.services import portal_register_licences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AUTHORITY = "09120000005"


def test_authority_retries_a_message_the_portal_missed(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo's licences, issued before the connector

    demo_load()
    simulator_down(True)
    queued = portal_register_licences()
    assert queued >= 1
    browser_login(page, live_server.url, AUTHORITY)
    page.goto(live_server.url + "/desk/portal/")
    rows = page.locator("#portal-table tbody tr")
    assert rows.count() == PortalMessage.objects.filter(municipality__slug="tehran", sent_at__isnull=True).count()
    before = rows.count()
    assert before >= 1
    first = rows.first
    assert msg.ERRORS["timeout"] in first.inner_text()
    assert first.locator("td").nth(2).inner_text().endswith("۱")  # one attempt, in Persian digits
    check_page(page, "21-portal-outbox")

    simulator_down(False)
    first.get_by_role("button", name="تلاش دوباره").click()
    page.wait_for_load_state()
    assert msg.RETRIED_OK in page.content()
    assert page.locator("#portal-table tbody tr").count() == before - 1
    assert PortalMessage.objects.filter(sent_at__isnull=False).count() == 1
