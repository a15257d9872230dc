"""The state machine: every illegal move is refused with a 409 naming the current state and
changes nothing; roles are checked per move; rejection must cite conditions (P1)."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User
from daftar.applications import messages as msg
from daftar.applications.models import Application, CaseEvent
from daftar.applications.services import application_move
from daftar.applications.workflow import APPLICANT, MOVES, SYSTEM, Status
from daftar.audit.models import AuditEntry
from daftar.documents.models import Document
from daftar.kernel.errors import ApplicationError

from .helpers import client_for, draft, move, submitted_case

pytestmark = pytest.mark.django_db

ROLE_USER = {
    "reviewer": "09120000002",
    "examiner": "09120000003",
    "inspector": "09120000004",
    "licensing_authority": "09120000005",
}


def actor_for(action: str, case: Application):
    roles = MOVES[action].roles
    if SYSTEM in roles:
        return None
    if APPLICANT in roles:
        return case.applicant
    return User.objects.get(mobile=ROLE_USER[sorted(r for r in roles if r in ROLE_USER)[0]])


def test_every_illegal_move_is_refused_and_changes_nothing(tehran_rules):
    case = Application.objects.get(pk=draft(client_for(User.objects.get(mobile="09120000001")))["id"])
    refused = 0
    for status in Status.values:
        Application.objects.filter(pk=case.pk).update(status=status)
        for action, m in MOVES.items():
            if status in m.sources:
                continue
            events, audits = CaseEvent.objects.count(), AuditEntry.objects.count()
            with pytest.raises(ApplicationError) as caught:
                application_move(application_id=case.pk, action=action, actor=actor_for(action, case))
            assert caught.value.status_code == 409, (status, action)
            assert caught.value.code == "illegal_transition"
            assert Status(status).label in caught.value.message
            assert Application.objects.get(pk=case.pk).status == status
            assert (CaseEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
            refused += 1
    assert refused > 100  # 13 states × 12 actions minus the legal pairs


def test_illegal_move_over_the_api_is_409_naming_the_state(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))
    authority = client_for(User.objects.get(mobile="09120000005"))
    response = move(authority, case["id"], "issue_licence")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "ثبت‌شده" in response.json()["detail"]


def test_a_role_without_the_move_gets_403_and_the_list_of_moves_follows_the_role(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))
    examiner = client_for(User.objects.get(mobile="09120000003"))
    response = move(examiner, case["id"], "start_review")
    assert response.status_code == 403
    assert response.json()["detail"] == msg.NOT_PERMITTED
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    listed = reviewer.get(f"/api/v1/applications/{case['id']}/transitions").json()
    assert listed["status"] == "submitted"
    assert {a["action"] for a in listed["actions"]} == {"start_review", "reject"}
    assert examiner.get(f"/api/v1/applications/{case['id']}/transitions").json()["actions"] == []


def test_unknown_action_is_a_400_listing_the_actions(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))
    response = move(client_for(User.objects.get(mobile="09120000002")), case["id"], "teleport")
    assert response.status_code == 400
    assert "start_review" in response.json()["detail"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "reason"),
        ({"reason": "کوتاه", "conditions": ["S9.2"]}, "reason"),
        ({"reason": "سوء پیشینهٔ کیفری مؤثر در استعلام ثبت شده است."}, "conditions"),
        ({"reason": "سوء پیشینهٔ کیفری مؤثر در استعلام ثبت شده است.", "conditions": []}, "conditions"),
        ({"reason": "سوء پیشینهٔ کیفری مؤثر در استعلام ثبت شده است.", "conditions": ["S99.9"]}, "conditions"),
    ],
)
def test_rejection_without_a_cited_condition_and_reason_is_refused(tehran_rules, body, field):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    response = move(reviewer, case["id"], "reject", **body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Application.objects.get(pk=case["id"]).status == Status.SUBMITTED


def test_rejection_cites_conditions_and_the_applicant_sees_why(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    case = submitted_case(client_for(applicant))
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    reason = "مساحت مفید محل کمتر از ۶۰ متر مربع است."
    response = move(reviewer, case["id"], "reject", reason=reason, conditions=["S11.2"])
    assert response.status_code == 200
    seen = client_for(applicant).get(f"/api/v1/applications/{case['id']}").json()
    assert seen["status"] == "rejected"
    stored = "مساحت مفید محل کمتر از 60 متر مربع است."  # input digits are normalised to Latin
    assert seen["decision_reason"] == stored
    assert seen["failed_conditions"] == ["S11.2"]
    assert seen["timeline"][-1]["note"] == stored


def test_withdraw_at_any_non_final_step_but_not_after_the_end(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    me = client_for(applicant)
    case = submitted_case(me)
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    move(reviewer, case["id"], "start_review")
    response = me.post(f"/api/v1/applications/{case['id']}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = me.post(f"/api/v1/applications/{case['id']}/withdraw")
    assert again.status_code == 409
    assert Application.objects.get(pk=case["id"]).due_at is None


def test_submit_lists_missing_documents_and_keeps_the_draft(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)
    response = me.post(f"/api/v1/applications/{case['id']}/submit")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "documents_missing"
    assert "national_card" in body["fields"]["documents"]
    assert "exam_certificate" not in body["fields"]["documents"]  # S12.7 comes at the exam stage
    assert "کارت ملی" in body["detail"]
    assert Application.objects.get(pk=case["id"]).status == Status.DRAFT
    assert Application.objects.get(pk=case["id"]).tracking_code is None


def test_submit_needs_a_complete_profile(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    User.objects.filter(pk=applicant.pk).update(birth_date=None)
    me = client_for(User.objects.get(pk=applicant.pk))
    case = draft(me)
    from .helpers import upload_all

    upload_all(me, case["id"])
    response = me.post(f"/api/v1/applications/{case['id']}/submit")
    assert response.status_code == 409
    assert response.json()["detail"] == msg.PROFILE_INCOMPLETE.format(gaps="تاریخ تولد")


def test_correction_loop_new_version_keeps_the_old_one(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    me = client_for(applicant)
    case = submitted_case(me)
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    move(reviewer, case["id"], "start_review")
    # asking for a correction with nothing rejected is refused
    assert (
        move(reviewer, case["id"], "request_correction", reason="مدارک ناقص است و باید اصلاح شود.").status_code == 409
    )
    deed = Document.objects.get(application_id=case["id"], doc_type="premises_deed")
    r = reviewer.post(f"/api/v1/documents/{deed.pk}/review", {"decision": "reject"}, format="json")
    assert r.status_code == 400  # a rejection needs a reason
    r = reviewer.post(
        f"/api/v1/documents/{deed.pk}/review", {"decision": "reject", "reason": "اجاره‌نامه امضا ندارد."}, format="json"
    )
    assert r.status_code == 200
    r = move(
        reviewer, case["id"], "request_correction", reason="اجاره‌نامهٔ امضاشده را بارگذاری کنید.", documents=[deed.pk]
    )
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "correction_requested"
    assert body["due_at_jalali"]
    # resubmitting before replacing the rejected document is refused
    assert me.post(f"/api/v1/applications/{case['id']}/submit").json()["code"] == "documents_rejected"
    from .helpers import upload_file

    r = me.post(
        f"/api/v1/applications/{case['id']}/documents",
        {"type": "premises_deed", "file": upload_file("premises_deed")},
        format="multipart",
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    assert me.post(f"/api/v1/applications/{case['id']}/submit").json()["status"] == "submitted"
    versions = Document.objects.filter(application_id=case["id"], doc_type="premises_deed").order_by("version")
    assert [(d.version, d.is_current, d.review_state) for d in versions] == [
        (1, False, "rejected"),
        (2, True, "pending"),
    ]
    assert Application.objects.get(pk=case["id"]).tracking_code == case["tracking_code"]  # same code


def test_an_accepted_document_cannot_be_replaced_and_uploads_close_after_submit(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = submitted_case(me)
    from .helpers import upload_file

    r = me.post(
        f"/api/v1/applications/{case['id']}/documents",
        {"type": "degree", "file": upload_file("degree")},
        format="multipart",
    )
    assert r.status_code == 409
    assert "ثبت‌شده" in r.json()["detail"]
