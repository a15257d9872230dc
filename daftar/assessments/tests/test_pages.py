"""The examiner's HTML pages of exam sessions: access, creating a session, seating, scoring,
a bad import row shown in Persian with nothing recorded, and the decision moving the cases."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.tests.helpers import open_call
from daftar.assessments.models import ExamSeat, ExamSession
from daftar.municipalities.tests.factories import MunicipalityFactory

from .helpers import EXAMINER, REVIEWER, exam_cases, statuses

pytestmark = pytest.mark.django_db


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**extra: object) -> dict[str, object]:
    return {
        "call": open_call().pk,
        "title": "آزمون کتبی نوبت اول",
        "starts_at": "۱۴۰۵/۰۱/۱۵ ۰۸:۳۰",
        "place": "تالار شهرداری منطقهٔ ۱",
        "seats": "۱۰",
        **extra,
    }


def new_session(client: Client) -> ExamSession:
    r = client.post(reverse("assessments:sessions"), form_data())
    assert r.status_code == 302, r.content.decode()
    return ExamSession.objects.latest("pk")


def test_pages_render_for_the_examiner_and_404_for_others(tehran_rules):
    examiner = browser(User.objects.get(mobile=EXAMINER))
    page = examiner.get(reverse("assessments:sessions"))
    assert page.status_code == 200 and "ساخت جلسهٔ آزمون" in page.content.decode() and "نمونه" in page.content.decode()
    assert "جلسه‌های آزمون" in examiner.get("/").content.decode()  # the nav link
    session = new_session(examiner)
    url = reverse("assessments:session", args=[session.pk])
    body = examiner.get(url).content.decode()
    assert "۱۴۰۵/۰۱/۱۵" in body and "ثبت نتیجه" in body
    foreign = browser(RoleAssignmentFactory(municipality=MunicipalityFactory(), role="examiner").user)
    reviewer = browser(User.objects.get(mobile=REVIEWER))
    for other in (foreign, reviewer):
        assert other.get(url).status_code == 404
        assert other.post(reverse("assessments:decide", args=[session.pk])).status_code == 404
    assert reviewer.get(reverse("assessments:sessions")).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_create_session_and_bad_input(tehran_rules):
    examiner = browser(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner)
    assert session.seats == 10 and session.weights == {"general": 0.4, "specialised": 0.6}
    assert session.fixed_pass_mark == 60 and session.title == "آزمون کتبی نوبت اول"
    bad = examiner.post(reverse("assessments:sessions"), form_data(starts_at="دیروز"))
    assert bad.status_code == 400
    assert ExamSession.objects.count() == 1
    # the pass figures are the municipality's: a form that sends them is refused, nothing made
    weights = examiner.post(reverse("assessments:sessions"), form_data(weight_general="0.9"))
    assert weights.status_code == 400 and "weight_general" in weights.content.decode()
    assert ExamSession.objects.count() == 1


def test_assign_score_import_and_decide(tehran_rules, django_capture_on_commit_callbacks):
    cases = exam_cases(2, django_capture_on_commit_callbacks)
    examiner = browser(User.objects.get(mobile=EXAMINER))
    session = new_session(examiner)
    page = examiner.get(reverse("assessments:session", args=[session.pk])).content.decode()
    assert str(cases[0].tracking_code) in page  # offered in the select
    for case in cases:
        r = examiner.post(reverse("assessments:assign", args=[session.pk]), {"application": case.pk})
        assert r.status_code == 302
    assert ExamSeat.objects.filter(session=session).count() == 2
    again = examiner.post(reverse("assessments:assign", args=[session.pk]), {"application": cases[0].pk})
    assert again.status_code == 400  # no longer offered

    seats = list(ExamSeat.objects.filter(session=session).order_by("pk"))
    score_url = reverse("assessments:score", args=[session.pk, seats[0].pk])
    bad = examiner.post(score_url, {"general": "۱۲۰", "specialised": "50"})
    assert bad.status_code == 400 and "بین ۰ و ۱۰۰" in bad.content.decode()
    assert examiner.post(score_url, {"general": "۹۰", "specialised": "۸۰"}).status_code == 302
    seats[0].refresh_from_db()
    assert seats[0].total == 84

    text = f"tracking_code,general,specialised\n{cases[0].tracking_code},70,70\n{cases[1].tracking_code},abc,70\n"
    upload = SimpleUploadedFile("scores.csv", text.encode(), content_type="text/csv")
    r = examiner.post(reverse("assessments:import", args=[session.pk]), {"file": upload})
    assert r.status_code == 400
    assert "ردیف ۳" in r.content.decode() and "هیچ نمره‌ای ثبت نشد" in r.content.decode()
    seats[0].refresh_from_db()
    assert seats[0].total == 84 and not ExamSeat.objects.get(pk=seats[1].pk).recorded_at

    early = examiner.post(reverse("assessments:decide", args=[session.pk]))
    assert early.status_code == 409 and statuses(cases) == ["exam", "exam"]

    good = f"tracking_code,general,specialised\n{cases[1].tracking_code},40,40\n"
    upload = SimpleUploadedFile("scores.csv", good.encode(), content_type="text/csv")
    assert examiner.post(reverse("assessments:import", args=[session.pk]), {"file": upload}).status_code == 302

    r = examiner.post(reverse("assessments:decide", args=[session.pk]), follow=True)
    assert r.status_code == 200
    assert statuses(cases) == ["interview", "rejected"]
    body = r.content.decode()
    assert "نمرهٔ قبولی" in body and "۶۰" in body and str(cases[0].tracking_code) in body
