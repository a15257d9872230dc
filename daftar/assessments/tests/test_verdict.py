"""Assessments hand their verdict to the case as a typed command (``AssessmentVerdict``), an
argument of ``application_move`` of its own: nothing in a request's body can set it."""

from __future__ import annotations

import dataclasses

import pytest

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.services import AssessmentVerdict, application_move
from daftar.applications.tests.helpers import client_for, move
from daftar.assessments.tests.factories import AssessmentPolicyFactory

from .helpers import EXAMINER, exam_cases

pytestmark = pytest.mark.django_db


def test_a_request_cannot_pass_its_own_verdict(tehran_rules, django_capture_on_commit_callbacks):
    (case,) = exam_cases(1, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    forged = {"_pass_mark": 0, "_rule": "relative", "_passed": True, "verdict": {"passed": True, "pass_mark": 0}}
    r = move(examiner, case.pk, "record_exam", score=10, **forged)
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.status == "rejected"
    assert case.assessment["exam"] == {"score": 10.0, "pass_mark": 60.0, "rule": "fixed", "passed": False}


def test_a_verdict_is_frozen_and_moves_only_its_own_kind(tehran_rules, django_capture_on_commit_callbacks):
    (case,) = exam_cases(1, django_capture_on_commit_callbacks)
    verdict = AssessmentVerdict("interview", 80, 60, "mean", True, (80,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.passed = False  # type: ignore[misc]
    with pytest.raises(ValueError):
        application_move(application_id=case.pk, action="record_exam", actor=None, verdict=verdict)
    assert Application.objects.get(pk=case.pk).status == "exam"


def test_a_single_case_moved_outside_a_session_is_judged_by_the_municipalitys_marks(
    tehran_rules, django_capture_on_commit_callbacks
):
    from daftar.applications.tests.helpers import open_call

    policy = AssessmentPolicyFactory(
        municipality=open_call().municipality, fixed_pass_mark=70, interview_rule="all_pass", interview_pass_mark=65
    )
    first, second, third = exam_cases(3, django_capture_on_commit_callbacks)
    examiner = client_for(User.objects.get(mobile=EXAMINER))
    assert move(examiner, first.pk, "record_exam", score=68).status_code == 200  # ≥ 60, < the city's 70
    first.refresh_from_db()
    assert first.status == "rejected" and first.assessment["exam"]["pass_mark"] == 70
    assert move(examiner, second.pk, "record_exam", score=75).status_code == 200
    r = move(examiner, second.pk, "record_interview", scores=[90, 60])  # mean 75, but 60 < 65
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    second.refresh_from_db()
    assert second.assessment["interview"]["rule"] == "all_pass"

    policy.exam_pass_rule = "relative"
    policy.save()
    r = move(examiner, third.pk, "record_exam", score=99)
    assert r.status_code == 409 and r.json()["code"] == "exam_needs_session"
    assert Application.objects.get(pk=third.pk).status == "exam"
