"""Legal clocks (P1) in Iranian working days: pause while the applicant corrects, resume with
the days that were left, across Nowruz 1405; overdue cases escalate; late corrections expire."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications import messages as msg
from daftar.applications.deadlines import clocks_tick
from daftar.applications.models import Application, StageClock
from daftar.applications.services import application_move
from daftar.calls import messages as call_msg
from daftar.calls.models import Call
from daftar.documents.models import Document
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.rules.models import LicenceType

from .helpers import client_for, draft, move, staff, submitted_case, upload_all, upload_file

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TEHRAN)


@pytest.fixture
def year_long_call(tehran_rules):
    Call.objects.update(opens_at=at("2026-01-01", 0), closes_at=at("2026-12-30", 0))


def test_correction_pauses_the_review_clock_and_resubmission_resumes_it_across_nowruz(year_long_call):
    applicant = User.objects.get(mobile="09120000001")
    me = client_for(applicant)
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    with time_machine.travel(at("2026-03-10"), tick=False):  # Tuesday 19 Esfand 1404
        case_id = submitted_case(me)["id"]
        submitted = StageClock.objects.get(application_id=case_id, stage="submitted")
        # 3 working days: Wed 11 Mar is a holiday (martyrdom of Imam Ali), Thu/Fri off → Sat, Sun, Mon
        assert submitted.due_at == dt.datetime(2026, 3, 16, 23, 59, 59, 999999, tzinfo=TEHRAN)
    with time_machine.travel(at("2026-03-11"), tick=False):
        move(reviewer, case_id, "start_review")
    with time_machine.travel(at("2026-03-16"), tick=False):  # Monday 25 Esfand: 3 working days used
        deed = Document.objects.get(application_id=case_id, doc_type="premises_deed")
        reviewer.post(
            f"/api/v1/documents/{deed.pk}/review", {"decision": "reject", "reason": "بدون امضا"}, format="json"
        )
        body = move(reviewer, case_id, "request_correction", reason="اجاره‌نامهٔ امضاشده را بفرستید.").json()
        review = StageClock.objects.get(application_id=case_id, stage="document_review")
        assert review.paused_at is not None and review.used_days == 3
        paused = next(d for d in body["deadlines"] if d["stage"] == "document_review")
        assert paused["state"] == "paused" and paused["remaining_days"] == 7 and paused["due_at"] is None
        applicant_clock = next(d for d in body["deadlines"] if d["stage"] == "correction_requested")
        assert applicant_clock["party"] == "applicant"
        # 10 working days for the applicant, skipping Nowruz (20–24 Mar) and 1–2 Apr
        assert applicant_clock["due_at_jalali"] == "1405/01/17"
    with time_machine.travel(at("2026-03-25"), tick=False):  # Wednesday 5 Farvardin 1405
        me.post(
            f"/api/v1/applications/{case_id}/documents",
            {"type": "premises_deed", "file": upload_file("premises_deed")},
            format="multipart",
        )
        body = me.post(f"/api/v1/applications/{case_id}/submit").json()
        assert body["status"] == "submitted"
        review.refresh_from_db()
        assert review.paused_at is None and review.resumed_at is not None
        # 7 days left: Sat 28, Sun 29, Mon 30, Tue 31 Mar; 1–2 Apr holidays, 3 Apr Friday; Sat 4, Sun 5, Mon 6 Apr
        assert review.due_at == dt.datetime(2026, 4, 6, 23, 59, 59, 999999, tzinfo=TEHRAN)
        assert Application.objects.get(pk=case_id).due_at == review.due_at
        assert not StageClock.objects.filter(
            application_id=case_id, stage="submitted", finished_at__isnull=True
        ).exists()
    with time_machine.travel(at("2026-03-28"), tick=False):
        move(reviewer, case_id, "start_review")  # continues the resumed clock, no fresh one
        assert StageClock.objects.filter(application_id=case_id, stage="document_review").count() == 1
        assert Application.objects.get(pk=case_id).due_at == review.due_at


def test_an_overdue_case_is_flagged_once_and_escalated_to_the_licensing_authority(year_long_call):
    me = client_for(User.objects.get(mobile="09120000001"))
    with time_machine.travel(at("2026-05-04"), tick=False):
        case_id = submitted_case(me)["id"]
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    with time_machine.travel(at("2026-05-30"), tick=False):
        assert clocks_tick()["overdue"] == 1
        assert clocks_tick()["overdue"] == 0  # once per stage
        case = Application.objects.get(pk=case_id)
        assert case.overdue and case.escalated_at is not None
        authority = User.objects.get(mobile="09120000005")
        assert OutboxMessage.objects.filter(to=authority.mobile, kind="application_overdue").count() == 1
        queue = reviewer.get("/api/v1/applications?overdue=1").json()
        assert [r["id"] for r in queue["results"]] == [case_id] and queue["results"][0]["is_overdue"]
        assert reviewer.get("/api/v1/applications?overdue=0").json()["count"] == 0
        body = reviewer.get(f"/api/v1/applications/{case_id}").json()
        assert body["timeline"][-1]["action"] == "overdue"
        move(reviewer, case_id, "start_review")  # a new stage, a new clock, no longer overdue
        assert not Application.objects.get(pk=case_id).overdue


def test_a_correction_not_sent_back_in_time_expires(year_long_call):
    me = client_for(User.objects.get(mobile="09120000001"))
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    with time_machine.travel(at("2026-06-01"), tick=False):
        case_id = submitted_case(me)["id"]
        move(reviewer, case_id, "start_review")
        deed = Document.objects.get(application_id=case_id, doc_type="premises_deed")
        reviewer.post(
            f"/api/v1/documents/{deed.pk}/review", {"decision": "reject", "reason": "ناخوانا است"}, format="json"
        )
        move(reviewer, case_id, "request_correction", reason="سند خوانا را بارگذاری کنید.")
    with time_machine.travel(at("2026-06-10"), tick=False):
        assert clocks_tick()["expired"] == 0
    with time_machine.travel(at("2026-07-20"), tick=False):
        assert clocks_tick()["expired"] == 1
        case = Application.objects.get(pk=case_id)
        assert case.status == "expired" and case.due_at is None
        assert not StageClock.objects.filter(application_id=case_id, finished_at__isnull=True).exists()


def test_drafts_expire_when_the_call_closes(year_long_call):
    me = client_for(User.objects.get(mobile="09120000001"))
    with time_machine.travel(at("2026-06-01"), tick=False):
        from .helpers import draft

        case_id = draft(me)["id"]
    with time_machine.travel(at("2026-12-31"), tick=False):
        assert clocks_tick()["expired"] == 1
        assert Application.objects.get(pk=case_id).status == "expired"


def test_thursdays_count_when_the_municipality_works_them(year_long_call):
    from daftar.municipalities.models import Municipality

    Municipality.objects.filter(slug="tehran").update(thursdays_off=False)
    me = client_for(User.objects.get(mobile="09120000001"))
    with time_machine.travel(at("2026-05-05"), tick=False):  # Tuesday; 3 days: Wed, Thu, Sat
        case_id = submitted_case(me)["id"]
    assert Application.objects.get(pk=case_id).due_at == dt.datetime(2026, 5, 9, 23, 59, 59, 999999, tzinfo=TEHRAN)


def test_no_submission_after_the_call_closes_nor_after_the_correction_deadline(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)["id"]
    upload_all(me, case)
    Call.objects.update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    response = me.post(f"/api/v1/applications/{case}/submit")
    assert response.status_code == 409 and response.json()["detail"] == call_msg.CALL_NOT_OPEN
    upload = me.post(
        f"/api/v1/applications/{case}/documents", {"type": "degree", "file": upload_file("degree")}, format="multipart"
    )
    assert upload.status_code == 409
    assert Application.objects.get(pk=case).status == "draft"


def test_a_late_correction_is_refused(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = submitted_case(me)["id"]
    reviewer = staff("09120000002")
    move(reviewer, case, "start_review")
    deed = Document.objects.get(application_id=case, doc_type="premises_deed")
    reviewer.post(f"/api/v1/documents/{deed.pk}/review", {"decision": "reject", "reason": "ناخوانا است"}, format="json")
    move(reviewer, case, "request_correction", reason="سند خوانا را بارگذاری کنید.")
    with time_machine.travel(timezone.now() + dt.timedelta(days=60), tick=False):
        upload = me.post(
            f"/api/v1/applications/{case}/documents",
            {"type": "premises_deed", "file": upload_file("premises_deed")},
            format="multipart",
        )
        assert upload.status_code == 409 and upload.json()["detail"] == msg.CORRECTION_LATE


def test_stage_days_are_validated_and_junk_falls_back_to_the_default(tehran_rules):
    licence = LicenceType.objects.get()
    licence.stage_days = {"submitted": 5000}
    with pytest.raises(ValidationError):
        licence.full_clean()
    licence.stage_days = [1, 2]
    with pytest.raises(ValidationError):
        licence.full_clean()
    LicenceType.objects.update(stage_days={"submitted": "x"})  # a slip that got past the admin
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    assert Application.objects.get(pk=case).due_at is not None  # the example default, 3 days


def test_expiry_is_refused_while_the_case_is_in_time(tehran_rules):
    case = draft(client_for(User.objects.get(mobile="09120000001")))["id"]
    with pytest.raises(ApplicationError) as caught:
        application_move(application_id=case, action="expire", actor=None)
    assert caught.value.code == "not_expirable"
