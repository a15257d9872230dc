"""The whole path of a case through the API, step by step (API.md «Moving a case»)."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.audit.services import verify_chain
from daftar.documents.models import Document
from daftar.notifications.models import OutboxMessage

from .helpers import INSPECTION, client_for, move, submitted_case

pytestmark = pytest.mark.django_db


def staff(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def test_full_path_from_draft_to_licence(tehran_rules, django_capture_on_commit_callbacks):
    applicant = staff("09120000001")
    me = client_for(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        case_id = submitted_case(me)["id"]
    case = me.get(f"/api/v1/applications/{case_id}").json()
    assert case["status"] == "submitted"
    code = case["tracking_code"]
    assert len(code) == 12 and code[4] == "-" and code[9] == "-"
    assert OutboxMessage.objects.filter(to=applicant.mobile, text__contains=code).exists()
    assert {i["kind"] for i in case["inquiries"]} == {"identity", "criminal_record", "addiction", "health", "degree"}
    assert all(i["status"] == "passed" for i in case["inquiries"])  # eager tasks, simulator
    assert case["deadlines"][-1]["stage"] == "submitted"

    reviewer = client_for(staff("09120000002"))
    assert move(reviewer, case_id, "start_review").json()["status"] == "document_review"
    for document in Document.objects.filter(application_id=case_id):
        r = reviewer.post(f"/api/v1/documents/{document.pk}/review", {"decision": "accept"}, format="json")
        assert r.status_code == 200, r.content
    assert move(reviewer, case_id, "accept_documents").json()["status"] == "exam"

    examiner = client_for(staff("09120000003"))
    assert move(examiner, case_id, "record_exam", score=72).json()["status"] == "interview"
    assert move(examiner, case_id, "record_interview", scores=[70, 55, 65]).json()["status"] == "site_inspection"
    inspector = client_for(staff("09120000004"))
    assert move(inspector, case_id, "record_inspection", **INSPECTION).json()["status"] == "final_review"
    authority = client_for(staff("09120000005"))
    assert move(authority, case_id, "approve").json()["status"] == "approved"
    body = move(authority, case_id, "issue_licence").json()
    assert body["status"] == "licence_issued"
    assert body["licence_number"]
    assert [e["to"] for e in body["timeline"]] == [
        "draft",
        "submitted",
        "document_review",
        "exam",
        "interview",
        "site_inspection",
        "final_review",
        "approved",
        "licence_issued",
    ]
    assert verify_chain() is None
    assert Application.objects.get(pk=case_id).due_at is None
