"""Helpers for the licence tests: a case taken from draft to its licence through the API."""

from __future__ import annotations

from typing import Any

from daftar.accounts.models import User
from daftar.applications.tests.helpers import INSPECTION, client_for, move, submitted_case
from daftar.documents.models import Document
from daftar.licences.models import Licence


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def issue_through_api(capture: Any) -> Licence:
    """Sara's case from draft to ``issue_licence`` through the API (demo staff of Tehran)."""
    applicant = user("09120000001")
    with capture(execute=True):
        case_id = submitted_case(client_for(applicant))["id"]
    reviewer = client_for(user("09120000002"))
    move(reviewer, case_id, "start_review")
    for document in Document.objects.filter(application_id=case_id):
        reviewer.post(f"/api/v1/documents/{document.pk}/review", {"decision": "accept"}, format="json")
    assert move(reviewer, case_id, "accept_documents").status_code == 200
    examiner = client_for(user("09120000003"))
    move(examiner, case_id, "record_exam", score=72)
    move(examiner, case_id, "record_interview", scores=[70, 55, 65])
    move(client_for(user("09120000004")), case_id, "record_inspection", **INSPECTION)
    authority = client_for(user("09120000005"))
    assert move(authority, case_id, "approve").json()["status"] == "approved"
    response = move(authority, case_id, "issue_licence")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "licence_issued"
    licence = Licence.objects.get(application_id=case_id)
    assert body["licence_number"] == licence.number
    return licence
