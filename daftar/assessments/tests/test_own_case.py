"""Nobody seats, scores or decides the exam or interview of their own case (S15, P1; issue 16):
an examiner who applied is answered as if their case did not exist, through the API and the
pages alike, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.models import Application
from daftar.applications.tests.helpers import client_for
from daftar.assessments import messages as msg
from daftar.assessments.models import ExamSeat, ExamSession, InterviewPanel, InterviewScore
from daftar.audit.models import AuditEntry
from daftar.kernel.normalize import persian_digits
from daftar.notifications.models import OutboxMessage

from .helpers import EXAMINER, exam_cases, new_session, rows

pytestmark = pytest.mark.django_db


def fingerprint() -> tuple[Any, ...]:
    return (
        list(Application.objects.order_by("pk").values()),
        list(ExamSeat.objects.order_by("pk").values()),
        list(ExamSession.objects.order_by("pk").values()),
        InterviewPanel.objects.count(),
        InterviewScore.objects.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.fixture
def exam(tehran_rules: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """Two cases in «آزمون»: the first one's applicant is also an examiner of the municipality;
    a session of the call made by the demo examiner."""
    mine, other = exam_cases(2, django_capture_on_commit_callbacks)
    RoleAssignmentFactory(user=mine.applicant, municipality=mine.municipality, role="examiner")
    session = new_session(client_for(User.objects.get(mobile=EXAMINER)))
    return {"mine": mine, "other": other, "me": mine.applicant, "session": session["id"]}


def test_an_examiner_does_not_seat_their_own_case(exam: dict[str, Any]) -> None:
    me = client_for(exam["me"])
    url = f"/api/v1/exam-sessions/{exam['session']}/seats"
    before = fingerprint()
    own = me.post(url, {"application": exam["mine"].pk}, format="json")
    missing = me.post(url, {"application": 999_999_999}, format="json")
    assert own.status_code == 404 and own.json() == missing.json()
    assert fingerprint() == before
    assert me.post(url, {"application": exam["other"].pk}, format="json").status_code == 201  # others: yes
    page = Client()
    page.force_login(exam["me"])
    text = page.get(reverse("assessments:session", args=[exam["session"]])).content.decode()
    assert f'value="{exam["mine"].pk}"' not in text  # not offered for a seat either


def test_an_examiner_does_not_score_or_decide_a_session_seating_their_case(exam: dict[str, Any]) -> None:
    demo = client_for(User.objects.get(mobile=EXAMINER))
    session = exam["session"]
    for case in (exam["mine"], exam["other"]):
        assert (
            demo.post(f"/api/v1/exam-sessions/{session}/seats", {"application": case.pk}, format="json").status_code
            == 201
        )
    me = client_for(exam["me"])
    before = fingerprint()
    # a score import naming their own case: the row reads as an unknown tracking code
    own = me.post(f"/api/v1/exam-sessions/{session}/scores", {"scores": rows([exam["mine"]])}, format="json")
    assert own.status_code == 400
    unknown = msg.ROW_UNKNOWN.format(row=persian_digits(1), code=exam["mine"].tracking_code)
    assert own.json()["fields"]["rows"] == [unknown]
    # announcing the result of a session that seats their case: as a session that does not exist
    decided = me.post(f"/api/v1/exam-sessions/{session}/decide")
    missing = me.post("/api/v1/exam-sessions/999999999/decide")
    assert decided.status_code == 404 and decided.json() == missing.json()
    assert fingerprint() == before
    page = Client()
    page.force_login(exam["me"])
    seat = ExamSeat.objects.get(application=exam["mine"])
    score = reverse("assessments:score", args=[session, seat.pk])
    assert page.post(score, {"general": "100", "specialised": "100"}).status_code == 404
    assert page.post(reverse("assessments:decide", args=[session])).status_code == 404
    text = page.get(reverse("assessments:session", args=[session])).content.decode()
    assert 'id="decide-not-yours"' in text and reverse("assessments:decide", args=[session]) not in text
    assert score not in text  # no score form on their own seat
    assert fingerprint() == before


def test_an_examiner_does_not_score_or_decide_their_own_interview(
    tehran_rules: Any, django_capture_on_commit_callbacks: Any
) -> None:
    (case,) = exam_cases(1, django_capture_on_commit_callbacks)
    Application.objects.filter(pk=case.pk).update(status="interview")  # a fixture, not a move
    RoleAssignmentFactory(user=case.applicant, municipality=case.municipality, role="examiner")
    me = client_for(case.applicant)
    before = fingerprint()
    for method, path, body in (
        ("get", "interview", None),
        ("post", "interview/scores", {"score": 100}),
        ("post", "interview/decide", None),
    ):
        own = getattr(me, method)(f"/api/v1/applications/{case.pk}/{path}", body, format="json")
        missing = getattr(me, method)(f"/api/v1/applications/999999999/{path}", body, format="json")
        assert own.status_code == 404 and own.json() == missing.json(), path
    page = Client()
    page.force_login(case.applicant)
    assert page.get(reverse("assessments:interview", args=[case.pk])).status_code == 404
    assert page.post(reverse("assessments:interview", args=[case.pk]), {"score": "100"}).status_code == 404
    assert page.post(reverse("assessments:interview_decide", args=[case.pk])).status_code == 404
    assert fingerprint() == before
