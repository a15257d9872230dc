"""Browser journey of a citizen (issue 6 tests: «a citizen books and cancels»): open an office's
booking page, pick a service, a day and a slot, log in with the real OTP page (and come back to
the confirmation), confirm, read the code, then cancel from «نوبت‌های من». The login's code page,
the appointment's page and the cancelling page are checked at 360 and 1366 px (axe-core, no
sideways scrolling: issue 19 §10). Screenshots in test-artifacts/ (80-…)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from conftest import captcha_answer, check_page, screenshot, sms_code
from daftar.accounts.tests.factories import UserFactory
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.slots import bookable_days
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.offices.hours import day_hours
from daftar.offices.tests.factories import OfficeStaffFactory

from .conftest import make_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN = "09120000077"


def test_citizen_books_a_slot_and_cancels_it(live_server: Any, page: Any, district: Any) -> None:
    office = make_office(district, "دفتر خدمات الکترونیک شهر نمونه")
    UserFactory(mobile=CITIZEN, first_name="مریم", last_name="احمدی")
    day = next(d for d in bookable_days()[1:] if day_hours(office, d).is_open_day)  # a future working day

    page.goto(f"{live_server.url}/offices/{office.pk}/book/")
    assert page.get_by_role("heading", name="نوبت‌گیری اینترنتی").is_visible()
    page.get_by_role("link", name="استعلام ملک").click()
    page.wait_for_url("**/book/?service=property_inquiry")
    closed = page.locator("[data-closed=true]")
    assert any("جمعه\n" in text and "تعطیل" in text for text in closed.all_inner_texts())
    screenshot(page, "80-appointment-days")
    page.locator(f"a[data-day='{day.isoformat()}']").click()
    page.wait_for_url(f"**date={day.isoformat()}#step-slot")
    slots = page.locator("[data-step=slots] a[data-slot]")
    assert slots.count() == 24
    assert slots.first.inner_text().startswith("۰۸:۰۰")
    screenshot(page, "81-appointment-slots")
    page.locator("a[data-slot='09:30']").click()

    # booking needs login: the real OTP login, then back to the confirmation
    page.wait_for_url("**/login/**")
    page.get_by_label("شماره تلفن همراه").fill(CITIZEN)
    page.get_by_label("عدد امنیتی").fill(captcha_answer(page.locator("#id_captcha_key").input_value()))
    page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
    page.wait_for_url("**/login/code/")
    check_page(page, "82-appointment-login-code")
    page.get_by_label("رمز یکبار مصرف").fill(sms_code(CITIZEN))
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url("**/book/confirm/**")
    assert "ساعت ۰۹:۳۰ تا ۰۹:۴۵" in page.locator("#confirm-when").inner_text()
    screenshot(page, "82-appointment-confirm")
    page.get_by_role("button", name="تأیید و رزرو نوبت").click()
    page.wait_for_url("**/appointments/*/")
    appointment = Appointment.objects.get(citizen__mobile=CITIZEN)
    assert page.locator("#appointment-code").inner_text() == appointment.code
    assert page.locator("#appointment-status").inner_text() == "رزروشده"
    assert page.get_by_text(f"کد نوبت: {appointment.code}").first.is_visible()
    check_page(page, "83-appointment-booked")

    # the slot now shows one free counter fewer
    page.goto(f"{live_server.url}/offices/{office.pk}/book/?service=property_inquiry&date={day.isoformat()}")
    assert "۱ باجهٔ آزاد" in page.locator("a[data-slot='09:30']").inner_text()

    page.goto(f"{live_server.url}/appointments/")
    card = page.locator(f"[data-appointment='{appointment.code}']")
    assert "رزروشده" in card.inner_text()
    screenshot(page, "84-my-appointments")
    card.get_by_role("link", name="لغو نوبت").click()
    page.wait_for_url("**/cancel/")
    check_page(page, "85-appointment-cancel-confirm")
    page.get_by_role("button", name="بله، نوبت را لغو کن").click()
    page.wait_for_url("**/appointments/")
    assert page.get_by_text(f"نوبت {appointment.code} لغو شد.").is_visible()
    assert "لغوشده" in page.locator(f"[data-appointment='{appointment.code}']").inner_text()
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED
    screenshot(page, "86-appointment-cancelled")

    # the booking page fits a phone (RTL, no sideways scrolling)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/offices/{office.pk}/book/?service=property_inquiry&date={day.isoformat()}")
    assert "۲ باجهٔ آزاد" in page.locator("a[data-slot='09:30']").inner_text()  # free again
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    screenshot(page, "87-appointment-slots-phone")


def test_clerk_sees_the_days_list_and_marks_done(live_server: Any, page: Any, district: Any) -> None:

    from .conftest import at

    office = make_office(district, "دفتر خدمات الکترونیک شهر نمونه")
    clerk = UserFactory(mobile="09120000078", first_name="سارا", last_name="محمدی")
    OfficeStaffFactory(office=office, user=clerk)
    today = bookable_days()[0]
    # the day's list at 10:00 Tehran, whenever the suite runs: late in the evening the 23:30
    # appointment would have passed already (time_machine moves the live server's clock too)
    with time_machine.travel(at(today, 10), tick=True):
        # today's list, written directly: one appointment at the start of the day (its time has
        # passed, so «حاضر نشد» is offered) and one late in the evening (only «انجام شد»)
        made = []
        for n, (hour, minute) in enumerate(((0, 0), (23, 30))):
            citizen = UserFactory(mobile=f"0912000009{n}", first_name="شهروند", last_name=f"نمونهٔ {n + 1}")
            made.append(
                AppointmentFactory(
                    office=office, citizen=citizen, start=at(today, hour, minute), code=f"TEST-AAA{n + 2}"
                )
            )

        page.goto(f"{live_server.url}/offices/{office.pk}/appointments/")
        page.wait_for_url("**/login/**")
        page.get_by_label("شماره تلفن همراه").fill(clerk.mobile)
        page.get_by_label("عدد امنیتی").fill(captcha_answer(page.locator("#id_captcha_key").input_value()))
        page.get_by_role("button", name="ارسال رمز یکبار مصرف").click()
        page.wait_for_url("**/login/code/")
        page.get_by_label("رمز یکبار مصرف").fill(sms_code(clerk.mobile))
        page.get_by_role("button", name="ورود").click()
        page.wait_for_url(f"**/offices/{office.pk}/appointments/")
        assert page.locator("tr[data-appointment]").count() == 2
        assert "(امروز)" in page.locator("#day-title").inner_text()
        late = page.locator(f"tr[data-appointment='{made[1].code}']")
        assert late.get_by_role("button", name="حاضر نشد").count() == 0  # not before its start
        screenshot(page, "88-appointment-office-day")
        page.locator(f"tr[data-appointment='{made[0].code}']").get_by_role("button", name="حاضر نشد").click()
        page.wait_for_load_state()
        assert page.locator(f"tr[data-appointment='{made[0].code}'] [data-status]").inner_text() == "حاضر نشد"
        page.locator(f"tr[data-appointment='{made[1].code}']").get_by_role("button", name="انجام شد").click()
        page.wait_for_load_state()
        assert page.locator(f"tr[data-appointment='{made[1].code}'] [data-status]").inner_text() == "انجام شد"
        assert [a.status for a in Appointment.objects.filter(office=office).order_by("start")] == [
            AppointmentStatus.NO_SHOW,
            AppointmentStatus.DONE,
        ]
        screenshot(page, "89-appointment-office-day-marked")
