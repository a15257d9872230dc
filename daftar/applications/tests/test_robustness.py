"""Crashes, retries and races: a transition that fails half-way changes nothing; creating
requests with an Idempotency-Key are safe to retry; an inquiry that times out then answers."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from daftar.accounts.models import User
from daftar.applications import messages as amsg
from daftar.applications import services
from daftar.applications.models import Application, CaseEvent, StageClock
from daftar.applications.services import moves
from daftar.audit.models import AuditEntry
from daftar.inquiries.models import Inquiry
from daftar.kernel import messages as core_msg
from daftar.notifications.models import OutboxMessage
from daftar.runtime.models import IdempotencyRecord

from .helpers import GOOD_FACTS, client_for, draft, move, open_call, submitted_case, upload_all

pytestmark = pytest.mark.django_db


def snapshot(case_id: int) -> tuple:
    case = Application.objects.get(pk=case_id)
    return (
        case.status,
        case.due_at,
        case.tracking_code,
        CaseEvent.objects.filter(application_id=case_id).count(),
        StageClock.objects.filter(application_id=case_id).count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
        Inquiry.objects.filter(application_id=case_id).count(),
    )


def test_a_crash_in_the_middle_of_a_transition_leaves_state_and_audit_unchanged(tehran_rules, monkeypatch):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)
    upload_all(me, case["id"])
    before = snapshot(case["id"])

    def crash(**kwargs):
        raise RuntimeError("power cut after the status was set")

    monkeypatch.setattr(moves, "_notify", lambda *a, **k: crash())
    with pytest.raises(RuntimeError):
        services.application_submit(application_id=case["id"], actor=User.objects.get(mobile="09120000001"))
    assert snapshot(case["id"]) == before
    monkeypatch.undo()
    assert me.post(f"/api/v1/applications/{case['id']}/submit").status_code == 200


def test_create_with_the_same_idempotency_key_returns_the_first_draft(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    call = open_call()
    body = {"call": call.pk, "district": call.districts.first().district_id, "facts": GOOD_FACTS}
    first = me.post("/api/v1/applications", body, format="json", HTTP_IDEMPOTENCY_KEY="create-0001-abcd")
    again = me.post("/api/v1/applications", body, format="json", HTTP_IDEMPOTENCY_KEY="create-0001-abcd")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1
    changed = me.post(
        "/api/v1/applications", {**body, "facts": {}}, format="json", HTTP_IDEMPOTENCY_KEY="create-0001-abcd"
    )
    assert changed.status_code == 422
    assert changed.json()["detail"] == core_msg.IDEMPOTENCY_REUSED
    bad_key = me.post("/api/v1/applications", body, format="json", HTTP_IDEMPOTENCY_KEY="کلید")
    assert bad_key.status_code == 400


def test_without_a_key_a_second_create_is_a_clear_409(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    first = draft(me)
    before = snapshot(first["id"])
    call = open_call()
    response = me.post(
        "/api/v1/applications", {"call": call.pk, "district": call.districts.first().district_id}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_applied"
    assert response.json()["detail"] == amsg.ALREADY_APPLIED
    # nothing of the refused draft is left: no event, SMS or audit entry (one statement, rolled back)
    assert snapshot(first["id"]) == before
    assert Application.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL's statements")
def test_a_new_draft_is_four_statements_on_postgresql(tehran_rules):
    from django.test.utils import CaptureQueriesContext

    me = client_for(User.objects.get(mobile="09120000001"))
    call = open_call()
    body = {"call": call.pk, "district": call.districts.first().district_id, "facts": GOOD_FACTS}
    me.get("/api/v1/applications")  # token and call memo warm
    with CaptureQueriesContext(connection) as ctx:
        response = me.post("/api/v1/applications", body, format="json")
    assert response.status_code == 201
    writes = [q["sql"].split()[0] for q in ctx.captured_queries if not q["sql"].startswith("SELECT")]
    # BEGIN; the case, event and SMS inserted and the audit head moved on in one statement; the
    # audit entry; COMMIT (SAVEPOINT and RELEASE inside the test's own transaction)
    assert writes[0] in {"BEGIN", "SAVEPOINT"} and writes[-1] in {"COMMIT", "RELEASE"}, writes
    assert writes[1:-1] == ["WITH", "WITH"], writes
    assert "UPDATE" in ctx.captured_queries[1]["sql"] or any(
        "audit_audithead" in q["sql"] for q in ctx.captured_queries
    )


def test_submit_retried_with_its_key_gives_one_submission_one_sms(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    me = client_for(applicant)
    case = draft(me)
    upload_all(me, case["id"])
    first = me.post(f"/api/v1/applications/{case['id']}/submit", HTTP_IDEMPOTENCY_KEY="submit-key-0001")
    again = me.post(f"/api/v1/applications/{case['id']}/submit", HTTP_IDEMPOTENCY_KEY="submit-key-0001")
    assert first.status_code == again.status_code == 200
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert OutboxMessage.objects.filter(kind="application_submitted").count() == 1
    assert IdempotencyRecord.objects.count() == 1
    # a retry without the key is refused as a state conflict, not a second submission
    assert me.post(f"/api/v1/applications/{case['id']}/submit").status_code == 409


@pytest.mark.parametrize(
    "body, field",
    [
        ({"call": "x", "district": 1}, "call"),
        ({"call": 1}, "district"),
        ({"call": 1, "district": 1, "facts": {"age": -3}}, "facts.age"),
        ({"call": 1, "district": 1, "facts": {"degree_level": "phd"}}, "facts.degree_level"),
        ({"call": 1, "district": 1, "facts": [1, 2]}, "facts"),
    ],
)
def test_bad_create_bodies_are_persian_400s(tehran_rules, body, field):
    me = client_for(User.objects.get(mobile="09120000001"))
    call = open_call()
    if body.get("call") == 1:
        body = {**body, "call": call.pk}
    if body.get("district") == 1:
        body = {**body, "district": call.districts.first().district_id}
    response = me.post("/api/v1/applications", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert Application.objects.count() == 0


def test_a_district_outside_the_call_and_a_closed_call_are_refused(tehran_rules):
    from daftar.municipalities.tests.factories import DistrictFactory

    me = client_for(User.objects.get(mobile="09120000001"))
    call = open_call()
    foreign = DistrictFactory()
    assert me.post("/api/v1/applications", {"call": call.pk, "district": foreign.pk}, format="json").status_code == 400
    from django.utils import timezone

    call.closes_at = timezone.now()
    call.save(update_fields=["closes_at"])  # as the admin does (a save: cached calls are dropped)
    closed = me.post(
        "/api/v1/applications", {"call": call.pk, "district": call.districts.first().district_id}, format="json"
    )
    assert closed.status_code == 409 and closed.json()["code"] == "call_closed"
    assert me.post("/api/v1/applications", {"call": 999999, "district": 1}, format="json").status_code == 404


def test_an_inquiry_that_times_out_then_answers_and_a_failed_one_blocks(
    tehran_rules, django_capture_on_commit_callbacks
):
    from daftar.inquiries.services import inquiry_run

    applicant = User.objects.get(mobile="09120000001")
    User.objects.filter(pk=applicant.pk).update(national_code="9901234565")  # simulator: 2 time-outs first
    me = client_for(User.objects.get(pk=applicant.pk))
    with django_capture_on_commit_callbacks(execute=True):
        case_id = submitted_case(me)["id"]
    pending = Inquiry.objects.filter(application_id=case_id, status="pending")
    assert pending.exists()  # the first try timed out; eager mode leaves the retry to the sweep
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    for hours in (1, 2, 3):  # past each back-off
        with time_machine.travel(start + dt.timedelta(hours=hours), tick=False):
            for inquiry in Inquiry.objects.filter(application_id=case_id, status="pending"):
                inquiry_run(inquiry.pk)
    assert set(Inquiry.objects.filter(application_id=case_id).values_list("attempts", flat=True)) == {3}
    assert set(Inquiry.objects.filter(application_id=case_id).values_list("status", flat=True)) == {"passed"}


def test_a_failed_inquiry_blocks_accepting_documents_with_its_reason(tehran_rules, django_capture_on_commit_callbacks):
    failing = User.objects.get(mobile="09120000010")  # demo: national code 999… fails criminal record
    me = client_for(failing)
    with django_capture_on_commit_callbacks(execute=True):
        case_id = submitted_case(me)["id"]
    body = me.get(f"/api/v1/applications/{case_id}").json()
    criminal = next(i for i in body["inquiries"] if i["kind"] == "criminal_record")
    assert criminal["status"] == "failed"
    assert next(c for c in body["conditions"] if c["id"] == "S9.2")["result"] == "fail"
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    move(reviewer, case_id, "start_review")
    from daftar.documents.models import Document

    for document in Document.objects.filter(application_id=case_id):
        reviewer.post(f"/api/v1/documents/{document.pk}/review", {"decision": "accept"}, format="json")
    response = move(reviewer, case_id, "accept_documents")
    assert response.status_code == 409
    assert response.json()["code"] == "inquiry_failed"
    assert "سوء پیشینه" in response.json()["detail"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_make_one_submission(tehran_rules):
    applicant = User.objects.get(mobile="09120000001")
    me = client_for(applicant)
    case = draft(me)
    upload_all(me, case["id"])
    results: list[object] = []

    def submit() -> None:
        try:
            services.application_submit(application_id=case["id"], actor=applicant)
            results.append("ok")
        except Exception as exc:
            results.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == ["illegal_transition"] * 3 + ["ok"]
    assert CaseEvent.objects.filter(application_id=case["id"], action="submit").count() == 1
    assert Inquiry.objects.filter(application_id=case["id"]).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_call_is_not_cancelled_under_a_submission_in_flight(tehran_rules):
    """A submission holds its call (FOR SHARE) until it commits: a cancellation that comes
    meanwhile waits for it, then finds the submitted case and refuses. Without the hold it read
    "nothing submitted" at once and cancelled a call with a submitted case in it."""
    from daftar.calls.services import call_cancel  # the other side of the race, another app's service

    applicant = User.objects.get(mobile="09120000001")
    me = client_for(applicant)
    case = draft(me)
    upload_all(me, case["id"])
    call = Application.objects.get(pk=case["id"]).call
    admin = User.objects.get(mobile="09120000007")
    outcome: list[object] = []

    def cancel() -> None:
        try:
            call_cancel(call=call, reason="بودجهٔ این فراخوان تأمین نشد", actor=admin)
            outcome.append("cancelled")
        except Exception as exc:
            outcome.append(getattr(exc, "code", type(exc).__name__))
        finally:
            connection.close()

    canceller = threading.Thread(target=cancel)
    with transaction.atomic():
        services.application_submit(application_id=case["id"], actor=applicant)
        canceller.start()
        time.sleep(1.0)  # the cancellation is on its way while the submission is not committed
    canceller.join(timeout=30)
    assert outcome == ["conflict"]
    call.refresh_from_db()
    assert not call.cancelled
    assert Application.objects.get(pk=case["id"]).status == "submitted"
