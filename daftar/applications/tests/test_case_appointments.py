"""The exam and interview the applicant is to attend (issue 21 §4), on their own case page: the
session they are seated in (title, Jalali weekday, date and time, place) and the interview's time
and place once an examiner sets them, each in its stage of the tracking step and in what is
needed now; a rescheduled interview shows its new time. Nobody reads another applicant's, the
case API carries them too, and the page costs the same number of queries however many there
are. The assessments app answers ``CaseAppointmentsWanted``; without it the page shows none."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.events import CaseAppointmentsWanted
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.assessments import services as assessments
from daftar.assessments.models import ExamSession
from daftar.kernel import events

from .helpers import client_for, open_call

pytestmark = pytest.mark.django_db

EXAMINER = "09120000003"
# Tuesday 1405/09/24 (2026-12-15), 09:00 in Tehran
EXAM_AT = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))
EXAM_WHEN = "سه‌شنبه ۱۴۰۵/۰۹/۲۴، ساعت ۰۹:۰۰"


def examiner() -> User:
    return User.objects.get(mobile=EXAMINER)


def case_at(status: str) -> Application:
    return ApplicationFactory.create(submitted=True, status=status)


def session(title: str, place: str, starts_at: dt.datetime = EXAM_AT) -> ExamSession:
    return assessments.session_create(
        call=open_call(), title=title, starts_at=starts_at, place=place, seats=10, actor=examiner()
    )


def ahead(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def when_of(moment: dt.datetime) -> str:
    """How the page writes a time: «سه‌شنبه ۱۴۰۵/۰۹/۲۴، ساعت ۰۹:۰۰»."""
    from daftar.applications.presenters import appointment_when

    return appointment_when(moment)


def page_of(case: Application) -> str:
    client = Client()
    client.force_login(case.applicant)
    response = client.get(f"/applications/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stage(page: str, name: str) -> str:
    """The tracking step's row of one stage (``_tracking.html``)."""
    found = re.search(rf'<li class="stage [^"]*" data-stage="{name}".*?</li>', page, re.S)
    assert found, name
    return found.group(0)


def needed(page: str) -> str:
    found = re.search(
        r'<section class="card border-primary mb-3" aria-labelledby="needed-h" id="needed">.*?</section>', page, re.S
    )
    assert found
    return found.group(0)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_the_exam_session_shows_in_the_exam_stage_of_its_applicant_only(tehran_rules):
    mine, other = case_at(Status.EXAM), case_at(Status.EXAM)
    first = session("آزمون کتبی نوبت اول", "تالار شهرداری منطقهٔ 1، طبقهٔ 2")
    second = session("آزمون کتبی نوبت دوم", "سالن اجتماعات منطقهٔ 6", starts_at=EXAM_AT + dt.timedelta(days=1))
    before = page_of(mine)
    assert "stage-appointment" not in before and "حضور در" not in before  # not seated yet: nothing
    assessments.seat_assign(session=first, application=mine, actor=examiner())
    assessments.seat_assign(session=second, application=other, actor=examiner())

    page = page_of(mine)
    exam = text(stage(page, "exam"))
    assert f"آزمون کتبی نوبت اول: {EXAM_WHEN}، محل: تالار شهرداری منطقهٔ ۱، طبقهٔ ۲" in exam
    # what is needed now says it too, on top of the page (a phone shows it first)
    assert f"حضور در آزمون کتبی نوبت اول: {EXAM_WHEN}" in text(needed(page))
    assert "کاری از شما لازم نیست" not in needed(page)
    assert "stage-appointment" not in stage(page, "interview")
    # the other applicant's session: nowhere on this page, and theirs is on theirs
    assert "نوبت دوم" not in page and "سالن اجتماعات" not in page
    theirs = page_of(other)
    assert "آزمون کتبی نوبت دوم: چهارشنبه ۱۴۰۵/۰۹/۲۵، ساعت ۰۹:۰۰، محل: سالن اجتماعات منطقهٔ ۶" in text(theirs)
    assert "نوبت اول" not in theirs


def test_the_interview_shows_once_set_and_its_new_time_once_moved(tehran_rules):
    mine, other = case_at(Status.INTERVIEW), case_at(Status.INTERVIEW)
    assessments.interview_schedule(application=other, starts_at=ahead(2, 8), place="دفتر منطقهٔ 9", actor=examiner())
    assert "stage-appointment" not in page_of(mine)  # another's interview is set, not this one

    first = ahead(3, 10, 30)
    assessments.interview_schedule(
        application=mine, starts_at=first, place="ساختمان شهرداری، اتاق 204", actor=examiner()
    )
    page = page_of(mine)
    interview = text(stage(page, "interview"))
    assert f"مصاحبه: {when_of(first)}، محل: ساختمان شهرداری، اتاق ۲۰۴" in interview
    assert f"حضور در مصاحبه: {when_of(first)}" in text(needed(page))
    assert "stage-appointment" not in stage(page, "exam")  # the exam is behind: nothing there
    assert "دفتر منطقهٔ" not in page

    moved = ahead(5, 11)
    assessments.interview_schedule(
        application=mine, starts_at=moved, place="ساختمان شهرداری، اتاق 310", actor=examiner()
    )
    page = page_of(mine)
    interview = text(stage(page, "interview"))
    assert f"مصاحبه: {when_of(moved)}، محل: ساختمان شهرداری، اتاق ۳۱۰" in interview
    assert when_of(first) not in page and "۲۰۴" not in page


def test_the_handler_answers_for_the_cases_asked_about_only(tehran_rules):
    from daftar.assessments.handlers import case_appointments

    seated = [case_at(Status.EXAM), case_at(Status.EXAM)]
    interviewed = [case_at(Status.INTERVIEW), case_at(Status.INTERVIEW)]
    exam = session("آزمون کتبی", "تالار شهرداری")
    for case in seated:
        assessments.seat_assign(session=exam, application=case, actor=examiner())
    for case in interviewed:
        assessments.interview_schedule(application=case, starts_at=ahead(2, 8), place="دفتر منطقهٔ 9", actor=examiner())
    (seat,) = case_appointments(CaseAppointmentsWanted([seated[0]]))
    assert (seat.application_id, seat.kind, seat.title, seat.starts_at) == (seated[0].pk, "exam", "آزمون کتبی", EXAM_AT)
    (panel,) = case_appointments(CaseAppointmentsWanted([interviewed[1]]))
    assert (panel.application_id, panel.kind, panel.place) == (interviewed[1].pk, "interview", "دفتر منطقهٔ 9")
    assert len(case_appointments(CaseAppointmentsWanted([*seated, *interviewed]))) == 4
    assert case_appointments(CaseAppointmentsWanted([])) == []


def test_a_decided_stage_shows_no_appointment(tehran_rules):
    case = case_at(Status.INTERVIEW)
    assessments.interview_schedule(application=case, starts_at=ahead(3, 10), place="ساختمان شهرداری", actor=examiner())
    Application.objects.filter(pk=case.pk).update(status=Status.SITE_INSPECTION)  # the panel has decided
    page = page_of(case)
    assert "stage-appointment" not in page and "حضور در" not in page


def test_the_case_api_carries_the_appointments(tehran_rules):
    case = case_at(Status.INTERVIEW)
    me = client_for(case.applicant)
    assert me.get(f"/api/v1/applications/{case.pk}").json()["appointments"] == []
    when = ahead(3, 10, 30)
    assessments.interview_schedule(application=case, starts_at=when, place="ساختمان شهرداری", actor=examiner())
    body = me.get(f"/api/v1/applications/{case.pk}").json()
    (row,) = body["appointments"]
    assert row["kind"] == "interview" and row["title"] == "مصاحبه" and row["place"] == "ساختمان شهرداری"
    assert dt.datetime.fromisoformat(row["starts_at"]) == when
    assert body["needed_now"] == [f"حضور در مصاحبه: {when_of(when)}، محل: ساختمان شهرداری"]


def test_the_applicants_list_and_dashboard_name_the_exam(tehran_rules):
    case = case_at(Status.EXAM)
    assessments.seat_assign(session=session("آزمون کتبی نوبت اول", "تالار شهرداری"), application=case, actor=examiner())
    client = Client()
    client.force_login(case.applicant)
    step = f"حضور در آزمون کتبی نوبت اول: {EXAM_WHEN}، محل: تالار شهرداری"
    assert f"گام بعدی: {step}" in client.get("/applications/").content.decode()
    assert step in client.get("/dashboard/").content.decode()


def test_the_applicants_list_and_dashboard_cost_the_same_queries_for_more_appointments(tehran_rules):
    from daftar.calls.services import call_create

    me = case_at(Status.EXAM).applicant

    def another_call(n: int) -> Any:
        call = open_call()
        return call_create(
            municipality=call.municipality,
            licence_type=call.licence_type,
            title=f"فراخوان آزمایشی {n}",
            opens_at=timezone.now() - dt.timedelta(days=1),
            closes_at=timezone.now() + dt.timedelta(days=1),
            quotas={call.districts.first().district_id: 1},
            actor=None,
        )

    def attend(n: int) -> None:  # one case seated in an exam, another with its interview set
        seated = ApplicationFactory.create(submitted=True, status=Status.EXAM, applicant=me, call=another_call(n))
        exam = assessments.session_create(
            call=seated.call, title=f"آزمون {n}", starts_at=EXAM_AT, place="تالار", seats=5, actor=examiner()
        )
        assessments.seat_assign(session=exam, application=seated, actor=examiner())
        interviewed = ApplicationFactory.create(
            submitted=True, status=Status.INTERVIEW, applicant=me, call=another_call(n + 100)
        )
        assessments.interview_schedule(application=interviewed, starts_at=ahead(3, 10), place="دفتر", actor=examiner())

    client = Client()
    client.force_login(me)

    def count(path: str) -> int:
        client.get(path)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    attend(1)
    few = (count("/applications/"), count("/dashboard/"))
    attend(2)
    attend(3)
    page = client.get("/applications/").content.decode()
    assert page.count("گام بعدی: حضور در") == 6
    assert (count("/applications/"), count("/dashboard/")) == few


def queries(case: Application) -> int:
    client = Client()
    client.force_login(case.applicant)
    client.get(f"/applications/{case.pk}/")  # warm-up: one-time look-ups
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/applications/{case.pk}/").status_code == 200
    return len(captured)


def test_the_case_page_costs_the_same_queries_with_or_without_appointments(tehran_rules):
    case = case_at(Status.EXAM)
    none = queries(case)
    for n in range(3):  # seated in three sessions (each with other cases in it)
        s = session(f"آزمون کتبی نوبت {n}", "تالار شهرداری", starts_at=EXAM_AT + dt.timedelta(days=n))
        assessments.seat_assign(session=s, application=case, actor=examiner())
        assessments.seat_assign(session=s, application=case_at(Status.EXAM), actor=examiner())
    page = page_of(case)
    assert page.count('data-appointment="exam"') == 3
    assert queries(case) == none


def test_without_an_answering_app_the_page_shows_nothing_more(tehran_rules, monkeypatch: Any):
    case = case_at(Status.INTERVIEW)
    assessments.interview_schedule(application=case, starts_at=ahead(3, 10), place="ساختمان شهرداری", actor=examiner())
    monkeypatch.setitem(events._HANDLERS, CaseAppointmentsWanted, [])
    page = page_of(case)
    assert "stage-appointment" not in page and "ساختمان شهرداری" not in page
    assert "کاری از شما لازم نیست" in needed(page)
    assert client_for(case.applicant).get(f"/api/v1/applications/{case.pk}").json()["appointments"] == []


@pytest.mark.django_db(transaction=True)
def test_the_cached_case_api_shows_the_new_interview_time_at_once(tehran_rules):
    """The case body is kept in the cache (``casecache``): setting or moving the interview, or a
    seat, invalidates it like the case's own rows."""
    from django.core.cache import cache

    cache.clear()
    case = case_at(Status.INTERVIEW)
    me = client_for(case.applicant)
    url = f"/api/v1/applications/{case.pk}"
    assert me.get(url).json()["appointments"] == []  # kept in the cache
    with CaptureQueriesContext(connection) as captured:
        assert me.get(url).json()["appointments"] == []
    assert not [q for q in captured.captured_queries if "assessments_" in q["sql"]]  # from the cache
    first, moved = ahead(3, 10), ahead(4, 12)
    assessments.interview_schedule(application=case, starts_at=first, place="ساختمان شهرداری", actor=examiner())
    assert [dt.datetime.fromisoformat(a["starts_at"]) for a in me.get(url).json()["appointments"]] == [first]
    assessments.interview_schedule(application=case, starts_at=moved, place="ساختمان شهرداری", actor=examiner())
    assert [dt.datetime.fromisoformat(a["starts_at"]) for a in me.get(url).json()["appointments"]] == [moved]
