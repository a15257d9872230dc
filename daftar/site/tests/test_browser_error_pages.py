"""The error pages a person meets, in the browser (issue 19 §10): a refused page (403), a page
that fails (500) and a form sent without its CSRF token (403) are each checked at 360 and 1366 px
(axe-core, no sideways scrolling), as the unknown address (404) is in the citizen's journey
(offices/tests/test_browser_citizen_finds_and_books.py). The failing and refusing pages exist only
in this test's URL configuration (browser_error_urls.py). Screenshots in test-artifacts/error-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_error_pages_are_accessible_at_both_widths(live_server: Any, page: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "daftar.site.tests.browser_error_urls"  # pytest-django runs with DEBUG off

    response = page.goto(live_server.url + "/refused/")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", name="دسترسی مجاز نیست").is_visible()
    check_page(page, "error-403")

    response = page.goto(live_server.url + "/broken/")
    assert response is not None and response.status == 500
    assert page.get_by_role("heading", name="خطای داخلی سامانه").is_visible()
    assert "RuntimeError" not in page.content()
    check_page(page, "error-500")

    # the login form sent after its CSRF cookie is gone (an expired session, a cleared browser)
    page.goto(live_server.url + "/login/")
    page.context.clear_cookies()
    with page.expect_navigation() as sent:
        page.evaluate("() => document.querySelector('main form[method=post]').submit()")
    assert sent.value is not None and sent.value.status == 403
    assert page.get_by_role("heading", name="فرم منقضی شده").is_visible()
    check_page(page, "error-csrf")
