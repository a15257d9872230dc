"""The interview's time and place (S10.4: the examiners schedule and score the interview): set by
an examiner of the case's municipality through the API or the interview page, sent to the
applicant as ``interview_invitation`` and, when changed, ``interview_rescheduled``; a bad time or
place, a case outside the interview stage, a decided panel, another municipality's examiner or
one's own case change nothing and send nothing."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import client_for
from daftar.applications.workflow import Status
from daftar.assessments import messages as msg
from daftar.assessments.models import InterviewPanel
from daftar.assessments.tests.factories import AssessmentPolicyFactory
from daftar.audit.models import AuditEntry
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage

from .helpers import EXAMINER, REVIEWER

pytestmark = pytest.mark.django_db


def interview_case(**kwargs) -> Application:
    return ApplicationFactory.create(submitted=True, status=Status.INTERVIEW, **kwargs)


def ahead(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Tehran time ``days`` from today, on the hour given."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def typed(when: dt.datetime) -> str:
    """``when`` as a person types it: Jalali with Persian digits («۱۴۰۵/۰۹/۲۰ ۱۰:۰۰»)."""
    local = timezone.localtime(when)
    text = jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M")
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def schedule_url(case: Application) -> str:
    return f"/api/v1/applications/{case.pk}/interview/schedule"


def examiner() -> User:
    return User.objects.get(mobile=EXAMINER)


def nothing_written(case: Application) -> None:
    assert not InterviewPanel.objects.filter(application=case).exists()
    assert not OutboxMessage.objects.filter(kind__startswith="interview_").exists()
    assert not AuditEntry.objects.filter(action="interview.schedule").exists()


def test_scheduling_invites_the_applicant_with_time_and_place(tehran_rules, django_capture_on_commit_callbacks):
    case = interview_case()
    when = ahead(3, 10, 30)
    body = {"starts_at": typed(when), "place": "  ساختمان شهرداری،   طبقهٔ ۲، اتاق 204 "}
    r = client_for(examiner()).post(schedule_url(case), body, format="json")
    assert r.status_code == 200, r.content
    answer = r.json()
    assert answer["place"] == "ساختمان شهرداری، طبقهٔ 2، اتاق 204"
    assert answer["starts_at_jalali"] == to_jalali(when, digits=False)
    assert dt.datetime.fromisoformat(answer["starts_at"]) == when

    panel = InterviewPanel.objects.get(application=case)
    assert panel.starts_at == when and panel.place == "ساختمان شهرداری، طبقهٔ 2، اتاق 204"
    sms = OutboxMessage.objects.get(kind="interview_invitation")
    assert sms.to == case.applicant.mobile
    assert sms.recipient_id == case.applicant_id and sms.municipality_id == case.municipality_id
    # the Jalali date and the time in Persian digits, the place, the tracking code as typed back
    assert to_jalali(when, with_time=True) in sms.text and "۱۰:۳۰" in sms.text
    assert "ساختمان شهرداری، طبقهٔ ۲، اتاق ۲۰۴" in sms.text and f"پروندهٔ {case.tracking_code}:" in sms.text
    assert "مصاحبه" in sms.text
    audit = AuditEntry.objects.get(action="interview.schedule")
    assert audit.data["before"] is None and audit.data["after"]["place"] == panel.place


def test_rescheduling_sends_the_changed_time(tehran_rules, django_capture_on_commit_callbacks):
    case = interview_case()
    api = client_for(examiner())
    first, second = ahead(3, 9), ahead(5, 11, 15)
    assert api.post(schedule_url(case), {"starts_at": typed(first), "place": "تالار ۱"}).status_code == 200
    r = api.post(schedule_url(case), {"starts_at": typed(second), "place": "تالار ۲"}, format="json")
    assert r.status_code == 200, r.content

    panel = InterviewPanel.objects.get(application=case)
    assert panel.starts_at == second and panel.place == "تالار 2"
    assert OutboxMessage.objects.filter(kind="interview_invitation").count() == 1
    sms = OutboxMessage.objects.get(kind="interview_rescheduled")
    assert sms.recipient_id == case.applicant_id and sms.municipality_id == case.municipality_id
    assert "تغییر کرد" in sms.text and to_jalali(second, with_time=True) in sms.text and "تالار ۲" in sms.text
    audits = list(AuditEntry.objects.filter(action="interview.schedule").order_by("pk"))
    assert len(audits) == 2
    assert dt.datetime.fromisoformat(audits[1].data["before"]["starts_at"]) == first
    assert audits[1].data["before"]["place"] == "تالار 1"
    assert dt.datetime.fromisoformat(audits[1].data["after"]["starts_at"]) == second

    # the same time and place again: refused, no third SMS
    r = api.post(schedule_url(case), {"starts_at": typed(second), "place": "تالار ۲"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "unchanged"
    assert r.json()["detail"] == msg.INTERVIEW_UNCHANGED
    assert OutboxMessage.objects.filter(kind__startswith="interview_").count() == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"starts_at": "past", "place": "تالار شهرداری"}, "starts_at", msg.INTERVIEW_PAST),
        ({"starts_at": "far", "place": "تالار شهرداری"}, "starts_at", msg.INTERVIEW_TOO_FAR.format(days="۶۰")),
        ({"starts_at": "۱۴۰۵/۱۳/۴۰ ۱۰:۰۰", "place": "تالار شهرداری"}, "starts_at", msg.INTERVIEW_STARTS_AT),
        ({"starts_at": "", "place": "تالار شهرداری"}, "starts_at", msg.INTERVIEW_STARTS_AT),
        ({"starts_at": True, "place": "تالار شهرداری"}, "starts_at", msg.INTERVIEW_STARTS_AT),
        ({"starts_at": "soon", "place": "   "}, "place", msg.INTERVIEW_PLACE),
        ({"starts_at": "soon"}, "place", msg.INTERVIEW_PLACE),
        ({"starts_at": "soon", "place": "اط"}, "place", msg.INTERVIEW_PLACE),
        ({"starts_at": "soon", "place": "ا" * 201}, "place", msg.INTERVIEW_PLACE),
        ({"starts_at": "soon", "place": 12345}, "place", msg.INTERVIEW_PLACE),
    ],
)
def test_bad_time_or_place_is_a_persian_error_and_changes_nothing(tehran_rules, body, field, message):
    case = interview_case()
    moments = {"past": ahead(-1), "far": ahead(61), "soon": ahead(2)}
    if body.get("starts_at") in moments:
        body = {**body, "starts_at": typed(moments[body["starts_at"]])}
    r = client_for(examiner()).post(schedule_url(case), body, format="json")
    assert r.status_code == 400, r.content
    answer = r.json()
    assert set(answer) == {"code", "detail", "fields"}
    assert answer["fields"][field] == [message]
    nothing_written(case)


def test_both_fields_wrong_name_both(tehran_rules):
    case = interview_case()
    r = client_for(examiner()).post(schedule_url(case), {"starts_at": "فردا", "place": ""}, format="json")
    assert r.status_code == 400
    assert r.json()["fields"] == {"starts_at": [msg.INTERVIEW_STARTS_AT], "place": [msg.INTERVIEW_PLACE]}
    nothing_written(case)


@override_settings(INTERVIEW_SCHEDULE_HORIZON_DAYS=5)
def test_the_horizon_is_a_setting(tehran_rules):
    case = interview_case()
    api = client_for(examiner())
    r = api.post(schedule_url(case), {"starts_at": typed(ahead(6)), "place": "تالار شهرداری"}, format="json")
    assert r.status_code == 400 and r.json()["fields"]["starts_at"] == [msg.INTERVIEW_TOO_FAR.format(days="۵")]
    nothing_written(case)
    r = api.post(schedule_url(case), {"starts_at": typed(ahead(4)), "place": "تالار شهرداری"}, format="json")
    assert r.status_code == 200, r.content


def test_a_case_outside_the_interview_stage_is_refused(tehran_rules):
    case = ApplicationFactory.create(submitted=True, status=Status.EXAM)
    body = {"starts_at": typed(ahead(2)), "place": "تالار شهرداری"}
    r = client_for(examiner()).post(schedule_url(case), body, format="json")
    assert r.status_code == 409 and r.json()["code"] == "illegal_state"
    assert r.json()["detail"] == msg.NOT_IN_INTERVIEW
    nothing_written(case)


def test_a_decided_panel_keeps_its_time(tehran_rules, django_capture_on_commit_callbacks):
    case = interview_case()
    api = client_for(examiner())
    when = ahead(2)
    assert api.post(schedule_url(case), {"starts_at": typed(when), "place": "تالار ۱"}).status_code == 200
    assert api.post(f"/api/v1/applications/{case.pk}/interview/scores", {"score": 80}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/applications/{case.pk}/interview/decide")
    assert r.status_code == 200, r.content
    sent = OutboxMessage.objects.count()
    r = api.post(schedule_url(case), {"starts_at": typed(ahead(4)), "place": "تالار ۲"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "panel_decided"
    assert r.json()["detail"] == msg.INTERVIEW_DECIDED
    panel = InterviewPanel.objects.get(application=case)
    assert panel.starts_at == when and panel.place == "تالار 1"
    assert OutboxMessage.objects.count() == sent
    assert AuditEntry.objects.filter(action="interview.schedule").count() == 1


def test_who_may_schedule(tehran_rules):
    case = interview_case()
    body = {"starts_at": typed(ahead(2)), "place": "تالار شهرداری"}
    foreign = client_for(RoleAssignmentFactory(municipality=MunicipalityFactory(), role="examiner").user)
    r = foreign.post(schedule_url(case), body, format="json")
    missing = client_for(examiner()).post("/api/v1/applications/999999/interview/schedule", body, format="json")
    assert r.status_code == 404 and r.json() == missing.json()
    assert client_for(User.objects.get(mobile=REVIEWER)).post(schedule_url(case), body).status_code == 403
    assert client_for(case.applicant).post(schedule_url(case), body).status_code == 403  # not an examiner
    nothing_written(case)

    # an examiner who applied: their own case is not found
    me = examiner()
    own = interview_case(applicant=me)
    r = client_for(me).post(schedule_url(own), body, format="json")
    assert r.status_code == 404 and r.json() == missing.json()
    nothing_written(own)


def test_a_panel_opened_by_its_schedule_copies_the_rules_with_its_first_score(tehran_rules):
    """Decision 0026: the panel's rule and mark are the municipality's at its first score."""
    case = interview_case()
    api = client_for(examiner())
    assert api.post(schedule_url(case), {"starts_at": typed(ahead(2)), "place": "تالار ۱"}).status_code == 200
    AssessmentPolicyFactory(municipality=case.municipality, interview_rule="all_pass", interview_pass_mark=75)
    shown = api.get(f"/api/v1/applications/{case.pk}/interview").json()
    assert (shown["rule"], shown["pass_mark"], shown["place"]) == ("all_pass", 75, "تالار 1")
    assert api.post(f"/api/v1/applications/{case.pk}/interview/scores", {"score": 80}).status_code == 200
    panel = InterviewPanel.objects.get(application=case)
    assert (panel.rule, panel.pass_mark) == ("all_pass", 75)


# --- the interview page ---------------------------------------------------------------------


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_interview_page_schedules_and_shows_the_time(tehran_rules, django_capture_on_commit_callbacks):
    case = interview_case()
    browser = page_client(examiner())
    url = reverse("assessments:interview", args=[case.pk])
    page = browser.get(url).content.decode()
    assert "زمان و محل مصاحبه هنوز تعیین نشده است." in page
    assert 'data-jalali="datetime"' in page and 'name="place"' in page

    when = ahead(3, 9, 30)
    action = reverse("assessments:interview_schedule", args=[case.pk])
    r = browser.post(action, {"starts_at": typed(when), "place": "تالار شهرداری منطقهٔ ۴"}, follow=True)
    assert r.redirect_chain[-1][0] == url + "#schedule"
    page = r.content.decode()
    assert "پیامک دعوت برای متقاضی فرستاده شد" in page
    assert to_jalali(when, with_time=True) in page and "تالار شهرداری منطقهٔ ۴" in page
    assert OutboxMessage.objects.get(kind="interview_invitation").recipient_id == case.applicant_id

    r = browser.post(action, {"starts_at": typed(ahead(4, 9, 30)), "place": "تالار شهرداری منطقهٔ ۴"}, follow=True)
    assert "پیامک تغییر برای متقاضی فرستاده شد" in r.content.decode()
    assert OutboxMessage.objects.filter(kind="interview_rescheduled").count() == 1


def test_the_interview_page_shows_a_bad_time_on_its_field(tehran_rules):
    case = interview_case()
    action = reverse("assessments:interview_schedule", args=[case.pk])
    r = page_client(examiner()).post(action, {"starts_at": typed(ahead(-2)), "place": "تالار"})
    assert r.status_code == 400
    page = r.content.decode()
    assert msg.INTERVIEW_PAST in page and 'aria-invalid="true"' in page
    r = page_client(examiner()).post(action, {"starts_at": "", "place": ""})
    assert r.status_code == 400
    nothing_written(case)


def test_other_staff_do_not_reach_the_schedule_page(tehran_rules):
    case = interview_case()
    action = reverse("assessments:interview_schedule", args=[case.pk])
    body = {"starts_at": typed(ahead(2)), "place": "تالار شهرداری"}
    for user in (
        User.objects.get(mobile=REVIEWER),
        RoleAssignmentFactory(municipality=MunicipalityFactory(), role="examiner").user,
        case.applicant,
    ):
        assert page_client(user).post(action, body).status_code == 404
    me = examiner()
    assert (
        page_client(me)
        .post(reverse("assessments:interview_schedule", args=[interview_case(applicant=me).pk]), body)
        .status_code
        == 404
    )
    assert not InterviewPanel.objects.exists()
    assert not OutboxMessage.objects.filter(kind__startswith="interview_").exists()
