"""The SMS of exams and interviews are declared texts (issue 21 §4, ``assessments/sms.py``): each
goes to the applicant's account and mobile with the case's municipality, and a municipality's
edited text is what its applicants receive while another municipality keeps the default."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import client_for, open_call
from daftar.applications.workflow import Status
from daftar.assessments import sms
from daftar.assessments.tests.factories import ExamSessionFactory
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import text_save

from .helpers import EXAMINER

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"  # the demo's municipality administrator of Tehran


def test_every_text_is_declared_for_the_applicant():
    keys = {sms.EXAM_INVITATION.key, sms.INTERVIEW_INVITATION.key, sms.INTERVIEW_RESCHEDULED.key}
    assert keys == {"exam_invitation", "interview_invitation", "interview_rescheduled"}
    for key in keys:
        text = texts.spec(key)
        assert text.audience == "applicant" and {"when", "place"} <= set(text.required)
        assert not texts._problem(text, text.default)


def _seat(case, session) -> None:
    r = client_for(User.objects.get(mobile=EXAMINER)).post(
        f"/api/v1/exam-sessions/{session.pk}/seats", {"application": case.pk}, format="json"
    )
    assert r.status_code == 201, r.content


def test_exam_invitation_goes_to_the_applicant_with_the_municipality(tehran_rules):
    session = ExamSessionFactory.create(call=open_call(), title="آزمون کتبی نوبت اول", place="تالار شهرداری منطقهٔ 3")
    case = ApplicationFactory.create(call=session.call, submitted=True, status=Status.EXAM)
    _seat(case, session)
    message = OutboxMessage.objects.get(kind="exam_invitation")
    assert message.to == case.applicant.mobile
    assert message.recipient_id == case.applicant_id and message.municipality_id == case.municipality_id
    assert to_jalali(session.starts_at, with_time=True) in message.text
    assert "تالار شهرداری منطقهٔ ۳" in message.text and "آزمون کتبی نوبت اول" in message.text
    assert f"پروندهٔ {case.tracking_code}:" in message.text


def test_an_edited_exam_invitation_is_what_the_applicant_receives(tehran_rules):
    admin = User.objects.get(mobile=ADMIN)
    other = MunicipalityFactory()
    text_save(key="exam_invitation", municipality=other, body="آزمون شهر دیگر: {when}، {place}", actor=admin)
    session = ExamSessionFactory.create(call=open_call(), title="آزمون کتبی نوبت دوم")
    first = ApplicationFactory.create(call=session.call, submitted=True, status=Status.EXAM)
    _seat(first, session)
    assert OutboxMessage.objects.get(recipient=first.applicant).text.startswith("دعوت به آزمون دفتر خدمات")

    text_save(
        key="exam_invitation",
        municipality=session.municipality,
        body="آزمون {title} در {place}، {when}. پرونده: {code}",
        actor=admin,
    )
    second = ApplicationFactory.create(call=session.call, submitted=True, status=Status.EXAM)
    _seat(second, session)
    got = OutboxMessage.objects.get(recipient=second.applicant).text
    when = to_jalali(session.starts_at, with_time=True)
    assert got == f"آزمون {session.title} در {session.place}، {when}. پرونده: {second.tracking_code}"


def _schedule(case, days: int, place: str) -> None:
    when = timezone.localtime() + dt.timedelta(days=days)
    r = client_for(User.objects.get(mobile=EXAMINER)).post(
        f"/api/v1/applications/{case.pk}/interview/schedule",
        {"starts_at": when.strftime("%Y-%m-%d 10:00"), "place": place},
        format="json",
    )
    assert r.status_code == 200, r.content


def test_edited_interview_texts_are_what_the_applicant_receives(tehran_rules):
    admin = User.objects.get(mobile=ADMIN)
    other = MunicipalityFactory()
    for key in ("interview_invitation", "interview_rescheduled"):
        text_save(key=key, municipality=other, body="شهر دیگر: {when}، {place}", actor=admin)
    plain = ApplicationFactory.create(submitted=True, status=Status.INTERVIEW)
    _schedule(plain, 2, "تالار یک")
    _schedule(plain, 3, "تالار یک")
    assert OutboxMessage.objects.get(recipient=plain.applicant, kind="interview_invitation").text.startswith(
        "دعوت به مصاحبهٔ دفتر خدمات"
    )
    assert OutboxMessage.objects.get(recipient=plain.applicant, kind="interview_rescheduled").text.startswith(
        "زمان یا محل مصاحبهٔ پروندهٔ"
    )

    tehran = plain.municipality
    text_save(key="interview_invitation", municipality=tehran, body="مصاحبه {code}: {when} در {place}", actor=admin)
    text_save(key="interview_rescheduled", municipality=tehran, body="مصاحبه جابه‌جا شد: {when}، {place}", actor=admin)
    case = ApplicationFactory.create(submitted=True, status=Status.INTERVIEW)
    _schedule(case, 2, "تالار دو")
    _schedule(case, 4, "تالار سه")
    invited = OutboxMessage.objects.get(recipient=case.applicant, kind="interview_invitation")
    assert invited.text.startswith(f"مصاحبه {case.tracking_code}: ") and invited.text.endswith(" در تالار دو")
    assert invited.municipality_id == tehran.pk
    moved = OutboxMessage.objects.get(recipient=case.applicant, kind="interview_rescheduled")
    assert moved.text.startswith("مصاحبه جابه‌جا شد: ") and moved.text.endswith("، تالار سه")
    assert "ساعت ۱۰:۰۰" in moved.text
