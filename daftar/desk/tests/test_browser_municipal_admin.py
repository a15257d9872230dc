"""Browser journeys of the municipality administrator (issue 18 §3), logged in as the demo's
09120000007: opening a call with a quota per district and Jalali dates; drafting a rule-set
version, raising a threshold, previewing its effect on the open cases and publishing it from a
date; editing the pass rules. Each page at 360 and 1366 px with axe-core (``check_page``);
screenshots in test-artifacts/desk-municipal-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import check_page
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "09120000007"


def jalali(moment: dt.datetime | dt.date, with_time: bool = True) -> str:
    if isinstance(moment, dt.datetime):
        local = timezone.localtime(moment)
        text = jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M" if with_time else "%Y/%m/%d")
    else:
        text = jdatetime.date.fromgregorian(date=moment).strftime("%Y/%m/%d")
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_an_admin_opens_a_call_with_quotas_per_district(live_server: Any, page: Any) -> None:
    from daftar.calls.models import Call
    from daftar.demo.services import demo_load

    demo_load(offices=False)
    browser_login(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/desk/municipality/calls/")
    assert page.locator("#calls tbody tr").count() == 1
    check_page(page, "desk-municipal-calls-list")

    page.get_by_role("link", name="فراخوان تازه").click()
    page.wait_for_url("**/desk/municipality/calls/new/")
    start = timezone.now() + dt.timedelta(days=14)
    page.get_by_label("عنوان فراخوان").fill("فراخوان دفاتر خدمات الکترونیک — مناطق شمالی")
    page.get_by_label("شرح").fill("سهمیهٔ مناطق ۱ تا ۳")
    page.get_by_label("آغاز ثبت‌نام (به وقت تهران)").fill(jalali(start))
    page.get_by_label("پایان ثبت‌نام (به وقت تهران)").fill(jalali(start + dt.timedelta(days=30)))
    page.get_by_label("منطقهٔ ۱", exact=True).fill("۲")
    page.get_by_label("منطقهٔ ۲", exact=True).fill("۱")
    page.get_by_label("منطقهٔ ۳", exact=True).fill("صفر")  # a mistake, answered in Persian
    check_page(page, "desk-municipal-call-new")
    page.get_by_role("button", name="ساخت فراخوان").click()
    expect(page.get_by_text("سهمیهٔ هر منطقه باید عددی صحیح از ۱ تا ۱۰۰۰ باشد.")).to_be_visible()
    assert Call.objects.count() == 1
    check_page(page, "desk-municipal-call-new-error")

    page.get_by_label("منطقهٔ ۳", exact=True).fill("1")
    page.get_by_role("button", name="ساخت فراخوان").click()
    page.wait_for_url("**/desk/municipality/calls/")
    call = Call.objects.latest("pk")
    assert sorted(call.districts.values_list("district__number", "quota")) == [(1, 2), (2, 1), (3, 1)]
    row = page.locator(f"[data-call='{call.pk}']")
    assert row.get_by_text("به‌زودی").is_visible()
    assert row.get_by_text(jalali(call.opens_at).replace(" ", "، ساعت ")).is_visible()
    assert row.get_by_text("۳ منطقه · ۴ مجوز").is_visible()
    check_page(page, "desk-municipal-calls-list-new")

    # the demo's open call closes early, after the confirmation
    demo = Call.objects.exclude(pk=call.pk).get()
    page.locator(f"[data-call='{demo.pk}']").get_by_role("link", name="بستن زودهنگام").click()
    page.wait_for_url(f"**/calls/{demo.pk}/close/")
    assert page.get_by_text("پیش‌نویسی در این فراخوان نیست.").is_visible()
    check_page(page, "desk-municipal-call-close")
    page.get_by_label("دلیل").fill("سهمیهٔ مناطق پر شد")
    page.get_by_role("button", name="بله، فراخوان را همین حالا ببند").click()
    page.wait_for_url("**/desk/municipality/calls/")
    assert page.locator(f"[data-call='{demo.pk}']").get_by_text("بسته").is_visible()


def test_an_admin_drafts_a_rule_set_previews_its_effect_and_publishes_it(live_server: Any, page: Any) -> None:
    from daftar.applications.tests.factories import ApplicationFactory
    from daftar.applications.tests.helpers import GOOD_FACTS
    from daftar.demo.services import demo_load
    from daftar.rules.models import RuleSet

    demo_load(offices=False)
    small = [
        ApplicationFactory(submitted=True, facts={**GOOD_FACTS, "premises_area_m2": area}) for area in (64, 70, 75)
    ]
    ApplicationFactory(submitted=True, facts={**GOOD_FACTS, "premises_area_m2": 95})
    browser_login(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/desk/municipality/rules/")
    check_page(page, "desk-municipal-rules-list")
    page.get_by_role("button", name="پیش‌نویس تازه از نسخهٔ ۱").click()
    draft = RuleSet.objects.get(published=False)
    page.wait_for_url(f"**/desk/municipality/rules/{draft.pk}/")
    assert page.get_by_text("پیش‌نویس نسخهٔ ۲ ساخته شد").is_visible()
    check_page(page, "desk-municipal-rules-draft")

    area = draft.conditions.get(cid="S11.2")
    box = page.locator(f"fieldset:has(#id_c{area.pk}-min)")
    box.get_by_label("حداقل (متر مربع)").fill("۸۰")
    page.get_by_role("button", name="ذخیرهٔ تغییرها").click()  # the text still says ۶۰: refused
    assert page.get_by_text("متن شرط هنوز عدد پیشین (۶۰) را می‌گوید").is_visible()
    check_page(page, "desk-municipal-rules-draft-error")
    box.get_by_label("متن شرط").fill("حداقل مساحت مفید ۸۰ متر مربع (تهران)")
    box.get_by_label("حداقل (متر مربع)").fill("۸۰")
    page.get_by_role("button", name="ذخیرهٔ تغییرها").click()
    expect(page.get_by_text("تغییر ۱ شرط ذخیره شد.")).to_be_visible()
    area.refresh_from_db()
    assert area.parameters["min"] == 80

    page.get_by_role("link", name="اثر این پیش‌نویس بر پرونده‌های باز").click()
    page.wait_for_url(f"**/rules/{draft.pk}/preview/")
    assert page.get_by_text(
        "۳ پرونده با این نسخه دیگر شرط «حداقل مساحت مفید ۸۰ متر مربع (تهران)» را ندارند"
    ).is_visible()
    for case in small:
        assert page.get_by_role("link", name=case.tracking_code).is_visible()
    check_page(page, "desk-municipal-rules-preview")

    page.get_by_role("link", name="انتشار…").click()
    page.wait_for_url(f"**/rules/{draft.pk}/publish/")
    day = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("اجرا از تاریخ").fill(jalali(day))
    check_page(page, "desk-municipal-rules-publish")
    page.get_by_role("button", name="بله، این نسخه را منتشر کن").click()
    page.wait_for_url("**/desk/municipality/rules/")
    assert page.get_by_text(f"نسخهٔ ۲ منتشر شد و از {jalali(day)}").is_visible()
    draft.refresh_from_db()
    assert draft.published and draft.effective_from == day


def test_an_admin_edits_the_pass_rules(live_server: Any, page: Any) -> None:
    from daftar.assessments.models import AssessmentPolicy
    from daftar.demo.services import demo_load

    demo_load(offices=False)
    browser_login(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/desk/municipality/assessment/")
    check_page(page, "desk-municipal-assessment")
    page.get_by_label("نسبی (درصدی از میانگین برترین‌ها)").check()
    page.get_by_label("وزن بخش عمومی").fill("۰٫۵")
    page.get_by_role("button", name="ذخیرهٔ قاعدهٔ قبولی").click()
    expect(page.get_by_text("وزن بخش عمومی و بخش تخصصی باید نامنفی و مجموعشان ۱ باشد")).to_be_visible()
    assert not AssessmentPolicy.objects.exists()
    check_page(page, "desk-municipal-assessment-error")
    page.get_by_label("وزن بخش تخصصی").fill("۰٫۵")
    page.get_by_role("button", name="ذخیرهٔ قاعدهٔ قبولی").click()
    expect(page.get_by_text("ذخیره شد")).to_be_visible()
    policy = AssessmentPolicy.objects.get()
    assert (policy.exam_pass_rule, policy.weight_general, policy.weight_specialised) == ("relative", 0.5, 0.5)
