"""The staff queue over the API: each role sees the cases at its own step by default, "overdue"
means the municipality's own deadline, and a role counts only in the municipality it was given
in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.services import role_grant
from daftar.applications.models import Application

from .helpers import client_for, staff, submitted_case, through_review

pytestmark = pytest.mark.django_db


def test_each_role_sees_its_own_queue_by_default(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    assert [r["id"] for r in staff("09120000002").get("/api/v1/applications").json()["results"]] == [case]
    examiner = staff("09120000003")
    assert examiner.get("/api/v1/applications").json()["results"] == []
    assert [r["id"] for r in examiner.get("/api/v1/applications?status=all").json()["results"]] == [case]
    through_review(case)
    assert [r["id"] for r in examiner.get("/api/v1/applications").json()["results"]] == [case]
    assert staff("09120000007").get("/api/v1/applications").json()["count"] == 1  # the administrator sees all


def test_overdue_means_the_municipalitys_deadline_everywhere(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    Application.objects.filter(pk=case).update(
        status="correction_requested", due_at=timezone.now() - dt.timedelta(days=1)
    )
    reviewer = staff("09120000002")
    rows = reviewer.get("/api/v1/applications").json()["results"]
    assert rows[0]["is_overdue"] is False  # the applicant's deadline: it expires, it is not "overdue"
    assert reviewer.get("/api/v1/applications?overdue=1").json()["count"] == 0
    assert reviewer.get("/api/v1/applications?overdue=0").json()["count"] == 1


def test_roles_apply_in_their_own_municipality_only(tehran_rules):
    from daftar.municipalities.tests.factories import MunicipalityFactory

    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)  # «exam» in Tehran
    both = User.objects.get(mobile="09120000002")  # reviewer in Tehran …
    role_grant(user=both, role="examiner", municipality=MunicipalityFactory(), actor=None)  # … examiner elsewhere
    assert client_for(both).get("/api/v1/applications").json()["results"] == []
    assert client_for(both).get("/api/v1/applications?status=all").json()["count"] == 1


def test_the_queue_finds_a_case_by_national_code_in_persian_digits(tehran_rules):
    from django.test import Client  # the page, not the API, is what this test reads

    from daftar.kernel.normalize import persian_digits  # only this test writes Persian digits

    applicant = User.objects.get(mobile="09120000001")
    case = submitted_case(client_for(applicant))
    other = submitted_case(client_for(User.objects.get(mobile="09120000010")))
    page = Client()
    page.force_login(User.objects.get(mobile="09120000002"))
    for text in (persian_digits(applicant.national_code), "۰۹۱۲ ۰۰۰ ۰۰۰۱", case["tracking_code"], "محمدی"):
        body = page.get("/staff/queue/", {"q": text}).content.decode()
        assert f'data-case="{case["id"]}"' in body, text
        assert f'data-case="{other["id"]}"' not in body, text
    body = page.get("/staff/queue/", {"q": "۱۲۳۴۵۶۷۸۹۰"}).content.decode()
    assert "پرونده‌ای با جست‌وجوی" in body
    api = staff("09120000002").get("/api/v1/applications", {"q": persian_digits(applicant.national_code)}).json()
    assert [r["id"] for r in api["results"]] == [case["id"]]
    # a search looks beyond the role's own statuses unless a status is chosen
    Application.objects.filter(pk=case["id"]).update(status="exam")
    body = page.get("/staff/queue/", {"q": case["tracking_code"]}).content.decode()
    assert f'data-case="{case["id"]}"' in body
    body = page.get("/staff/queue/", {"q": case["tracking_code"], "status": "submitted"}).content.decode()
    assert f'data-case="{case["id"]}"' not in body
