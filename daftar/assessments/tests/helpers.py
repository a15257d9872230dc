"""Helpers for the exam and interview tests: cases taken through review by the demo staff, an exam
session, its seats and a sheet of scores."""

from __future__ import annotations

from daftar.applications.models import Application
from daftar.applications.tests.helpers import applicant, client_for, open_call, submitted_case, through_review

EXAMINER = "09120000003"
REVIEWER = "09120000002"


def exam_cases(n: int, capture) -> list[Application]:
    call = open_call()
    out = []
    for i in range(n):
        with capture(execute=True):
            case = submitted_case(client_for(applicant(i)), district=call.districts.first().district_id)
        through_review(case["id"])
        out.append(Application.objects.get(pk=case["id"]))
    return out


def new_session(client, seats: int = 10, **extra) -> dict:
    body = {
        "call": open_call().pk,
        "title": "آزمون کتبی نوبت اول",
        "starts_at": "1405/01/15 08:30",
        "place": "تالار شهرداری منطقهٔ ۱",
        "seats": seats,
        **extra,
    }
    response = client.post("/api/v1/exam-sessions", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def seat_all(client, session: dict, cases: list[Application]) -> None:
    for case in cases:
        r = client.post(f"/api/v1/exam-sessions/{session['id']}/seats", {"application": case.pk}, format="json")
        assert r.status_code == 201, r.content


SCORES = [(90, 80), (70, 60), (50, 65), (60, 55), (40, 40)]  # weighted 0.4/0.6: 84, 64, 59, 57, 40


def rows(cases: list[Application]) -> list[dict]:
    pairs = zip(cases, SCORES, strict=False)
    return [{"tracking_code": c.tracking_code, "general": g, "specialised": s} for c, (g, s) in pairs]


def statuses(cases: list[Application]) -> list[str]:
    return [Application.objects.get(pk=c.pk).status for c in cases]
