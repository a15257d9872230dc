"""Exam sessions (P7 relative and fixed rules), score imports, interviews and access."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.models import Application
from daftar.applications.tests.helpers import client_for, open_call, submitted_case
from daftar.assessments.models import ExamSeat, ExamSession
from daftar.assessments.tests.factories import AssessmentPolicyFactory
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage

from .helpers import EXAMINER, REVIEWER, exam_cases, new_session, rows, seat_all, statuses

pytestmark = pytest.mark.django_db


def test_relative_rule_p7_hand_example(tehran_rules, django_capture_on_commit_callbacks):
    cases = exam_cases(5, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    # top 1% of 5 seats → 1 seat (at least one): mark = 0.70 × 84 = 58.8
    AssessmentPolicyFactory(municipality=open_call().municipality, exam_pass_rule="relative")  # P7's figures
    session = new_session(examiner)
    assert session["weights"] == {"general": 0.4, "specialised": 0.6}
    seat_all(examiner, session, cases)
    r = examiner.post(f"/api/v1/exam-sessions/{session['id']}/scores", {"scores": rows(cases)}, format="json")
    assert r.status_code == 200, r.content
    assert [s["total"] for s in r.json()["seat_list"]] == [84, 64, 59, 57, 40]
    decided = examiner.post(f"/api/v1/exam-sessions/{session['id']}/decide").json()
    assert decided["pass_mark"] == 58.8
    assert statuses(cases) == ["interview", "interview", "interview", "rejected", "rejected"]
    exam = Application.objects.get(pk=cases[2].pk).assessment["exam"]
    assert exam == {"score": 59.0, "pass_mark": 58.8, "rule": "relative", "passed": True}
    again = examiner.post(f"/api/v1/exam-sessions/{session['id']}/decide")
    assert again.status_code == 409


def test_fixed_rule(tehran_rules, django_capture_on_commit_callbacks):
    cases = exam_cases(5, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner)  # fixed, 60 by default
    seat_all(examiner, session, cases)
    examiner.post(f"/api/v1/exam-sessions/{session['id']}/scores", {"scores": rows(cases)}, format="json")
    assert examiner.post(f"/api/v1/exam-sessions/{session['id']}/decide").json()["pass_mark"] == 60
    assert statuses(cases) == ["interview", "interview", "rejected", "rejected", "rejected"]


def test_csv_with_one_bad_row_imports_nothing_and_xlsx_works(tehran_rules, django_capture_on_commit_callbacks):
    cases = exam_cases(2, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner)
    seat_all(examiner, session, cases)
    url = f"/api/v1/exam-sessions/{session['id']}/scores"
    text = f"tracking_code,general,specialised\n{cases[0].tracking_code},80,70\n{cases[1].tracking_code},abc,70\n"
    bad = SimpleUploadedFile("scores.csv", text.encode(), content_type="text/csv")
    r = examiner.post(url, {"file": bad}, format="multipart")
    assert r.status_code == 400
    assert "ردیف ۳" in r.json()["detail"] and "general" in r.json()["detail"]
    assert not ExamSeat.objects.filter(recorded_at__isnull=False).exists()

    code = cases[0].tracking_code
    dup = f"tracking_code,general,specialised\n{code},80,70\n{code},80,101\nZZZZ,1,1\n"
    r = examiner.post(url, {"file": SimpleUploadedFile("s.csv", dup.encode())}, format="multipart")
    detail = r.json()["detail"]
    assert "ردیف ۳" in detail and "تکراری" in detail and "ردیف ۴" in detail and "ناشناخته" in detail

    book = Workbook()
    sheet = book.active
    sheet.append(["tracking_code", "general", "specialised"])
    sheet.append([cases[0].tracking_code, 80, 70])
    sheet.append([cases[1].tracking_code, 55.5, 90])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("scores.xlsx", out.getvalue())
    r = examiner.post(url, {"file": upload}, format="multipart")
    assert r.status_code == 200, r.content
    assert [s["total"] for s in r.json()["seat_list"]] == [74, 76.2]


def test_seat_limit_and_sms_invitation_in_jalali(tehran_rules, django_capture_on_commit_callbacks):
    cases = exam_cases(2, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner, seats=1)
    seat_all(examiner, session, cases[:1])
    r = examiner.post(f"/api/v1/exam-sessions/{session['id']}/seats", {"application": cases[1].pk}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "session_full"
    sms = OutboxMessage.objects.get(kind="exam_invitation")
    assert sms.to == cases[0].applicant.mobile
    assert "۱۴۰۵/۰۱/۱۵" in sms.text and "۰۸:۳۰" in sms.text and "تالار شهرداری" in sms.text


@pytest.mark.parametrize(
    ("rule", "scores", "status"),
    [
        ("mean", [80, 50], "site_inspection"),  # mean 65 ≥ 60
        ("all_pass", [80, 50], "rejected"),  # 50 < 60
        ("all_pass", [60, 75], "site_inspection"),
        ("mean", [70, 40], "rejected"),  # mean 55
    ],
)
def test_interview_rules(tehran_rules, django_capture_on_commit_callbacks, rule, scores, status):
    AssessmentPolicyFactory(municipality=open_call().municipality, interview_rule=rule)
    (case,) = exam_cases(1, django_capture_on_commit_callbacks)
    examiner_user = User.objects.get(mobile=EXAMINER)
    examiner = client_for(examiner_user)
    session = new_session(examiner)
    seat_all(examiner, session, [case])
    examiner.post(f"/api/v1/exam-sessions/{session['id']}/scores", {"scores": rows([case])}, format="json")
    examiner.post(f"/api/v1/exam-sessions/{session['id']}/decide")
    second = RoleAssignmentFactory(municipality=case.municipality, role="examiner").user
    for user, score in zip([examiner_user, second], scores, strict=False):
        body = {"score": score}
        r = client_for(user).post(f"/api/v1/applications/{case.pk}/interview/scores", body, format="json")
        assert r.status_code == 200, r.content
    r = examiner.post(f"/api/v1/applications/{case.pk}/interview/decide")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == status and r.json()["rule"] == rule
    assert Application.objects.get(pk=case.pk).assessment["interview"]["scores"] == scores


def test_access(tehran_rules, django_capture_on_commit_callbacks):
    (case,) = exam_cases(1, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner)
    foreign = client_for(RoleAssignmentFactory(municipality=MunicipalityFactory(), role="examiner").user)
    reviewer = client_for(User.objects.get(mobile=REVIEWER))
    url = f"/api/v1/exam-sessions/{session['id']}/seats"
    assert foreign.post(url, {"application": case.pk}, format="json").status_code == 404
    assert reviewer.post(url, {"application": case.pk}, format="json").status_code == 403
    assert foreign.post(f"/api/v1/applications/{case.pk}/interview/scores", {"score": 70}).status_code == 404
    assert reviewer.post(f"/api/v1/applications/{case.pk}/interview/scores", {"score": 70}).status_code == 403
    session_body = {
        "call": open_call().pk,
        "title": "آزمون",
        "starts_at": "1405/01/15 08:30",
        "place": "تالار",
        "seats": 5,
    }
    assert reviewer.post("/api/v1/exam-sessions", session_body, format="json").status_code == 403
    assert ExamSession.objects.count() == 1
    owner = client_for(case.applicant)
    paths = {
        f"/api/v1/exam-sessions/{session['id']}": ("/api/v1/exam-sessions/999999", 404),
        f"/api/v1/applications/{case.pk}/interview": ("/api/v1/applications/999999/interview", 403),
    }
    for path, (missing, owner_status) in paths.items():
        assert examiner.get(path).status_code == 200
        assert reviewer.get(path).status_code == 403
        assert foreign.get(path).status_code == 404
        assert foreign.get(path).json() == examiner.get(missing).json()
        assert owner.get(path).status_code == owner_status  # their own case, but not an examiner


def test_training_credits_settle_s10_3_and_feed_the_score(tehran_rules):
    from daftar.accounts.models import User
    from daftar.applications.tests.helpers import GOOD_FACTS, client_for

    facts = {k: v for k, v in GOOD_FACTS.items() if k != "training_completed"}
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")), facts=facts)["id"]
    examiner = client_for(User.objects.get(mobile="09120000003"))
    before = examiner.get(f"/api/v1/applications/{case}").json()
    assert next(c for c in before["conditions"] if c["id"] == "S10.3")["result"] == "unknown"
    body = {
        "course_title": "دورهٔ خدمات الکترونیک شهری",
        "hours": "۴۰",
        "approving_body": "سازمان فاوا",
        "certificate_date": "1404/06/01",
    }
    assert examiner.post(f"/api/v1/applications/{case}/training-credits", body, format="json").status_code == 201
    after = examiner.get(f"/api/v1/applications/{case}").json()
    assert next(c for c in after["conditions"] if c["id"] == "S10.3")["result"] == "pass"
    bad = examiner.post(
        f"/api/v1/applications/{case}/training-credits",
        {**body, "hours": 0, "certificate_date": "1499/01/01"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"hours", "certificate_date"}
    applicant = client_for(User.objects.get(mobile="09120000001"))
    assert applicant.post(f"/api/v1/applications/{case}/training-credits", body, format="json").status_code == 403


def test_score_sheets_spend_the_examiners_upload_budget(tehran_rules, settings, django_capture_on_commit_callbacks):
    """Issue 17: a score sheet is an upload; past the hourly budget, a Persian 429 with Retry-After."""
    cases = exam_cases(1, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner)
    seat_all(examiner, session, cases)
    settings.UPLOADS_PER_USER_HOURLY = 2
    url = f"/api/v1/exam-sessions/{session['id']}/scores"
    sheet = f"tracking_code,general,specialised\n{cases[0].tracking_code},80,70\n".encode()

    def send():
        upload = SimpleUploadedFile("s.csv", sheet, content_type="text/csv")
        return examiner.post(url, {"file": upload}, format="multipart")

    assert [send().status_code for _ in range(2)] == [200, 200]
    refused = send()
    assert refused.status_code == 429 and refused.json()["code"] == "upload_throttled" and refused["Retry-After"]
    # scores typed as JSON are no upload: they go on
    assert examiner.post(url, {"scores": rows(cases)}, format="json").status_code == 200
