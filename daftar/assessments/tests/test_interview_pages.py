"""The examiner's HTML page of an interview panel: scores by two examiners, the decision moving
the case, the link on the case page, access, and a bad score shown in Persian."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.models import Application
from daftar.applications.tests.helpers import client_for
from daftar.assessments.models import InterviewPanel, InterviewScore
from daftar.municipalities.tests.factories import MunicipalityFactory

from .helpers import EXAMINER, REVIEWER, exam_cases, new_session, rows, seat_all

pytestmark = pytest.mark.django_db


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def interview_case(capture) -> Application:
    (case,) = exam_cases(1, capture)
    api = client_for(User.objects.get(mobile=EXAMINER))
    session = new_session(api)
    seat_all(api, session, [case])
    api.post(f"/api/v1/exam-sessions/{session['id']}/scores", {"scores": rows([case])}, format="json")
    api.post(f"/api/v1/exam-sessions/{session['id']}/decide")
    case.refresh_from_db()
    assert case.status == "interview"
    return case


@pytest.mark.parametrize(
    ("rule", "scores", "status"),
    [("mean", ("۸۰", "50"), "site_inspection"), ("mean", ("70", "۴۰"), "rejected")],
)
def test_two_examiners_score_and_decide(tehran_rules, django_capture_on_commit_callbacks, rule, scores, status):
    case = interview_case(django_capture_on_commit_callbacks)
    first = browser(User.objects.get(mobile=EXAMINER))
    second = browser(RoleAssignmentFactory(municipality=case.municipality, role="examiner").user)
    url = reverse("assessments:interview", args=[case.pk])

    page = first.get(url).content.decode()
    assert "مصاحبه" in page and "ثبت نتیجهٔ مصاحبه" in page and "<details" in page
    assert "پیش‌فرض نمونهٔ سامانه" in page and 'name="pass_mark"' not in page and 'name="rule"' not in page
    detail = first.get(reverse("applications:detail", args=[case.pk])).content.decode()
    assert "هیئت مصاحبه" in detail and url in detail

    r = first.post(url, {"score": "30"})
    assert r.status_code == 302
    r = first.post(url, {"score": scores[0]})  # a correction of one's own score
    assert r.status_code == 302
    r = second.post(url, {"score": scores[1]})
    assert r.status_code == 302
    panel = InterviewPanel.objects.get(application=case)
    assert panel.rule == rule and panel.pass_mark == 60
    expected = sorted(float(x.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) for x in scores)
    assert sorted(s.score for s in panel.scores.all()) == expected
    page = second.get(url).content.decode()
    assert "۸۰" in page or "۷۰" in page

    r = first.post(reverse("assessments:interview_decide", args=[case.pk]), follow=True)
    assert r.redirect_chain[-1][0] == reverse("applications:detail", args=[case.pk])
    assert "نتیجهٔ مصاحبهٔ پروندهٔ" in r.content.decode()
    assert Application.objects.get(pk=case.pk).status == status


def test_foreign_examiner_and_reviewer_get_404(tehran_rules, django_capture_on_commit_callbacks):
    case = interview_case(django_capture_on_commit_callbacks)
    foreign = browser(RoleAssignmentFactory(municipality=MunicipalityFactory(), role="examiner").user)
    reviewer = browser(User.objects.get(mobile=REVIEWER))
    url = reverse("assessments:interview", args=[case.pk])
    for other in (foreign, reviewer):
        assert other.get(url).status_code == 404
        assert other.post(url, {"score": "70"}).status_code == 404
        assert other.post(reverse("assessments:interview_decide", args=[case.pk])).status_code == 404
    assert not InterviewScore.objects.exists()
    assert Application.objects.get(pk=case.pk).status == "interview"
    assert "هیئت مصاحبه" not in reviewer.get(reverse("applications:detail", args=[case.pk])).content.decode()


def test_bad_score_and_early_decision_show_persian_errors(tehran_rules, django_capture_on_commit_callbacks):
    case = interview_case(django_capture_on_commit_callbacks)
    examiner = browser(User.objects.get(mobile=EXAMINER))
    url = reverse("assessments:interview", args=[case.pk])
    r = examiner.post(url, {"score": "150"})
    assert r.status_code == 400 and "نمرهٔ مصاحبه باید عددی بین ۰ و ۱۰۰ باشد" in r.content.decode()
    r = examiner.post(url, {"score": "هفتاد"})
    assert r.status_code == 400
    r = examiner.post(url, {"score": "70", "pass_mark": "0"})  # the panel's mark is the municipality's
    assert r.status_code == 400 and "قاعدهٔ قبولی شهرداری" in r.content.decode()
    assert not InterviewScore.objects.exists()
    r = examiner.post(reverse("assessments:interview_decide", args=[case.pk]))
    assert r.status_code == 409 and "هنوز هیچ نمرهٔ مصاحبه‌ای ثبت نشده است" in r.content.decode()
    assert Application.objects.get(pk=case.pk).status == "interview"
