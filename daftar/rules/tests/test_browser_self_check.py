"""Browser journey (S15.5-S15.6): search the catalogue, open the licence, fill the facts, see
the verdict per condition with one failing condition. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_check_journey_with_one_failing_condition(live_server: Any, page: Any) -> None:
    from daftar.demo.services import demo_load

    demo_load()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="جست‌وجوی مجوز").click()
    page.get_by_label("جست‌وجوی عنوان مجوز").fill("دفتر خدمات الكترونيك")  # Arabic ي/ك typed
    page.get_by_role("button", name="جست‌وجو").click()
    page.get_by_role("link", name="دفتر خدمات الکترونیک شهر").click()
    expect(page.get_by_role("heading", name="شرایط تخصصی")).to_be_visible()
    screenshot(page, "10-licence")
    page.get_by_role("link", name="سنجش شرایط من").click()

    page.get_by_label("تابعیت").select_option("IR")
    page.get_by_label("نوع شخصیت").select_option("natural")
    for name, answer in [
        ("has_criminal_record", "no"),
        ("has_addiction_certificate", "yes"),
        ("health_certified", "yes"),
        ("government_employee", "no"),
        ("represents_other_office", "no"),
        ("training_completed", "yes"),
    ]:
        page.locator(f"input[name={name}][value={answer}]").check()
    page.get_by_label("بالاترین مدرک تحصیلی").select_option("bachelor")
    page.get_by_label("رشتهٔ تحصیلی").select_option("urban_planning")
    page.get_by_label("سابقهٔ کار مرتبط (سال)").fill("۵")
    page.get_by_label("کاربری محل").select_option("commercial")
    page.get_by_label("مساحت مفید محل (متر مربع)").fill("۵۹٫۹")  # just under Tehran's 60 m² (S11.2)
    for item in ("رایانه", "اینترنت پرسرعت", "تابلو", "امکانات رفاهی ارباب رجوع"):
        page.get_by_label(item).check()
    page.get_by_label("عرض جغرافیایی محل").fill("35.745")
    page.get_by_label("طول جغرافیایی محل").fill("51.553")
    page.get_by_role("button", name="سنجش", exact=True).click()

    # the verdict comes with the answer to the form: waited for, not read at once
    expect(page.get_by_role("heading", name="برخی شرایط را ندارید.")).to_be_visible()
    row = page.locator("tr[data-condition='S11.2']")
    expect(row).to_contain_text("✘ ندارد")
    expect(row).to_contain_text("مساحت مفید محل شما ۵۹٫۹ متر مربع است؛ دست‌کم ۶۰ متر مربع در تهران لازم است.")
    expect(page.locator("tr.result-fail")).to_have_count(1)
    expect(page.locator("tr[data-condition='S11.4']")).to_contain_text("✔ دارد")
    expect(page.get_by_role("button", name="درخواست صدور مجوز")).to_be_disabled()
    page.locator("#verdict").scroll_into_view_if_needed()
    screenshot(page, "11-self-check-verdict")
