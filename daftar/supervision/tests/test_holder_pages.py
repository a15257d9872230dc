"""The licence holder's supervision pages (issue 18): the notices to their office, answered once
before the deadline (P5), and the six-monthly reports sent from the web. Another person's
notice or licence is the same 404 as one that does not exist; staff may read a notice here but
never answer it; bad input is refused in Persian and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.supervision.models import Notice, OfficeReport
from daftar.supervision.presenters import period_title
from daftar.supervision.services import notice_issue, period_of, violation_record

pytestmark = pytest.mark.django_db

SUPERVISOR = "09120000006"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"
ANSWER = "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."
REPORT = "در این شش ماه ۱۲۰۰ نفر خدمت گرفتند و شکایتی ثبت نشد؛ دو کارمند تازه آموزش دیدند."


def _notice(licence) -> Notice:
    supervisor = User.objects.get(mobile=SUPERVISOR)
    violation_record(licence, type_code="outside_hours", description=REASON, actor=supervisor)
    return notice_issue(licence, actor=supervisor)


def _without_token(body: bytes) -> bytes:
    """The page without its CSRF token (random per response)."""
    return re.sub(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_holder_sees_the_notice_and_answers_it_once(make_licence):
    licence = make_licence()
    notice = _notice(licence)
    holder = _client(licence.holder)
    page = holder.get("/supervision/").content.decode()
    assert licence.office_name in page and "اخطاریهٔ تذکر" in page and "پاسخ تا" in page
    page = holder.get(f"/supervision/notices/{notice.pk}/").content.decode()
    assert "کار در خارج از ساعات مصوب" in page and "ثبت پاسخ" in page
    response = holder.post(f"/supervision/notices/{notice.pk}/", {"text": ANSWER}, follow=True)
    assert "پاسخ شما ثبت شد" in response.content.decode()
    notice.refresh_from_db()
    assert notice.response_text == ANSWER and notice.responded_at is not None
    # once only: the form is gone and a second answer is refused, nothing changed
    page = holder.get(f"/supervision/notices/{notice.pk}/").content.decode()
    assert "ثبت پاسخ" not in page and ANSWER in page
    response = holder.post(f"/supervision/notices/{notice.pk}/", {"text": "پاسخ دوم که نباید ثبت شود"})
    assert response.status_code == 409 and "پیش‌تر ثبت شده" in response.content.decode()
    notice.refresh_from_db()
    assert notice.response_text == ANSWER


def test_a_short_or_late_answer_is_refused_in_persian_and_changes_nothing(make_licence):
    licence = make_licence()
    notice = _notice(licence)
    holder = _client(licence.holder)
    audits = AuditEntry.objects.count()
    response = holder.post(f"/supervision/notices/{notice.pk}/", {"text": "کوتاه"})
    assert response.status_code == 400 and "دست‌کم در ۱۰ نویسه" in response.content.decode()
    with time_machine.travel(notice.response_due + dt.timedelta(minutes=1), tick=False):
        page = holder.get(f"/supervision/notices/{notice.pk}/").content.decode()
        assert "ثبت پاسخ" not in page and "مهلت پاسخ" in page and "گذشت" in page
        response = holder.post(f"/supervision/notices/{notice.pk}/", {"text": ANSWER})
        assert response.status_code == 409 and "گذشته است" in response.content.decode()
    notice.refresh_from_db()
    assert notice.responded_at is None and AuditEntry.objects.count() == audits


def test_another_persons_notice_is_not_found_and_staff_cannot_answer(make_licence):
    licence = make_licence()
    notice = _notice(licence)
    stranger = _client(UserFactory())
    missing = stranger.get("/supervision/notices/999999/")
    theirs = stranger.get(f"/supervision/notices/{notice.pk}/")
    assert theirs.status_code == missing.status_code == 404
    assert _without_token(theirs.content) == _without_token(missing.content)
    assert stranger.post(f"/supervision/notices/{notice.pk}/", {"text": ANSWER}).status_code == 404
    supervisor = _client(User.objects.get(mobile=SUPERVISOR))
    assert supervisor.get(f"/supervision/notices/{notice.pk}/").status_code == 200
    assert supervisor.post(f"/supervision/notices/{notice.pk}/", {"text": ANSWER}).status_code == 403
    notice.refresh_from_db()
    assert notice.responded_at is None
    assert Client().get(f"/supervision/notices/{notice.pk}/").status_code == 302  # to the login


def test_the_holder_sends_the_six_monthly_report(make_licence):
    licence = make_licence(valid_from=dt.date(2025, 3, 21))
    holder = _client(licence.holder)
    current = period_of(dt.date.today())
    page = holder.get("/supervision/").content.decode()
    assert period_title(current) in page and "فرستادن گزارش" in page
    prefix = f"l{licence.pk}"
    url = f"/supervision/licences/{licence.number}/report/"
    response = holder.post(url, {f"{prefix}-period": current, f"{prefix}-content": REPORT}, follow=True)
    assert "فرستاده شد" in response.content.decode()
    assert OfficeReport.objects.filter(licence=licence, period=current).count() == 1
    # the same period twice, a short text, a period not offered: refused, nothing more written
    for data in (
        {f"{prefix}-period": current, f"{prefix}-content": REPORT},
        {f"{prefix}-period": period_of(dt.date(2025, 4, 1)), f"{prefix}-content": "کوتاه"},
        {f"{prefix}-period": "1500-H1", f"{prefix}-content": REPORT},
    ):
        response = holder.post(url, data)
        assert response.status_code == 400
    assert OfficeReport.objects.filter(licence=licence).count() == 1
    # someone else's licence is not found
    assert (
        _client(UserFactory()).post(url, {f"{prefix}-period": current, f"{prefix}-content": REPORT}).status_code == 404
    )


def test_period_titles_are_in_words():
    assert period_title("1404-H2") == "نیمهٔ دوم ۱۴۰۴ (مهر تا اسفند)"
    assert period_title("1405-H1") == "نیمهٔ نخست ۱۴۰۵ (فروردین تا شهریور)"
