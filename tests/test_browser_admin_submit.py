"""Browser test of the Django admin's forms with the site's script (static/js/app.js): a superuser
adds a licence type and presses «ذخیره» twice quickly; one request goes, carrying the pressed
button's name, the button shows it is busy, and one licence type is made. The admin's own scripts
still work beside it: an inline's «add another» row, the actions bar and its confirmation page.
A screenshot of the busy button at 1366 px in test-artifacts/ (the admin is a desktop tool)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry

from conftest import ARTIFACTS
from daftar.accounts.tests.factories import UserFactory
from daftar.accounts.tests.helpers import browser_login
from daftar.rules.models import LicenceType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "busy-check"


def test_the_admin_sends_a_form_once_however_fast_it_is_pressed(live_server: Any, page: Any) -> None:
    root = UserFactory(mobile="09120000098", is_superuser=True, is_staff=True)
    browser_login(page, live_server.url, root.mobile)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/rules/licencetype/add/")
    page.locator("#id_title").fill("مجوز آزمایشی دکمهٔ مشغول")
    page.locator("#id_code").fill(CODE)
    page.locator("#id_issuing_body").fill("شهرداری")

    # the admin's inline script: «add another» adds a row, its delete link takes it away
    inline = page.locator(".inline-group")
    before = inline.locator("tr.form-row:not(.empty-form)").count()
    inline.locator(".add-row a").click()
    assert inline.locator("tr.form-row:not(.empty-form)").count() == before + 1
    inline.locator("tr.form-row:not(.empty-form) .inline-deletelink").last.click()
    assert inline.locator("tr.form-row:not(.empty-form)").count() == before

    # the form's POST is held until the test lets it go: the page is «sending» meanwhile
    held: list[Any] = []

    def hold(route: Any) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route("**/admin/rules/licencetype/add/", hold)
    # While a navigation is pending, Playwright's locators and evaluate wait for it: the page is
    # pressed and read in one evaluate, then pressed by the mouse, until the request is let go.
    box = page.evaluate(
        """() => { const b = document.querySelector('input[type="submit"][name="_save"]');
                   const r = b.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; }"""
    )
    state = page.evaluate(
        """() => { const b = document.querySelector('input[type="submit"][name="_save"]');
                   b.click(); b.click();  // a double press
                   return {busy: b.classList.contains('is-busy'), disabled: b.disabled,
                           ariaDisabled: b.getAttribute('aria-disabled'), cursor: getComputedStyle(b).cursor,
                           form: b.form.getAttribute('aria-busy')}; }"""
    )
    # busy, yet not disabled: a disabled button's name and value would not go with the form
    assert state == {"busy": True, "disabled": False, "ariaDisabled": "true", "cursor": "progress", "form": "true"}
    page.wait_for_timeout(400)  # time for a second request, were one sent
    assert len(held) == 1, f"{len(held)} requests were sent"
    assert "_save=" in (held[0].request.post_data or "")  # the pressed button's name went with the form
    page.mouse.click(box["x"], box["y"])  # a third press, by the mouse: still nothing more
    page.wait_for_timeout(200)
    assert len(held) == 1
    # Playwright's own screenshot waits for the navigation too: the browser's is taken directly
    shot = page.context.new_cdp_session(page).send("Page.captureScreenshot", {"format": "png"})
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "82-admin-save-busy-1366.png").write_bytes(base64.b64decode(shot["data"]))
    held[0].continue_()
    page.wait_for_selector(".messagelist .success")
    page.unroute("**/admin/rules/licencetype/add/")
    # Not check_page: axe-core parses the admin's @import-ed stylesheets by adding <style>
    # elements, which the CSP blocks, failing the test for axe's doing rather than the page's.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    made = LicenceType.objects.get(code=CODE)
    assert LogEntry.objects.filter(object_id=str(made.pk)).count() == 1

    # the changelist's actions bar, with the busy guard on its form: the chosen action and the
    # «index» of the pressed button still reach the admin, which asks to confirm the deletion
    page.locator(f'input.action-select[value="{made.pk}"]').check()
    page.wait_for_selector("tr.selected")  # the admin's own script took the choice
    page.locator('select[name="action"]').select_option("delete_selected")
    page.locator('button[name="index"]').click()
    page.wait_for_selector('input[name="post"]', state="attached")
    page.locator('form input[type="submit"]').click()
    page.wait_for_selector(".messagelist .success")
    assert not LicenceType.objects.filter(code=CODE).exists()
