"""Asking again an inquiry that got no answer: the case's staff may, through the API and on the
case page; the applicant may not; an answered inquiry is not asked again."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User
from daftar.inquiries.models import Inquiry

from .helpers import client_for, staff, submitted_case

pytestmark = pytest.mark.django_db


def test_staff_can_ask_again_an_unanswered_inquiry(tehran_rules, django_capture_on_commit_callbacks):
    me = client_for(User.objects.get(mobile="09120000001"))
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_case(me)["id"]
    Inquiry.objects.filter(application_id=case, kind="health").update(status="error", attempts=5)
    assert me.post(f"/api/v1/applications/{case}/inquiries/health/retry").status_code == 403
    reviewer = staff("09120000002")
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(f"/api/v1/applications/{case}/inquiries/health/retry")
    assert response.status_code == 200
    assert Inquiry.objects.get(application_id=case, kind="health").status == "passed"
    again = reviewer.post(f"/api/v1/applications/{case}/inquiries/health/retry")
    assert again.status_code == 409  # only an unanswered inquiry is asked again
    assert reviewer.post(f"/api/v1/applications/{case}/inquiries/astrology/retry").status_code == 404


def test_the_case_page_offers_staff_a_retry_for_an_unanswered_inquiry(tehran_rules, django_capture_on_commit_callbacks):
    from django.test import Client

    me = client_for(User.objects.get(mobile="09120000001"))
    with django_capture_on_commit_callbacks(execute=True):
        case = submitted_case(me)["id"]
    Inquiry.objects.filter(application_id=case, kind="degree").update(status="error", reason="سامانه پاسخ نداد")
    page = Client()
    page.force_login(User.objects.get(mobile="09120000002"))
    html = page.get(f"/applications/{case}/").content.decode()
    assert f"/applications/{case}/inquiries/degree/retry/" in html
    applicant_page = Client()
    applicant_page.force_login(User.objects.get(mobile="09120000001"))
    assert "/inquiries/degree/retry/" not in applicant_page.get(f"/applications/{case}/").content.decode()
    assert applicant_page.post(f"/applications/{case}/inquiries/degree/retry/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(f"/applications/{case}/inquiries/degree/retry/")
    assert response.status_code == 302
    assert Inquiry.objects.get(application_id=case, kind="degree").status == "passed"
