"""The applicant hears of every step of the case by SMS, each under its own declared key
(issue 21 §4): the draft, the submission with the legal deadline, a correction naming the
documents, the reasons and the date, the approval, the refusal with the unmet condition (P1),
the other status changes; the staff's reminders and escalations reach their accounts. Each
message records its recipient and the case's municipality, whose administrator may reword it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from daftar.accounts.models import User
from daftar.applications import sms
from daftar.applications.deadlines import clocks_tick
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.calls.models import Call
from daftar.documents.models import Document
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications import texts
from daftar.notifications.models import MessageText, OutboxMessage
from daftar.notifications.services import sms_text, text_save
from daftar.rules.models import DocumentRequirement

from .helpers import client_for, move, submitted_case, through_review, to_final_review

pytestmark = pytest.mark.django_db

APPLICANT, REVIEWER, EXAMINER, AUTHORITY, ADMIN = (
    "09120000001",
    "09120000002",
    "09120000003",
    "09120000005",
    "09120000007",
)
CASE_KEYS = {
    "application_draft",
    "application_submitted",
    "application_correction",
    "application_approved",
    "application_rejected",
    "application_status",
    "application_deemed_approval",
    "application_escalated",
    "application_overdue",
    "deadline_reminder",
    "deadline_reminder_head",
}
ID = re.compile(r"(?<![A-Za-z0-9-])[SP]\d+(\.\d+)*(?![A-Za-z0-9-])")  # S10.4, P1: never in an SMS
LATIN_DIGIT_OUTSIDE_CODES = re.compile(r"(?<![A-Za-z0-9-])[0-9]+(?![A-Za-z0-9-])")


@pytest.fixture
def year_long_call(tehran_rules):
    Call.objects.update(opens_at=at("2026-01-01", 0), closes_at=at("2026-12-30", 0))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TEHRAN)


def person(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def told(kind: str, who: User, case: Application) -> OutboxMessage:
    """The one SMS of ``kind``, checked to be queued for ``who`` in the case's municipality."""
    message = OutboxMessage.objects.get(kind=kind)
    assert (message.to, message.recipient_id, message.municipality_id) == (who.mobile, who.pk, case.municipality_id)
    assert not ID.search(message.text) and not LATIN_DIGIT_OUTSIDE_CODES.search(message.text), message.text
    return message


def test_every_sms_of_the_case_is_declared_and_its_default_reads_as_plain_persian() -> None:
    assert set(texts.REGISTRY) >= CASE_KEYS
    for key in CASE_KEYS:
        text = texts.spec(key)
        assert text.title and text.when and text.audience in texts.AUDIENCES
        body = sms_text(texts.fill(text.default, text.sample()))
        assert "{" not in body and not ID.search(body), body
        assert not LATIN_DIGIT_OUTSIDE_CODES.search(body), body
    assert texts.spec("deadline_reminder").audience == texts.spec("application_overdue").audience == "staff"


def test_the_draft_and_the_submission_tell_the_code_and_the_legal_deadline(year_long_call) -> None:
    applicant = person(APPLICANT)
    with time_machine.travel(at("2026-03-10"), tick=False):  # Tuesday 19 Esfand 1404
        case = Application.objects.get(pk=submitted_case(client_for(applicant))["id"])
    draft = told("application_draft", applicant, case)
    assert sms_text(case.call.title) in draft.text
    submitted = told("application_submitted", applicant, case)
    assert str(case.tracking_code) in submitted.text and case.municipality.name in submitted.text
    # the «submitted» clock: 3 working days, to Monday 25 Esfand (see test_clocks)
    assert "مهلت قانونی بررسی آن: ۱۴۰۴/۱۲/۲۵" in submitted.text


def test_a_correction_request_names_the_documents_their_reasons_and_the_date(year_long_call) -> None:
    applicant, reviewer = person(APPLICANT), client_for(person(REVIEWER))
    with time_machine.travel(at("2026-03-10"), tick=False):
        case_id = submitted_case(client_for(applicant))["id"]
    with time_machine.travel(at("2026-03-16"), tick=False):
        move(reviewer, case_id, "start_review")
        for doc_type, reason in (("premises_deed", "بدون امضا"), ("degree", "مهر دانشگاه ندارد")):
            document = Document.objects.get(application_id=case_id, doc_type=doc_type)
            answer = reviewer.post(
                f"/api/v1/documents/{document.pk}/review", {"decision": "reject", "reason": reason}, format="json"
            )
            assert answer.status_code == 200, answer.content
        response = move(reviewer, case_id, "request_correction", reason="اجاره‌نامهٔ امضاشده را بفرستید.")
        assert response.status_code == 200, response.content
    case = Application.objects.get(pk=case_id)
    assert told("application_status", applicant, case).text.endswith("«بررسی مدارک».")  # start_review
    text = told("application_correction", applicant, case).text
    deed, degree = (DocumentRequirement.objects.get(code=c).title for c in ("premises_deed", "degree"))
    assert f"{deed} (بدون امضا)" in text and f"{degree} (مهر دانشگاه ندارد)" in text
    assert "«اجاره‌نامهٔ امضاشده را بفرستید.»" in text and str(case.tracking_code) in text
    assert "مهلت اصلاح: ۱۴۰۵/۰۱/۱۷" in text  # the applicant's 10 working days, past Nowruz


def test_a_refusal_states_the_unmet_condition_by_its_text_and_the_reason(tehran_rules) -> None:
    applicant = person(APPLICANT)
    case_id = submitted_case(client_for(applicant))["id"]
    condition = tehran_rules.conditions.get(cid="S9.1")
    reason = "تابعیت ایرانی متقاضی در استعلام ثبت احوال تأیید نشد."
    response = move(client_for(person(REVIEWER)), case_id, "reject", reason=reason, conditions=[condition.cid])
    assert response.status_code == 200, response.content
    case = Application.objects.get(pk=case_id)
    text = told("application_rejected", applicant, case).text
    assert sms_text(condition.text) in text and reason in text and str(case.tracking_code) in text
    assert not OutboxMessage.objects.filter(kind="application_status").exists()  # not a plain status change


def test_failing_the_exam_is_a_refusal_naming_the_exam_condition(tehran_rules, django_capture_on_commit_callbacks):
    applicant = person(APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        case_id = submitted_case(client_for(applicant))["id"]
    through_review(case_id)
    response = move(client_for(person(EXAMINER)), case_id, "record_exam", score=40)
    assert response.json()["status"] == "rejected", response.content
    case = Application.objects.get(pk=case_id)
    text = told("application_rejected", applicant, case).text
    assert sms_text(tehran_rules.conditions.get(cid="S10.4").text) in text
    assert sms_text(case.decision_reason) in text  # «نمرهٔ آزمون (۴۰) کمتر از حد نصاب …»


def test_approval_has_its_own_sms_and_every_other_step_a_status_sms(tehran_rules, django_capture_on_commit_callbacks):
    applicant = person(APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        case_id = submitted_case(client_for(applicant))["id"]
    through_review(case_id)
    to_final_review(case_id, exam=80)
    authority = client_for(person(AUTHORITY))
    assert move(authority, case_id, "approve").status_code == 200
    case = Application.objects.get(pk=case_id)
    approved = told("application_approved", applicant, case)
    assert str(case.tracking_code) in approved.text and "تأیید نهایی شد" in approved.text
    assert move(authority, case_id, "issue_licence").status_code == 200
    kinds = list(
        OutboxMessage.objects.filter(recipient=applicant, kind__startswith="application_")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "application_draft",
        "application_submitted",
        *["application_status"] * 5,  # review, exam, interview, inspection, final review
        "application_approved",
    ]  # the licence issued: one SMS, the licence's own, with its number and validity
    statuses = OutboxMessage.objects.filter(kind="application_status").order_by("pk")
    assert [m.municipality_id for m in statuses] == [case.municipality_id] * 5
    issued = OutboxMessage.objects.get(recipient=applicant, kind="licence_issued")
    case.refresh_from_db()
    assert case.licence_number in issued.text


def test_a_municipalitys_own_text_is_what_its_applicants_receive_and_others_keep_the_default(
    year_long_call,
) -> None:
    applicant = person(APPLICANT)
    with time_machine.travel(at("2026-05-04"), tick=False):
        ours = Application.objects.get(pk=submitted_case(client_for(applicant))["id"])
    elsewhere = ApplicationFactory.create(submitted=True, municipality=MunicipalityFactory.create(), due_at=ours.due_at)
    body = "شهرداری تهران: پروندهٔ {code} از مهلت گذشت و تا {due} به مرجع بالاتر سپرده شد."
    text_save(key=sms.ESCALATED.key, municipality=ours.municipality, body=body, actor=person(ADMIN))
    assert ours.due_at is not None
    with time_machine.travel(ours.due_at + dt.timedelta(hours=11), tick=False):
        assert clocks_tick()["overdue"] == 2
        assert clocks_tick()["overdue"] == 0  # once
    ours.refresh_from_db()
    [mine] = OutboxMessage.objects.filter(kind="application_escalated", recipient=applicant)
    assert mine.municipality_id == ours.municipality_id
    assert mine.text == sms_text(body.format(code=ours.tracking_code, due=to_jalali(ours.due_at, with_time=False)))
    [theirs] = OutboxMessage.objects.filter(kind="application_escalated", recipient=elsewhere.applicant)
    assert theirs.municipality_id == elsewhere.municipality_id
    assert theirs.text.startswith("دفتر: مهلت قانونی پروندهٔ") and str(elsewhere.tracking_code) in theirs.text


def test_a_text_without_what_must_be_corrected_is_refused_and_the_default_stays() -> None:
    with pytest.raises(ApplicationError) as refused:
        text_save(
            key=sms.CORRECTION.key,
            municipality=None,
            body="پروندهٔ {code} نیازمند اصلاح است؛ مهلت: {due}.",
            actor=None,
        )
    assert refused.value.code == "sms_text_invalid" and "{documents}" in refused.value.message
    with pytest.raises(ApplicationError) as unknown:
        text_save(key=sms.REJECTED.key, municipality=None, body="{code} {conditions} {reason} {score}", actor=None)
    assert "{score}" in unknown.value.message
    assert not MessageText.objects.exists()
    assert texts.current(sms.CORRECTION.key, None) == (sms.CORRECTION.default, "default")
