"""Browser journey of an applicant (issue 19 §4): from the dashboard to the self-check, on to the
open call's form already filled from it, the documents dropped all at once into one area with a
requirement and a progress bar per file, the confirmation, the submission and the tracking
step. Every page is checked at 360 and 1366 px (``check_page``) and the clicks are counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login
from daftar.applications.models import Application
from daftar.rules.models import DocumentRequirement

from .helpers import pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "09120000001"
SELF_CHECK = [
    ("has_criminal_record", "no"),
    ("has_addiction_certificate", "yes"),
    ("health_certified", "yes"),
    ("government_employee", "no"),
    ("represents_other_office", "no"),
    ("training_completed", "yes"),
]
EQUIPMENT = ("رایانه", "چاپگر", "اینترنت پرسرعت", "تابلو", "امکانات رفاهی ارباب رجوع")


class Clicks:
    """Counts what the person does with the mouse or a tap (typing is not counted)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Any) -> None:
        locator.click()
        self.count += 1


def test_applicant_goes_from_the_self_check_to_a_submitted_case(live_server: Any, page: Any, tmp_path: Path) -> None:
    from daftar.demo.services import demo_load  # needs the database the live server serves

    demo_load()
    required = list(DocumentRequirement.objects.filter(required=True, stage="submission").order_by("order"))
    files = []
    for requirement in required:  # named after the document, as a person would name a scan
        pdf = "application/pdf" in requirement.accepted_types
        path = tmp_path / f"{requirement.code}.{'pdf' if pdf else 'png'}"
        path.write_bytes(pdf_bytes() if pdf else png_bytes())
        files.append(str(path))
    fake = tmp_path / "national_card_copy.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")

    browser_login(page, live_server.url, APPLICANT)
    click = Clicks()
    # From the dashboard: the home page's catalogue card, the licence, the self-check.
    click(page.locator("a.navbar-brand"))  # the brand: the home page
    click(page.get_by_role("link", name="جست‌وجوی مجوز"))
    click(page.locator("main h2 a").first)
    click(page.get_by_role("link", name="سنجش شرایط من"))
    for name, answer in SELF_CHECK:
        click(page.locator(f"input[name={name}][value={answer}]"))
    page.get_by_label("بالاترین مدرک تحصیلی").select_option("master")
    page.get_by_label("رشتهٔ تحصیلی").select_option("urban_planning")
    click.count += 2  # two selects
    page.get_by_label("سابقهٔ کار مرتبط (سال)").fill("۵")
    page.get_by_label("ساعت دوره‌های آموزشی").fill("۱۲۰")
    page.get_by_label("کاربری محل").select_option("commercial")
    click.count += 1
    page.get_by_label("مساحت مفید محل (متر مربع)").fill("۷۵")
    for item in EQUIPMENT:
        click(page.get_by_label(item))
    page.get_by_label("عرض جغرافیایی محل").fill("۳۵٫۷۴۵")
    page.get_by_label("طول جغرافیایی محل").fill("۵۱٫۵۵۳")
    click(page.get_by_role("button", name="سنجش"))
    page.wait_for_load_state()
    check_page(page, "50-self-check-result")
    self_check_clicks = click.count

    # Applying: the open call's form, already filled from the self-check; only the district.
    click(page.get_by_role("link", name="درخواست صدور مجوز"))
    page.wait_for_url("**/calls/*/**")
    assert page.locator("#prefilled").is_visible()
    assert page.get_by_label("سابقهٔ کار مرتبط (سال)").input_value() == "۵"
    assert page.locator("input[name=has_criminal_record][value=no]").is_checked()
    page.get_by_label("منطقهٔ محل دفتر").select_option(label="منطقهٔ ۳")
    click.count += 1
    check_page(page, "51-apply-prefilled")
    click(page.get_by_role("button", name="ساخت پیش‌نویس درخواست"))
    page.wait_for_url("**/applications/*/")
    assert page.locator("[data-step='2']").get_attribute("data-state") == "current"
    assert page.locator("#missing li").count() == len(required)
    assert not page.locator("#submit-form").count()  # nothing to submit yet
    check_page(page, "52-case-documents")

    # A file that is not what its name says: a Persian error on that file only.
    drop = page.locator("#drop-input")
    drop.set_input_files(str(fake))
    click.count += 1
    assert page.locator("#upload-queue select").input_value() == "national_card"  # guessed from the name
    click(page.get_by_role("button", name="بارگذاری فایل‌ها"))
    error = page.locator("#upload-queue .upload-item.is-error .upload-state")
    error.wait_for()
    assert "نوع" in error.inner_text() and "پذیرفته نیست" in error.inner_text()
    check_page(page, "53-upload-refused")
    click(page.get_by_role("button", name="حذف از فهرست"))
    wrong_file_clicks = 3

    # Every document at once: each goes to the requirement its name tells, with a progress bar.
    drop.set_input_files(files)
    click.count += 1
    assert page.locator("#upload-queue .upload-item").count() == len(required)
    assert page.locator("#upload-queue progress").count() == len(required)
    for requirement, select in zip(required, page.locator("#upload-queue select").all(), strict=True):
        assert select.input_value() == requirement.code
    click(page.get_by_role("button", name="بارگذاری فایل‌ها"))
    page.locator("#submit-form").wait_for()  # the page came again at the confirmation step
    assert page.url.endswith("#step-confirm")
    assert page.locator("[data-step='3']").get_attribute("data-state") == "current"
    assert page.locator("#missing").inner_text().startswith("همهٔ مدارک لازم")
    for requirement in required:
        assert page.locator(f"[data-document={requirement.code}]").get_attribute("data-state") == "pending"
    check_page(page, "54-case-confirm")

    # The server refuses without the confirmation; then confirmed and submitted.
    click(page.get_by_role("button", name="ثبت نهایی درخواست"))
    page.wait_for_load_state()
    assert "تأیید کنید" in page.locator("#id_submit_confirm_error").inner_text()
    assert Application.objects.get(applicant__mobile=APPLICANT).status == "draft"
    click(page.get_by_label("اطلاعات و مدارک را درست و کامل وارد کرده‌ام."))
    click(page.get_by_role("button", name="ثبت نهایی درخواست"))
    page.wait_for_load_state()
    case = Application.objects.get(applicant__mobile=APPLICANT)
    assert case.status == "submitted" and case.tracking_code
    assert page.locator("#tracking-code").inner_text() == case.tracking_code
    assert page.locator("[data-step='4']").get_attribute("data-state") == "current"
    for stage in ("exam", "interview", "site_inspection", "final_review"):
        assert page.locator(f"[data-stage={stage}]").get_attribute("data-state") == "waiting"
    check_page(page, "55-case-tracking")

    # On a phone the current step and its deadline come first, and the page stays short.
    page.set_viewport_size({"width": 360, "height": 800})
    steps_top = page.locator("#steps").bounding_box()["y"]
    deadline_top = page.locator("#current-deadline").bounding_box()["y"]
    assert steps_top < 600 and deadline_top < 900
    height = page.evaluate("document.documentElement.scrollHeight")
    journey = click.count - wrong_file_clicks - 1  # without the refused file and the refused submit
    print(f"\nclicks: self-check {self_check_clicks}, whole journey {journey}; phone height {height}px")
    assert height < 3200, f"the case page is {height}px tall on a phone"
    assert journey <= 30

    # The dashboard and «پرونده‌های من» say the next step in words.
    page.goto(f"{live_server.url}/applications/")
    assert "گام بعدی" in page.locator(f"[data-case='{case.pk}']").inner_text()
    check_page(page, "56-my-cases")
