"""Browser journey of a citizen (issue 19 §7): in the finder an office closed today says when it
next opens and its phone number is a link to call; on its page the same; booking shows what it
costs before the citizen confirms, and a second press of «confirm» sends nothing more.
The registry names it as the finder does, and an
unknown address is a Persian 404 page. Screenshots in test-artifacts/ (citizen-…)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.appointments.models import Appointment
from daftar.offices.models import Office, OfficeClosure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "09120000001"


def test_citizen_finds_a_closed_office_sees_when_it_opens_and_books_seeing_the_fee(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load  # the demo offices, with hours, tariffs and services

    demo_load()
    office = Office.objects.order_by("pk").first()
    assert office is not None
    OfficeClosure.objects.create(office=office, date=timezone.localdate(), reason="تعمیرات")

    page.goto(live_server.url + "/offices/")
    card = page.locator(f"[data-office='{office.pk}']")
    said = card.locator("[data-next-opening]").inner_text()
    assert said.startswith("بسته است؛ ") and said.endswith(" باز می‌شود")
    assert card.get_by_role("link", name="۰۲۱۸۸۰۰۱۱۱۱").get_attribute("href") == "tel:+982188001111"
    check_page(page, "citizen-finder")

    card.get_by_role("link", name=office.name).click()
    page.wait_for_url(f"**/offices/{office.pk}/")
    assert page.locator("[data-next-opening]").inner_text() == said
    licence = page.get_by_role("link", name=office.licence.number)
    assert licence.get_attribute("href") == f"/licences/verify/{office.licence.number}/"
    check_page(page, "citizen-office")
    licence.click()
    page.wait_for_url(f"**/licences/verify/{office.licence.number}/")
    assert office.name in page.locator("main").inner_text()

    page.goto(live_server.url + "/licences/registry/?municipality=tehran")
    row = page.locator(f"tr[data-licence='{office.licence.number}']")
    assert office.name in row.inner_text()
    check_page(page, "citizen-registry")
    page.goto(live_server.url + "/no-such-page/")
    assert page.get_by_role("heading", name="صفحه یافت نشد").is_visible()
    check_page(page, "citizen-error-404")

    browser_login(page, live_server.url, CITIZEN)
    page.goto(f"{live_server.url}/offices/{office.pk}/book/")
    page.get_by_role("link", name="استعلام ملک").click()
    page.wait_for_url("**/book/?service=property_inquiry")
    assert "هزینهٔ خدمت ۴۵۰٬۰۰۰ ریال است" in page.locator("#booking-fee").inner_text()
    page.locator("[data-step=days] a[data-day]").first.click()
    page.wait_for_url("**#step-slot")
    check_page(page, "citizen-booking-fee")
    page.locator("[data-step=slots] a[data-slot]").first.click()
    page.wait_for_url("**/book/confirm/**")
    assert "۴۵۰٬۰۰۰ ریال" in page.locator("#confirm-fee").inner_text()
    check_page(page, "citizen-booking-confirm")

    # a double press sends the booking once: the form is busy after the first
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    with page.expect_navigation(url="**/appointments/*/"):
        page.evaluate(
            """() => { const form = document.querySelector("form[action$='/book/confirm/']");
                       const button = form.querySelector("button[type=submit]");
                       form.requestSubmit(button); form.requestSubmit(button);
                       return form.getAttribute("aria-busy"); }"""
        )
    assert len(posts) == 1
    assert Appointment.objects.filter(citizen__mobile=CITIZEN, office=office).count() == 1
