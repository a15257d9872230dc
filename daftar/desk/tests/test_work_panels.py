"""The dashboard opens with what needs the user now (issue 18 §4): counts and the oldest items
with their deadlines, linked, per role; a citizen with nothing pending sees no staff panel."""

from __future__ import annotations

import pytest
from django.test import Client

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.services import application_create
from daftar.applications.tests.helpers import GOOD_FACTS, open_call
from daftar.supervision.services import notice_issue, violation_record

pytestmark = pytest.mark.django_db

SUPERVISOR = "09120000006"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"


def _dashboard(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_holder_is_asked_to_answer_the_notice_before_its_deadline(make_licence):
    licence = make_licence()
    supervisor = User.objects.get(mobile=SUPERVISOR)
    violation_record(licence, type_code="outside_hours", description=REASON, actor=supervisor)
    notice = notice_issue(licence, actor=supervisor)
    html = _dashboard(licence.holder)
    assert "کارهایی که اکنون با شماست" in html and "نظارت بر دفتر شما" in html
    assert f'href="/supervision/notices/{notice.pk}/"' in html and "پاسخ به اخطاریهٔ تذکر" in html
    assert "مهلت:" in html and "گزارش شش‌ماههٔ" in html


def test_a_citizen_with_nothing_pending_sees_no_panel():
    html = _dashboard(UserFactory())
    assert "کارهایی که اکنون با شماست" not in html and "data-menu-group" not in html


def test_an_applicant_sees_each_open_case_with_its_status_and_next_step(tehran_rules):
    me = User.objects.get(mobile="09120000001")
    call = open_call()
    case = application_create(call=call, district_id=call.districts.first().district_id, facts_raw=GOOD_FACTS, actor=me)
    html = _dashboard(me)
    assert 'data-panel="applicant"' in html and "پرونده‌های شما" in html
    assert f'href="/applications/{case.pk}/"' in html
    assert "(پیش‌نویس) — گام ۲ از ۴: بارگذاری" in html and "مهلت:" in html
