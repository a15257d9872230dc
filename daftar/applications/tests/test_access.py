"""The IDOR matrix on every application and document endpoint: applicant A vs B, staff of the
same and of another municipality, anonymous. "Not yours" is the same 404 as "not found"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.accounts.services import role_grant
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications import messages as msg
from daftar.applications.models import Application
from daftar.documents.models import Document
from daftar.municipalities.tests.factories import MunicipalityFactory

from .helpers import client_for, move, staff, submitted_case, upload_file

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found"}


@pytest.fixture
def world(tehran_rules):
    owner = User.objects.get(mobile="09120000001")
    case = submitted_case(client_for(owner))
    document = Document.objects.filter(application_id=case["id"]).first()
    other_city = MunicipalityFactory()
    foreign_reviewer = RoleAssignmentFactory(municipality=other_city, role="reviewer").user
    return {
        "case": case["id"],
        "document": document.pk,
        "call": Application.objects.get(pk=case["id"]).call_id,
        "district": Application.objects.get(pk=case["id"]).district_id,
        "owner": owner,
        "other_applicant": UserFactory(),
        "reviewer": User.objects.get(mobile="09120000002"),
        "foreign_reviewer": foreign_reviewer,
        "office_clerk": User.objects.get(mobile="09120000009"),  # a role in Tehran, but not a case role
    }


def endpoints(w):
    c, d = w["case"], w["document"]
    return [
        ("get", f"/api/v1/applications/{c}", None),
        ("patch", f"/api/v1/applications/{c}", {"facts": {"experience_years": 9}}),
        ("post", f"/api/v1/applications/{c}/documents", "upload"),
        ("post", f"/api/v1/applications/{c}/submit", None),
        ("post", f"/api/v1/applications/{c}/withdraw", None),
        ("get", f"/api/v1/applications/{c}/transitions", None),
        ("post", f"/api/v1/applications/{c}/transitions", {"action": "start_review"}),
        ("post", f"/api/v1/documents/{d}/review", {"decision": "accept"}),
        ("get", f"/api/v1/documents/{d}/download", None),
        ("get", f"/api/v1/calls/{w['call']}/ranking?district={w['district']}", None),
    ]


def call(client: APIClient, method: str, path: str, body):
    if body == "upload":
        return client.post(path, {"type": "degree", "file": upload_file("degree")}, format="multipart")
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


@pytest.mark.parametrize("who", ["other_applicant", "foreign_reviewer", "office_clerk"])
def test_not_yours_is_404_everywhere_and_changes_nothing(world, who):
    client = client_for(world[who])
    before = Application.objects.get(pk=world["case"])
    documents = Document.objects.count()
    for method, path, body in endpoints(world):
        response = call(client, method, path, body)
        assert response.status_code == 404, (who, method, path, response.status_code)
        assert response.json()["code"] == "not_found"
    after = Application.objects.get(pk=world["case"])
    assert (after.status, after.facts, after.updated_at) == (before.status, before.facts, before.updated_at)
    assert Document.objects.count() == documents


def test_anonymous_gets_401_everywhere(world):
    for method, path, body in endpoints(world):
        response = call(APIClient(), method, path, body)
        assert response.status_code == 401, (method, path)


def test_not_found_and_not_yours_look_the_same(world):
    stranger = client_for(world["other_applicant"])
    mine = stranger.get(f"/api/v1/applications/{world['case']}")
    missing = stranger.get("/api/v1/applications/999999")
    assert (mine.status_code, mine.json()) == (missing.status_code, missing.json())


def test_the_owner_reads_but_cannot_act_as_staff(world):
    owner = client_for(world["owner"])
    assert owner.get(f"/api/v1/applications/{world['case']}").status_code == 200
    assert owner.get(f"/api/v1/documents/{world['document']}/download").status_code == 200
    assert (
        owner.post(
            f"/api/v1/applications/{world['case']}/transitions", {"action": "start_review"}, format="json"
        ).status_code
        == 403
    )
    assert (
        owner.post(f"/api/v1/documents/{world['document']}/review", {"decision": "accept"}, format="json").status_code
        == 403
    )
    assert owner.get(f"/api/v1/calls/{world['call']}/ranking?district={world['district']}").status_code == 404


def test_staff_of_the_municipality_read_but_cannot_act_as_the_applicant(world):
    reviewer = client_for(world["reviewer"])
    assert reviewer.get(f"/api/v1/applications/{world['case']}").status_code == 200
    assert reviewer.patch(f"/api/v1/applications/{world['case']}", {"facts": {}}, format="json").status_code == 403
    r = reviewer.post(f"/api/v1/applications/{world['case']}/withdraw")
    assert r.status_code == 403
    assert Application.objects.get(pk=world["case"]).status == "submitted"


def test_download_is_an_attachment_with_nosniff(world):
    response = client_for(world["owner"]).get(f"/api/v1/documents/{world['document']}/download")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:4] in (b"%PDF", b"\x89PNG")


def test_queue_shows_only_the_staff_members_municipality(world):
    own = client_for(world["reviewer"]).get("/api/v1/applications").json()
    assert [row["id"] for row in own["results"]] == [world["case"]]
    foreign = client_for(world["foreign_reviewer"]).get("/api/v1/applications").json()
    assert foreign["results"] == []
    # an applicant listing gets their own cases only
    assert client_for(world["other_applicant"]).get("/api/v1/applications").json()["results"] == []
    assert client_for(world["owner"]).get("/api/v1/applications").json()["count"] == 1


def test_bulk_acknowledge_ignores_cases_the_caller_cannot_see(world):
    foreign = client_for(world["foreign_reviewer"])
    assert foreign.post("/api/v1/applications/acknowledge", {"ids": [world["case"]]}, format="json").json() == {
        "acknowledged": 0
    }
    assert Application.objects.get(pk=world["case"]).acknowledged_at is None
    own = client_for(world["reviewer"])
    assert own.post("/api/v1/applications/acknowledge", {"ids": [world["case"]]}, format="json").json() == {
        "acknowledged": 1
    }
    assert own.post("/api/v1/applications/acknowledge", {"ids": "all"}, format="json").status_code == 400


def test_staff_never_handle_their_own_application(tehran_rules):
    reviewer = User.objects.get(mobile="09120000002")
    User.objects.filter(pk=reviewer.pk).update(birth_date=dt.date(1980, 1, 1), national_code="0023456787")
    me = client_for(User.objects.get(pk=reviewer.pk))
    case = submitted_case(me)["id"]
    response = move(me, case, "start_review")  # their own case is not in their queue: not found
    assert response.status_code == 404 and response.json()["detail"] == msg.NOT_FOUND
    assert me.get("/api/v1/applications").json()["results"] == []  # not in their own queue
    move(staff("09120000007"), case, "start_review")  # no one else has the role; an admin cannot either
    other = User.objects.create(mobile="09121112233", first_name="کاوه", last_name="مرادی")
    role_grant(user=other, role="reviewer", municipality=Application.objects.get(pk=case).municipality, actor=None)
    assert move(client_for(other), case, "start_review").status_code == 200
    document = Document.objects.filter(application_id=case).first()
    own = me.post(f"/api/v1/documents/{document.pk}/review", {"decision": "accept"}, format="json")
    assert own.status_code == 404 and own.json()["detail"] == msg.NOT_FOUND
    # the pages answer as for a case that does not exist: the not-found page, not the case page
    page = Client()
    page.force_login(User.objects.get(pk=reviewer.pk))
    missing = page.post("/applications/999999999/actions/request_correction/", {"reason": "کافی نیست ولی"})
    tracking = Application.objects.get(pk=case).tracking_code
    assert tracking  # submitted: it has one
    for url in (
        f"/applications/{case}/actions/request_correction/",
        f"/applications/{case}/documents/{document.pk}/review/",
    ):
        answer = page.post(url, {"reason": "مدرک خوانا نیست لطفا", "decision": "reject"})
        assert answer.status_code == 404
        assert [t.name for t in answer.templates] == [t.name for t in missing.templates]
        assert tracking not in answer.content.decode()
    assert Document.objects.get(pk=document.pk).review_state == "pending"
