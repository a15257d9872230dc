"""What an applicant may change in their case, and when: a PATCH changes only the facts sent, and
the district is fixed once the case is submitted."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User
from daftar.applications import messages as msg
from daftar.documents.models import Document

from .helpers import client_for, draft, move, open_call, staff, submitted_case

pytestmark = pytest.mark.django_db


def test_patch_changes_only_the_facts_sent_and_null_removes_one(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)["id"]
    body = me.patch(
        f"/api/v1/applications/{case}", {"facts": {"experience_years": 9, "training_completed": None}}, format="json"
    ).json()
    assert body["facts"]["experience_years"] == 9
    assert body["facts"]["degree_level"] == "master"  # untouched
    assert "training_completed" not in body["facts"]
    assert me.patch(f"/api/v1/applications/{case}", {"district": True}, format="json").status_code == 400


def test_the_district_is_fixed_after_submission(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = submitted_case(me)["id"]
    reviewer = staff("09120000002")
    move(reviewer, case, "start_review")
    deed = Document.objects.get(application_id=case, doc_type="premises_deed")
    reviewer.post(f"/api/v1/documents/{deed.pk}/review", {"decision": "reject", "reason": "ناخوانا است"}, format="json")
    move(reviewer, case, "request_correction", reason="سند خوانا را بارگذاری کنید.")
    other = open_call().districts.last().district_id
    response = me.patch(f"/api/v1/applications/{case}", {"district": other}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == msg.DISTRICT_FIXED
