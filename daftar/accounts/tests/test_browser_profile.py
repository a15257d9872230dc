"""Browser journey: the profile's national code and the mobile-ownership inquiry (S15.3).

A number the inquiry does not register to the code is refused on the page in Persian; the
owner's number saves it and the page then says it is proven. At 360 and 1366 px, with axe-core
finding nothing serious or critical. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import axe_findings, screenshot
from daftar.accounts import messages as msg
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "0012345679"


def fill_and_save(page: Any, code: str) -> None:
    page.get_by_label("نام", exact=True).fill("سارا")
    page.get_by_label("نام خانوادگی").fill("محمدی")
    page.get_by_label("کد ملی").fill(code)
    page.get_by_role("button", name="ذخیره").click()


@pytest.mark.parametrize("width", [360, 1366])
def test_the_profile_keeps_a_national_code_only_for_its_owners_number(live_server: Any, page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server.url, "09990000001")  # the simulator registers 0999… to no code
    page.goto(live_server.url + "/profile/")
    fill_and_save(page, CODE)
    page.wait_for_load_state()
    error = page.locator("#id_national_code_error")
    assert error.inner_text() == msg.OWNERSHIP_NOT_PROVEN
    assert page.get_by_label("کد ملی").input_value() == "۰۰۱۲۳۴۵۶۷۹"  # what was typed stays, in Persian digits
    assert page.get_by_label("کد ملی").get_attribute("aria-invalid") == "true"
    screenshot(page, f"profile-ownership-refused-{width}")
    assert axe_findings(page) == []
    assert User.objects.get(mobile="09990000001").national_code == ""

    page.context.clear_cookies()
    browser_login(page, live_server.url, "09120000001")
    page.goto(live_server.url + "/profile/")
    fill_and_save(page, CODE)
    page.wait_for_url("**/dashboard/")
    page.goto(live_server.url + "/profile/")
    note = page.locator("#ownership-note")
    assert note.inner_text().startswith("کد ملی با استعلام مالکیت شمارهٔ همراه تأیید شده است")
    screenshot(page, f"profile-ownership-proven-{width}")
    assert axe_findings(page) == []
