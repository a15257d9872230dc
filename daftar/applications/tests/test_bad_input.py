"""Bad input to the case's API and pages: odd filters, ids and scores, an inspection without its
measurements and a body too large are each a clean 4xx, never a 500, and change nothing."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User
from daftar.applications.models import Application

from .helpers import INSPECTION, client_for, draft, move, open_call, staff, submitted_case, through_review

pytestmark = pytest.mark.django_db


def test_an_inspection_without_measurements_is_refused(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)
    examiner = staff("09120000003")
    move(examiner, case, "record_exam", score=90)
    move(examiner, case, "record_interview", scores=[90])
    inspector = staff("09120000004")
    empty = move(inspector, case, "record_inspection")
    assert empty.status_code == 400 and set(empty.json()["fields"]) == {
        "premises_use",
        "measured_area_m2",
        "equipment",
        "location",
    }
    partial = move(inspector, case, "record_inspection", **{**INSPECTION, "location": None})
    assert partial.status_code == 400 and set(partial.json()["fields"]) == {"location"}
    assert Application.objects.get(pk=case).status == "site_inspection"


@pytest.mark.parametrize("district", ["²", "10" + "0" * 30, "-3", "1.5", "abc"])
def test_odd_district_filters_are_empty_not_500(tehran_rules, district):
    reviewer = staff("09120000002")
    assert reviewer.get(f"/api/v1/applications?district={district}").json()["results"] == []
    assert reviewer.get(f"/api/v1/calls/{open_call().pk}/ranking?district={district}").status_code == 404


@pytest.mark.parametrize("ids", [[10**30], [True], [1.5], ["²"], [-1]])
def test_odd_ids_are_400_not_500(tehran_rules, ids):
    response = staff("09120000002").post("/api/v1/applications/acknowledge", {"ids": ids}, format="json")
    assert response.status_code == 400


def test_huge_scores_are_400(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)
    examiner = staff("09120000003")
    assert move(examiner, case, "record_exam", score=10**400).status_code == 400
    assert move(examiner, case, "record_exam", score=[1]).status_code == 400


def test_a_large_body_to_any_other_page_is_refused_before_it_is_parsed(tehran_rules):
    from django.test import Client

    from daftar.kernel import messages as core_msg

    case = draft(client_for(User.objects.get(mobile="09120000001")))["id"]
    page = Client()
    page.force_login(User.objects.get(mobile="09120000001"))
    response = page.generic(
        "POST",
        f"/applications/{case}/submit/",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert core_msg.BODY_TOO_LARGE in response.content.decode()
    assert Application.objects.get(pk=case).status == "draft"
