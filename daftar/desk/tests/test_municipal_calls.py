"""The municipality administrator's calls pages (issue 18 §3; S7, P4): the list, opening a call
with Jalali dates and a quota per district, editing an upcoming call, closing an open call
early and cancelling one, and every refusal: Persian, with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import jdatetime
import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.audit.models import AuditEntry
from daftar.calls import messages as msg
from daftar.calls.models import Call, CallDistrict
from daftar.calls.tests.factories import CallFactory
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.rules.models import RuleSet
from daftar.rules.services import rule_set_new_version

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"
PINNED_CSRF = mock.patch("django.middleware.csrf._get_new_csrf_string", return_value="pinnedcsrfpinnedcsrfpinnedcsrfpi")
NEW = "/desk/municipality/calls/new/"
LIST = "/desk/municipality/calls/"


def client_of(mobile: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(mobile=mobile))
    return client


def jalali(moment: dt.datetime, digits: str = "latin") -> str:
    text = jdatetime.datetime.fromgregorian(datetime=timezone.localtime(moment)).strftime("%Y/%m/%d %H:%M")
    if digits == "persian":
        text = text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    return text


def counts() -> tuple[int, int, int]:
    return Call.objects.count(), CallDistrict.objects.count(), AuditEntry.objects.count()


def form(rules: RuleSet, **overrides: Any) -> dict[str, Any]:
    districts = list(rules.municipality.districts.order_by("number"))
    start = timezone.now() + dt.timedelta(days=10)
    data = {
        "title": "فراخوان دفاتر خدمات الکترونیک شهر — نوبت دوم",
        "description": "در مناطق ۱ و ۲",
        "licence_type": rules.licence_type.code,
        "rule_set": str(rules.pk),
        "opens_at": jalali(start, "persian"),
        "closes_at": jalali(start + dt.timedelta(days=30), "persian"),
        f"quota_{districts[0].pk}": "۲",
        f"quota_{districts[1].pk}": "1",
    }
    data.update(overrides)
    return data


def test_the_list_shows_the_calls_of_the_municipality_in_persian(tehran_rules: RuleSet) -> None:
    call = Call.objects.get(municipality=tehran_rules.municipality)
    ApplicationFactory(call=call)  # a draft
    ApplicationFactory(call=call, submitted=True)
    response = client_of(ADMIN).get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert call.title in text
    assert "باز" in text and "۱ ثبت‌شده" in text and "۱ پیش‌نویس" in text
    assert f"{call.districts.count()}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) + " منطقه" in text
    assert jalali(call.opens_at, "persian").split()[0] in text
    assert "بستن زودهنگام" in text and "ویرایش" not in text.split('id="calls"')[1].split("</table>")[0]
    assert "None" not in text


def test_an_admin_opens_a_call_with_quotas_per_district_and_jalali_dates(tehran_rules: RuleSet) -> None:
    before = AuditEntry.objects.count()
    data = form(tehran_rules)
    response = client_of(ADMIN).post(NEW, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.latest("pk")
    assert call.title == data["title"] and call.rule_set == tehran_rules
    assert jalali(call.opens_at) == jalali(timezone.now() + dt.timedelta(days=10))
    assert sorted(call.districts.values_list("district__number", "quota")) == [(1, 2), (2, 1)]
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("pk").action == "call.create"
    page = client_of(ADMIN).get(response["Location"]).content.decode()
    assert "فراخوان دفاتر خدمات الکترونیک شهر — نوبت دوم" in page and "به‌زودی" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("closes_before_opens", msg.CLOSES_BEFORE_OPENS),
        ("opens_in_past", msg.OPENS_IN_PAST),
        ("no_quota", msg.NO_DISTRICTS),
        ("quota_zero", msg.QUOTA_INVALID),
        ("quota_negative", msg.QUOTA_INVALID),
        ("quota_text", msg.QUOTA_INVALID),
        ("unpublished", msg.RULE_SET_UNPUBLISHED),
        ("foreign_rule_set", msg.RULE_SET_FOREIGN),
        ("no_rule_set", msg.RULE_SET_UNKNOWN),
    ],
)
def test_bad_calls_are_refused_in_persian_and_nothing_is_written(
    tehran_rules: RuleSet, change: str, message: str
) -> None:
    districts = list(tehran_rules.municipality.districts.order_by("number"))
    data = form(tehran_rules)
    first = f"quota_{districts[0].pk}"
    if change == "closes_before_opens":
        data["closes_at"] = jalali(timezone.now() + dt.timedelta(days=5))
    elif change == "opens_in_past":
        data["opens_at"] = jalali(timezone.now() - dt.timedelta(days=2))
    elif change == "no_quota":
        data = {k: v for k, v in data.items() if not k.startswith("quota_")}
    elif change == "quota_zero":
        data[first] = "۰"
    elif change == "quota_negative":
        data[first] = "-3"
    elif change == "quota_text":
        data[first] = "دو"
    elif change == "unpublished":
        data["rule_set"] = str(rule_set_new_version(rule_set=tehran_rules, actor=None).pk)
    elif change == "foreign_rule_set":
        elsewhere = MunicipalityFactory()
        other = RuleSet.objects.create(
            licence_type=tehran_rules.licence_type,
            municipality=elsewhere,
            version=1,
            effective_from=tehran_rules.effective_from,
            published=True,
        )
        data["rule_set"] = str(other.pk)
    elif change == "no_rule_set":
        data["rule_set"] = "999999"
    before = counts()
    response = client_of(ADMIN).post(NEW, data)
    assert response.status_code == 400, response.status_code
    assert message in response.content.decode()
    assert counts() == before


def test_an_upcoming_call_is_edited_and_an_open_one_is_not(tehran_rules: RuleSet) -> None:
    districts = list(tehran_rules.municipality.districts.order_by("number"))
    start = timezone.now() + dt.timedelta(days=3)
    upcoming = CallFactory(opens_at=start, closes_at=start + dt.timedelta(days=20), quotas={districts[0]: 1})
    admin = client_of(ADMIN)
    page = admin.get(f"/desk/municipality/calls/{upcoming.pk}/edit/").content.decode()
    assert "فراخوان آزمایشی" in page and jalali(start, "persian") in page  # the form echoes Persian digits
    data = form(
        tehran_rules, title="فراخوان ویرایش‌شده", **{f"quota_{districts[0].pk}": "", f"quota_{districts[2].pk}": "۳"}
    )
    data.pop("licence_type")
    response = admin.post(f"/desk/municipality/calls/{upcoming.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    upcoming.refresh_from_db()
    assert upcoming.title == "فراخوان ویرایش‌شده"
    assert sorted(upcoming.districts.values_list("district__number", "quota")) == [(2, 1), (3, 3)]
    assert AuditEntry.objects.filter(action="call.update", object_id=str(upcoming.pk)).exists()

    open_call = Call.objects.filter(municipality=tehran_rules.municipality).order_by("pk").first()
    page = admin.get(f"/desk/municipality/calls/{open_call.pk}/edit/").content.decode()
    assert "فقط فراخوانی که هنوز آغاز نشده است ویرایش می‌شود" in page and '<form method="post" novalidate' not in page
    before = (Call.objects.filter(pk=open_call.pk).values().get(), AuditEntry.objects.count())
    response = admin.post(f"/desk/municipality/calls/{open_call.pk}/edit/", data)
    assert response.status_code == 200  # the page says why; nothing is taken
    assert (Call.objects.filter(pk=open_call.pk).values().get(), AuditEntry.objects.count()) == before


def test_closing_early_says_how_many_drafts_stop_and_needs_a_reason(tehran_rules: RuleSet) -> None:
    call = Call.objects.get(municipality=tehran_rules.municipality)
    for _ in range(3):
        ApplicationFactory(call=call)
    ApplicationFactory(call=call, submitted=True)
    admin = client_of(ADMIN)
    url = f"/desk/municipality/calls/{call.pk}/close/"
    page = admin.get(url).content.decode()
    assert "۳ پیش‌نویس دیگر ثبت‌شدنی نیستند" in page and "۱ پروندهٔ ثبت‌شده" in page
    before = (call.closes_at, AuditEntry.objects.count())
    refused = admin.post(url, {"reason": ""})
    assert refused.status_code == 400 and "دلیل" in refused.content.decode()
    call.refresh_from_db()
    assert (call.closes_at, AuditEntry.objects.count()) == before
    done = admin.post(url, {"reason": "بودجهٔ سال به پایان رسید"})
    assert done.status_code == 302
    call.refresh_from_db()
    assert call.closes_at <= timezone.now() and call.state() == "closed"
    entry = AuditEntry.objects.get(action="call.close")
    assert entry.data["reason"] == "بودجهٔ سال به پایان رسید"
    again = admin.post(url, {"reason": "دوباره می‌بندم"})
    assert again.status_code == 409 and "فقط فراخوان باز را می‌توان زودتر بست" in again.content.decode()


def test_cancel_needs_a_confirmation_and_is_refused_once_a_case_is_submitted(tehran_rules: RuleSet) -> None:
    districts = list(tehran_rules.municipality.districts.order_by("number"))
    start = timezone.now() + dt.timedelta(days=3)
    upcoming = CallFactory(opens_at=start, closes_at=start + dt.timedelta(days=20), quotas={districts[0]: 1})
    admin = client_of(ADMIN)
    url = f"/desk/municipality/calls/{upcoming.pk}/cancel/"
    page = admin.get(url).content.decode()
    assert "بله، فراخوان را لغو کن" in page and "لغو بازگشت‌پذیر نیست" in page
    assert admin.post(url, {"reason": "اشتباه در سهمیه‌ها"}).status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.cancelled and AuditEntry.objects.filter(action="call.cancel").count() == 1
    assert "لغوشده" in admin.get(LIST).content.decode()

    busy = Call.objects.filter(municipality=tehran_rules.municipality, cancelled=False).order_by("pk").first()
    ApplicationFactory(call=busy, submitted=True)
    url = f"/desk/municipality/calls/{busy.pk}/cancel/"
    assert "زودتر ببندید" in admin.get(url).content.decode()
    response = admin.post(url, {"reason": "می‌خواهم لغو کنم"})
    assert response.status_code == 409 and "۱ پرونده ثبت شده است" in response.content.decode()
    busy.refresh_from_db()
    assert not busy.cancelled and AuditEntry.objects.filter(action="call.cancel").count() == 1


def test_who_may_open_the_calls_pages(tehran_rules: RuleSet) -> None:
    call = Call.objects.get(municipality=tehran_rules.municipality)
    anonymous = Client().get(LIST)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    reviewer = client_of("09120000002")
    for url in (LIST, NEW):
        response = reviewer.get(url)
        assert response.status_code == 403 and "دسترسی" in response.content.decode()
    # another municipality's administrator: the call does not exist for them
    foreign = RoleAssignmentFactory(role="municipality_admin").user
    client = Client()
    client.force_login(foreign)
    for suffix in ("edit/", "close/", "cancel/"):
        with PINNED_CSRF:  # the page's CSRF token is the only part two renders may differ in
            mine = client.get(f"/desk/municipality/calls/{call.pk}/{suffix}")
            missing = client.get(f"/desk/municipality/calls/999999/{suffix}")
        assert mine.status_code == missing.status_code == 404
        assert mine.content == missing.content
    before = (Call.objects.filter(pk=call.pk).values().get(), AuditEntry.objects.count())
    assert client.post(f"/desk/municipality/calls/{call.pk}/close/", {"reason": "بستن بی‌اجازه"}).status_code == 404
    assert (Call.objects.filter(pk=call.pk).values().get(), AuditEntry.objects.count()) == before
    # their own list shows none of Tehran's calls
    assert call.title not in client.get(LIST).content.decode()


def test_the_dashboard_panels_show_calls_closing_soon_and_unpublished_drafts(tehran_rules: RuleSet) -> None:
    from daftar.desk.municipal.work_calls import panels

    call = Call.objects.get(municipality=tehran_rules.municipality)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + dt.timedelta(days=2))
    rule_set_new_version(rule_set=tehran_rules, actor=None)
    admin = User.objects.get(mobile=ADMIN)
    found = {p.title: p for p in panels(admin)}
    calls_panel = next(p for t, p in found.items() if "فراخوان" in t)
    assert calls_panel.count == 1 and calls_panel.items[0].url.endswith(f"/calls/{call.pk}/close/")
    drafts = next(p for t, p in found.items() if "پیش‌نویس" in t)
    assert drafts.count == 1 and "نسخهٔ ۲" in drafts.items[0].label
    assert panels(User.objects.get(mobile="09120000002")) == []
    assert Status.DRAFT  # the list's drafts are the case app's draft state


def test_odd_digits_for_the_rule_set_are_refused_not_a_server_error(tehran_rules):
    from django.test import Client  # the administrator's page, by hand

    from daftar.accounts.models import User  # (idem)

    client = Client()
    client.force_login(User.objects.get(mobile="09120000007"))
    response = client.post("/desk/municipality/calls/new/", {"rule_set": "²", "title": "فراخوان آزمایشی"})
    assert response.status_code == 400
