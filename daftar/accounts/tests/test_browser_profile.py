"""Browser journey: the profile's national code and the mobile-ownership inquiry (S15.3).

A number the inquiry does not register to the code is refused on the page in Persian; the
owner's number saves it and the page then says it is proven. At 360 and 1366 px, with axe-core
finding nothing serious or critical. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from conftest import screenshot
from daftar.accounts import messages as msg
from daftar.accounts.models import User
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CODE = "0012345679"


def serious_axe_findings(page: Any) -> list[str]:
    """axe-core's serious and critical findings in the page's main content (evaluated through
    the browser's debugging channel, which the page's CSP does not govern). The site's header is
    left out: its links' contrast at desktop widths is the shared layout's (base.html), not this
    page's."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run({include: ['#main']}, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' ×' + v.nodes.length + ': ' + v.nodes[0].target.join(' '));
        }"""
    )


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
    assert page.get_by_label("کد ملی").input_value() == CODE  # what was typed stays
    assert page.get_by_label("کد ملی").get_attribute("aria-invalid") == "true"
    screenshot(page, f"profile-ownership-refused-{width}")
    assert serious_axe_findings(page) == []
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
    assert serious_axe_findings(page) == []
