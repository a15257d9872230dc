"""Quota ranking (P4): more applicants pass review than a district's quota → ranked by the
scoring table, ties broken by first submission time; approval beyond the quota is refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications import messages as msg
from daftar.applications.models import Application
from daftar.applications.services import district_ranking

from .helpers import (
    GOOD_FACTS,
    INSPECTION,
    applicant,
    client_for,
    move,
    open_call,
    staff,
    submitted_case,
    through_review,
    to_final_review,
)

pytestmark = pytest.mark.django_db


def test_ranking_by_score_then_submission_time_and_quota_enforced(tehran_rules, django_capture_on_commit_callbacks):
    call = open_call()
    district = call.districts.first().district_id  # quota 1 in the demo call
    start = timezone.now()
    cases = {}
    facts = {
        "low": {**GOOD_FACTS, "degree_level": "bachelor", "experience_years": 3},
        "high": {**GOOD_FACTS, "degree_level": "doctorate", "experience_years": 10},
        "tie": {**GOOD_FACTS, "degree_level": "doctorate", "experience_years": 10},
    }
    for i, name in enumerate(["low", "high", "tie"]):
        with (
            time_machine.travel(start + dt.timedelta(minutes=i), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            cases[name] = submitted_case(client_for(applicant(i)), district=district, facts=facts[name])["id"]
    for name in cases:
        through_review(cases[name])
    ranking = district_ranking(call, district)
    assert [r.application_id for r in ranking] == [cases["high"], cases["tie"], cases["low"]]
    assert [r.within_quota for r in ranking] == [True, False, False]
    assert ranking[0].score == ranking[1].score  # the tie is broken by submission time

    for name in cases:
        to_final_review(cases[name], exam=70)
    authority = client_for(User.objects.get(mobile="09120000005"))
    refused = move(authority, cases["tie"], "approve")
    assert refused.status_code == 409
    assert refused.json()["code"] == "outside_quota"
    assert refused.json()["detail"] == msg.OUTSIDE_QUOTA.format(rank="۲", quota="۱")
    assert move(authority, cases["high"], "approve").json()["status"] == "approved"

    staff = client_for(User.objects.get(mobile="09120000002"))
    body = staff.get(f"/api/v1/calls/{call.pk}/ranking?district={district}").json()
    assert body["quota"] == 1 and [r["rank"] for r in body["ranking"]] == [1, 2, 3]

    # the leader withdraws: the next one moves within the quota
    client_for(Application.objects.get(pk=cases["high"]).applicant).post(
        f"/api/v1/applications/{cases['high']}/withdraw"
    )
    assert move(authority, cases["tie"], "approve").json()["status"] == "approved"


def test_failed_exam_rejects_citing_s10_4(tehran_rules):
    case_id = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case_id)
    examiner = client_for(User.objects.get(mobile="09120000003"))
    assert move(examiner, case_id, "record_exam", score=140).status_code == 400
    assert move(examiner, case_id, "record_exam", score="خوب").status_code == 400
    body = move(examiner, case_id, "record_exam", score=59.5).json()
    assert body["status"] == "rejected"
    assert body["failed_conditions"] == ["S10.4"]
    assert "۵۹٫۵" in body["decision_reason"] and "۶۰" in body["decision_reason"]


def test_inspection_that_measures_too_small_an_area_rejects_citing_s11_2(tehran_rules):
    case_id = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case_id)
    examiner = client_for(User.objects.get(mobile="09120000003"))
    move(examiner, case_id, "record_exam", score=90)
    move(examiner, case_id, "record_interview", scores=[90])
    inspector = client_for(User.objects.get(mobile="09120000004"))
    assert move(inspector, case_id, "record_inspection", **{**INSPECTION, "premises_use": "castle"}).status_code == 400
    body = move(inspector, case_id, "record_inspection", **{**INSPECTION, "measured_area_m2": 48}).json()
    assert body["status"] == "rejected"
    assert body["failed_conditions"] == ["S11.2"]
    # the applicant reads the reason in words, not the condition's id
    assert "۴۸" in body["decision_reason"] and "S11.2" not in body["decision_reason"]


def test_the_ranking_page_is_for_the_municipalitys_staff(tehran_rules, django_capture_on_commit_callbacks):
    from django.test import Client

    from daftar.accounts.tests.factories import RoleAssignmentFactory
    from daftar.municipalities.tests.factories import MunicipalityFactory

    call = open_call()
    district = call.districts.first().district_id
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_case(client_for(applicant(7)), district=district)["id"]
    through_review(case)
    staff = Client()
    staff.force_login(User.objects.get(mobile="09120000005"))
    html = staff.get(f"/calls/{call.pk}/ranking/?district={district}").content.decode()
    assert str(Application.objects.get(pk=case).tracking_code) in html and "درون سهمیه" in html
    assert "رتبه‌بندی متقاضیان" in staff.get(f"/calls/{call.pk}/").content.decode()
    for who in (User.objects.get(mobile="09120000001"), RoleAssignmentFactory(municipality=MunicipalityFactory()).user):
        other = Client()
        other.force_login(who)
        assert other.get(f"/calls/{call.pk}/ranking/?district={district}").status_code == 404
    assert staff.get(f"/calls/{call.pk}/ranking/?district=²").status_code == 200  # falls back to the first district


def test_the_ranking_page_sends_anonymous_visitors_to_the_login(tehran_rules):
    """Issue 8 (the pages' access matrix): like every staff page, not a 404 for anonymous."""
    from django.test import Client

    call = open_call()
    response = Client().get(f"/calls/{call.pk}/ranking/")
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/calls/{call.pk}/ranking/"


def test_an_approved_case_keeps_its_place_and_the_quota_is_never_exceeded(
    tehran_rules, django_capture_on_commit_callbacks
):
    call = open_call()
    district = call.districts.first().district_id  # quota 1
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted_case(
            client_for(applicant(1)), district=district, facts={**GOOD_FACTS, "degree_level": "bachelor"}
        )["id"]
        second = submitted_case(
            client_for(applicant(2)), district=district, facts={**GOOD_FACTS, "degree_level": "bachelor"}
        )["id"]
    through_review(first)
    through_review(second)
    to_final_review(first, exam=61)
    authority = staff("09120000005")
    assert move(authority, first, "approve").json()["status"] == "approved"
    to_final_review(second, exam=100)  # a later, higher score does not take the place
    refused = move(authority, second, "approve")
    assert refused.status_code == 409 and refused.json()["code"] == "outside_quota"
    ranking = district_ranking(call, district)
    assert [(r.application_id, r.within_quota) for r in ranking] == [(first, True), (second, False)]
