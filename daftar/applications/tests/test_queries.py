"""List pages use a constant number of queries however many rows (issue 4 §6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.models import Application
from daftar.applications.services import tracking_code_new
from daftar.calls.models import Call

from .helpers import client_for, draft, open_call

pytestmark = pytest.mark.django_db


def make_cases(n: int) -> None:
    call = Call.objects.get()
    districts = list(call.districts.values_list("district_id", flat=True))
    users = [UserFactory() for _ in range(n)]
    Application.objects.bulk_create(
        Application(
            call=call,
            applicant=u,
            municipality_id=call.municipality_id,
            district_id=districts[i % len(districts)],
            status="submitted",
            tracking_code=tracking_code_new(),
        )
        for i, u in enumerate(users)
    )


def queries_for(path: str, user: User) -> int:
    from .helpers import client_for

    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications",
        "/api/v1/applications?status=submitted&sort=deadline",
        "/api/v1/applications?page_size=100",
    ],
)
def test_queue_queries_do_not_grow_with_rows(tehran_rules, path):
    reviewer = User.objects.get(mobile="09120000002")
    make_cases(3)
    queries_for(path, reviewer)  # warm-up
    few = queries_for(path, reviewer)
    make_cases(60)
    many = queries_for(path, reviewer)
    assert few == many, (few, many)


def test_export_queries_do_not_grow_with_rows(tehran_rules):
    reviewer = User.objects.get(mobile="09120000002")
    make_cases(3)
    from .helpers import client_for

    client = client_for(reviewer)

    def run() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/applications/export?as=csv")
            body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert body.splitlines()[0].startswith("شناسه,کد رهگیری")
        return len(captured)

    run()  # warm-up: one-time look-ups (e.g. the licence type's cached rules)
    few = run()
    make_cases(60)
    assert run() == few


def test_the_queue_stops_counting_at_the_cap_and_says_so(tehran_rules, monkeypatch):
    from daftar.applications import selectors

    from .helpers import client_for

    make_cases(8)
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    body = reviewer.get("/api/v1/applications").json()
    assert (body["count"], body["count_is_lower_bound"]) == (8, False)
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    body = reviewer.get("/api/v1/applications?page_size=2").json()
    assert (body["count"], body["count_is_lower_bound"]) == (5, True)
    assert len(body["results"]) == 2 and body["next"]


def test_the_applicants_list_has_a_constant_query_count(tehran_rules):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = client_for(User.objects.get(mobile="09120000001"))
    draft(me)
    me.get("/api/v1/applications")
    with CaptureQueriesContext(connection) as one:
        me.get("/api/v1/applications")
    from daftar.calls.services import call_create

    for i in range(3):  # three more calls, one case in each
        call = call_create(
            municipality=open_call().municipality,
            licence_type=open_call().licence_type,
            title=f"فراخوان آزمایشی {i}",
            opens_at=timezone.now() - dt.timedelta(days=1),
            closes_at=timezone.now() + dt.timedelta(days=1),
            quotas={open_call().districts.first().district_id: 1},
            actor=None,
        )
        draft(me, call=call)
    with CaptureQueriesContext(connection) as four:
        assert me.get("/api/v1/applications").json()["count"] == 4
    assert len(one) == len(four)


def test_the_applicants_list_page_has_a_constant_query_count(tehran_rules):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from daftar.calls.services import call_create

    me = User.objects.get(mobile="09120000001")
    draft(client_for(me))
    page = Client()
    page.force_login(me)
    page.get("/applications/")
    with CaptureQueriesContext(connection) as one:
        page.get("/applications/")
    for i in range(3):
        call = call_create(
            municipality=open_call().municipality,
            licence_type=open_call().licence_type,
            title=f"فراخوان آزمایشی {i}",
            opens_at=timezone.now() - dt.timedelta(days=1),
            closes_at=timezone.now() + dt.timedelta(days=1),
            quotas={open_call().districts.first().district_id: 1},
            actor=None,
        )
        draft(client_for(me), call=call)
    with CaptureQueriesContext(connection) as four:
        page.get("/applications/")
    assert len(one) == len(four)
