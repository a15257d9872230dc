"""Complaints (issue 21 §3, §4): the API contract of API.md, the lifecycle (answer with reasons,
reopen once), the violation in one step, the working-day clock, who may see and do what, the
SMS and the audit entries, and the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.complaints.models import Complaint
from daftar.municipalities.workdays import calendar_for
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import OfficeStaff, StaffRole
from daftar.offices.tests.factories import make_office
from daftar.supervision.models import Violation, ViolationSource

pytestmark = pytest.mark.django_db

SUPERVISOR = "09120000006"
REVIEWER = "09120000002"
TEXT = "در این دفتر برای استعلام ملک دو برابر تعرفه از من پول گرفتند."
ANSWER = "بررسی رسید پرداخت و تعرفهٔ مصوب نشان داد که دفتر بیش از تعرفه دریافت کرده است."
CODE = re.compile(r"^SHK-\d{4}-\d{6}$")


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


@pytest.fixture
def office(make_licence: Any) -> Any:
    licence = make_licence()
    return make_office(licence.municipality, licence.district, licence=licence)


@pytest.fixture
def citizen() -> User:
    return UserFactory.create(mobile="09121112233")


def file(client: Any, **body: Any) -> Any:
    return client.post("/api/v1/complaints", body, format="json")


def office_complaint(citizen: User, office: Any) -> str:
    answer = file(client_for(citizen), office=office.pk, ground="overcharge", text=TEXT)
    assert answer.status_code == 201, answer.json()
    return str(answer.json()["tracking_code"])


# --- the API contract ----------------------------------------------------------------------------


def test_filing_about_an_office_answers_201_with_code_status_due_and_sends_the_code(citizen, office):
    answer = file(client_for(citizen), office=office.pk, ground="overcharge", text=TEXT)
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"tracking_code", "status", "due"}
    assert CODE.match(body["tracking_code"]) and body["status"] == "received"
    sms = OutboxMessage.objects.get(to=citizen.mobile, kind="complaint_received")
    assert body["tracking_code"] in sms.text  # the code keeps its Latin digits, to be typed back
    assert "۱۴" in sms.text  # the due date in Persian digits
    assert AuditEntry.objects.filter(action="complaints.file").count() == 1


def test_due_is_ten_working_days_on_the_municipality_calendar(citizen, office):
    code = office_complaint(citizen, office)
    c = Complaint.objects.get(tracking_code=code)
    calendar = calendar_for(c.municipality)
    assert calendar.working_days_between(c.created_at, c.due) == 10
    assert (c.due - c.created_at).days >= 12  # ten working days span at least two Fridays


def test_due_follows_the_setting(citizen, office, settings):
    settings.DAFTAR_COMPLAINT_DUE_WORKING_DAYS = 3
    c = Complaint.objects.get(tracking_code=office_complaint(citizen, office))
    assert calendar_for(c.municipality).working_days_between(c.created_at, c.due) == 3


def test_own_case_is_accepted_and_another_persons_case_is_not_found(make_licence, citizen):
    mine = make_licence(holder=citizen).application
    theirs = make_licence().application
    ok = file(client_for(citizen), application=mine.pk, ground="extra_condition", text=TEXT)
    assert ok.status_code == 201
    other = file(client_for(citizen), application=theirs.pk, ground="extra_condition", text=TEXT)
    unknown = file(client_for(citizen), application=999_999_999, ground="extra_condition", text=TEXT)
    assert other.status_code == unknown.status_code == 404
    assert other.json() == unknown.json()
    assert Complaint.objects.count() == 1


def test_a_ground_of_the_other_kind_is_refused_in_persian(citizen, office):
    answer = file(client_for(citizen), office=office.pk, ground="extra_fee", text=TEXT)
    assert answer.status_code == 400
    assert "زمینهٔ شکایت" in answer.json()["detail"] and "ground" in answer.json()["fields"]
    assert Complaint.objects.count() == 0 and not OutboxMessage.objects.exists()


def test_missing_text_or_target_is_refused(citizen, office):
    assert file(client_for(citizen), office=office.pk, ground="conduct").status_code == 400
    both = file(client_for(citizen), office=office.pk, application=1, ground="conduct", text=TEXT)
    assert both.status_code == 400
    assert Complaint.objects.count() == 0


def test_idempotency_key_gives_one_complaint(citizen, office):
    client = client_for(citizen)
    first = client.post(
        "/api/v1/complaints",
        {"office": office.pk, "ground": "conduct", "text": TEXT},
        format="json",
        HTTP_IDEMPOTENCY_KEY="complaint-key-0001",
    )
    again = client.post(
        "/api/v1/complaints",
        {"office": office.pk, "ground": "conduct", "text": TEXT},
        format="json",
        HTTP_IDEMPOTENCY_KEY="complaint-key-0001",
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Complaint.objects.count() == 1 and OutboxMessage.objects.filter(kind="complaint_received").count() == 1


def test_reading_is_for_the_complainant_and_the_supervisors_only(citizen, office):
    code = office_complaint(citizen, office)
    mine = client_for(citizen).get(f"/api/v1/complaints/{code}")
    assert mine.status_code == 200
    assert mine.json()["status"] == "received" and mine.json()["history"][0]["kind"] == "received"
    assert client_for(user(SUPERVISOR)).get(f"/api/v1/complaints/{code}").status_code == 200
    unknown = client_for(UserFactory.create()).get("/api/v1/complaints/SHK-1400-999999")
    for stranger in (UserFactory.create(), user(REVIEWER), office.licence.holder):
        answer = client_for(stranger).get(f"/api/v1/complaints/{code}")
        assert (answer.status_code, answer.json()) == (404, unknown.json())


# --- answering and reopening ---------------------------------------------------------------------


def test_answer_requires_reasons_and_tells_the_complainant(citizen, office):
    code = office_complaint(citizen, office)
    supervisor = client_for(user(SUPERVISOR))
    short = supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": "رسیدگی شد"})
    assert short.status_code == 400 and "دلیل" in short.json()["detail"]
    bad = supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "maybe", "answer": ANSWER})
    assert bad.status_code == 400
    assert Complaint.objects.get().status == "received"
    assert (
        client_for(citizen)
        .post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
        .status_code
        == 403
    )
    done = supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["decision"]) == ("answered", "upheld")
    sms = OutboxMessage.objects.get(to=citizen.mobile, kind="complaint_answered")
    assert code in sms.text and "وارد است" in sms.text
    assert AuditEntry.objects.filter(action="complaints.answer").count() == 1


def test_reopen_once_restarts_the_clock(citizen, office):
    code = office_complaint(citizen, office)
    supervisor, me = client_for(user(SUPERVISOR)), client_for(citizen)
    assert (
        me.post(f"/api/v1/complaints/{code}/reopen", {"text": "هنوز پاسخی نگرفته‌ام و دوباره می‌خواهم."}).status_code
        == 409
    )
    supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "rejected", "answer": ANSWER})
    assert supervisor.post(f"/api/v1/complaints/{code}/reopen", {"text": "بررسی دوباره لازم است."}).status_code == 403
    reopened = me.post(f"/api/v1/complaints/{code}/reopen", {"text": "رسید پرداخت را دارم و مبلغ بیشتر بود."})
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    assert (
        supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER}).status_code
        == 200
    )
    twice = me.post(f"/api/v1/complaints/{code}/reopen", {"text": "باز هم می‌خواهم بررسی شود لطفاً."})
    assert twice.status_code == 409 and "یک بار" in twice.json()["detail"]
    kinds = [e["kind"] for e in me.get(f"/api/v1/complaints/{code}").json()["history"]]
    assert kinds == ["received", "answered", "reopened", "answered"]
    assert AuditEntry.objects.filter(action="complaints.reopen").count() == 1


# --- the violation in one step --------------------------------------------------------------------


def test_upheld_office_complaint_becomes_exactly_one_violation(citizen, office):
    code = office_complaint(citizen, office)
    supervisor = client_for(user(SUPERVISOR))
    assert supervisor.post(f"/api/v1/complaints/{code}/violation", {}).status_code == 409  # not answered yet
    supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
    first = supervisor.post(f"/api/v1/complaints/{code}/violation", {})
    again = supervisor.post(f"/api/v1/complaints/{code}/violation", {})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["violation"] == again.json()["violation"]
    violation = Violation.objects.get()
    assert violation.licence == office.licence and violation.source == ViolationSource.COMPLAINT
    assert violation.violation_type.code == "overcharging" and code in violation.description
    assert Complaint.objects.get().violation == violation
    assert AuditEntry.objects.filter(action="complaints.violation").count() == 1


def test_rejected_complaint_gives_no_violation(citizen, office):
    code = office_complaint(citizen, office)
    supervisor = client_for(user(SUPERVISOR))
    supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "rejected", "answer": ANSWER})
    assert supervisor.post(f"/api/v1/complaints/{code}/violation", {}).status_code == 409
    assert not Violation.objects.exists()


# --- nobody acts on their own --------------------------------------------------------------------


def test_a_supervisor_who_works_at_the_office_does_not_see_the_complaint(citizen, office):
    supervisor = user(SUPERVISOR)
    OfficeStaff.objects.create(office=office, user=supervisor, role=StaffRole.CLERK)
    code = office_complaint(citizen, office)
    client = client_for(supervisor)
    assert client.get(f"/api/v1/complaints/{code}").status_code == 404
    assert (
        client.post(f"/api/v1/complaints/{code}/answer", {"decision": "rejected", "answer": ANSWER}).status_code == 404
    )
    assert Complaint.objects.get().status == "received"


def test_a_supervisor_does_not_answer_their_own_complaint(office):
    supervisor = user(SUPERVISOR)
    code = office_complaint(supervisor, office)
    answer = client_for(supervisor).post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
    assert answer.status_code in (403, 404)
    assert Complaint.objects.get().status == "received"
    assert client_for(supervisor).get(f"/api/v1/complaints/{code}").status_code == 200  # they read it as complainant


# --- pages ---------------------------------------------------------------------------------------


def _web(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_pages_file_track_answer_and_list(citizen, office):
    me = _web(citizen)
    form = me.get(f"/complaints/new/?office={office.pk}")
    assert form.status_code == 200 and "رفتار نامناسب" in form.content.decode()
    sent = me.post("/complaints/new/", {"office": office.pk, "ground": "overcharge", "text": TEXT})
    code = Complaint.objects.get().tracking_code
    assert sent.status_code == 302 and sent["Location"] == f"/complaints/{code}/"
    assert "دریافت‌شده" in me.get(f"/complaints/{code}/").content.decode()
    assert code in me.get("/complaints/").content.decode()

    desk = _web(user(SUPERVISOR))
    inbox = desk.get("/desk/complaints/")
    assert inbox.status_code == 200 and code in inbox.content.decode()
    answered = desk.post(f"/desk/complaints/{code}/", {"decision": "upheld", "answer": ANSWER})
    assert answered.status_code == 302
    page = desk.get(f"/desk/complaints/{code}/").content.decode()
    assert "ثبت تخلف" in page
    assert desk.post(f"/desk/complaints/{code}/violation/", {"type": "overcharging"}).status_code == 302
    assert not Violation.objects.exists()  # not confirmed
    desk.post(f"/desk/complaints/{code}/violation/", {"type": "overcharging", "confirm": "1"})
    assert Violation.objects.count() == 1
    assert "وارد است" in me.get(f"/complaints/{code}/").content.decode()

    assert _web(user(REVIEWER)).get("/desk/complaints/").status_code == 403
    assert _web(UserFactory.create()).get(f"/complaints/{code}/").status_code == 404


def test_inbox_filters_overdue(citizen, office, settings):
    code = office_complaint(citizen, office)
    Complaint.objects.filter(tracking_code=code).update(due="2020-01-01T10:00:00Z")
    desk = _web(user(SUPERVISOR))
    overdue = desk.get("/desk/complaints/?overdue=1").content.decode()
    assert code in overdue and 'data-overdue="1"' in overdue
    assert code not in desk.get("/desk/complaints/?status=answered").content.decode()


def test_case_page_and_office_page_link_to_the_form(make_licence, citizen, office):
    case = make_licence(holder=citizen).application
    assert f"/complaints/new/?application={case.pk}" in _web(citizen).get(f"/applications/{case.pk}/").content.decode()
    assert f"/complaints/new/?office={office.pk}" in Client().get(f"/offices/{office.pk}/").content.decode()


# --- review findings (issue 21 fixes) ------------------------------------------------------------


def test_a_reopened_upheld_complaint_gives_no_violation_until_answered_again(citizen, office):
    code = office_complaint(citizen, office)
    supervisor, me = client_for(user(SUPERVISOR)), client_for(citizen)
    supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
    me.post(f"/api/v1/complaints/{code}/reopen", {"text": "مبلغ بازگردانده نشد و بررسی دوباره می‌خواهم."})
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.decision) == ("reopened", "")
    refused = supervisor.post(f"/api/v1/complaints/{code}/violation", {})
    assert refused.status_code == 409 and not Violation.objects.exists()
    page = _web(user(SUPERVISOR)).get(f"/desk/complaints/{code}/")
    assert page.status_code == 200 and page.context["may_violation"] is False
    supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
    assert supervisor.post(f"/api/v1/complaints/{code}/violation", {}).status_code == 201


def test_the_violation_description_names_the_ground_not_the_complainants_words(citizen, office):
    code = office_complaint(citizen, office)
    supervisor = client_for(user(SUPERVISOR))
    supervisor.post(f"/api/v1/complaints/{code}/answer", {"decision": "upheld", "answer": ANSWER})
    supervisor.post(f"/api/v1/complaints/{code}/violation", {})
    description = Violation.objects.get().description
    assert description == f"بر پایهٔ شکایت شهروند {code}: دریافت وجه بیش از تعرفه"
    assert TEXT not in description and Complaint.objects.get().text == TEXT


def test_only_platform_admins_see_complaints_in_the_admin(citizen, office):
    office_complaint(citizen, office)
    municipal = Client()
    municipal.force_login(user("09120000007"))  # the demo municipality administrator of Tehran
    assert municipal.get("/admin/complaints/complaint/").status_code == 403
    root = Client()
    root.force_login(UserFactory.create(is_superuser=True, is_staff=True))
    assert root.get("/admin/complaints/complaint/").status_code == 200


def test_text_is_capped_at_4000_characters(citizen, office):
    me = client_for(citizen)
    long = file(me, office=office.pk, ground="overcharge", text="ا" * 4001)
    assert long.status_code == 400 and "۴۰۰۰" in long.json()["detail"]
    assert file(me, office=office.pk, ground="overcharge", text="ا" * 4000).status_code == 201


def test_filings_per_person_are_limited_a_day(citizen, office, settings):
    settings.COMPLAINTS_PER_USER_DAILY = 2
    me = client_for(citizen)
    for _ in range(2):
        assert file(me, office=office.pk, ground="overcharge", text=TEXT).status_code == 201
    third = file(me, office=office.pk, ground="overcharge", text=TEXT)
    assert third.status_code == 429 and "۲" in third.json()["detail"]
    assert int(third["Retry-After"]) > 0
    assert Complaint.objects.count() == 2
    other = UserFactory.create(mobile="09121112244")
    assert file(client_for(other), office=office.pk, ground="overcharge", text=TEXT).status_code == 201


def test_the_page_s_daily_limit_says_when_to_come_back(citizen, office, settings):
    settings.COMPLAINTS_PER_USER_DAILY = 1
    me = _web(citizen)
    body = {"office": office.pk, "ground": "overcharge", "text": TEXT}
    assert me.post("/complaints/new/", body).status_code == 302
    refused = me.post("/complaints/new/", body)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "۱" in refused.content.decode() and Complaint.objects.count() == 1
