"""Regressions from the independent review of the application case (each names its finding)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.services import role_grant
from daftar.applications import messages as msg
from daftar.applications.models import Application
from daftar.applications.services import application_move, district_ranking
from daftar.calls import messages as call_msg
from daftar.calls.models import Call
from daftar.documents.models import Document
from daftar.inquiries.models import Inquiry
from daftar.kernel.errors import ApplicationError
from daftar.rules.models import LicenceType

from .helpers import (
    GOOD_FACTS,
    INSPECTION,
    applicant,
    client_for,
    draft,
    move,
    open_call,
    submitted_case,
    through_review,
    to_final_review,
    upload_all,
    upload_file,
)

pytestmark = pytest.mark.django_db


def staff(mobile: str):
    return client_for(User.objects.get(mobile=mobile))


def test_h1_an_approved_case_keeps_its_place_and_the_quota_is_never_exceeded(
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


def test_h2_staff_never_handle_their_own_application(tehran_rules):
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


def test_h3_no_submission_after_the_call_closes_nor_after_the_correction_deadline(tehran_rules):
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


def test_h3_a_late_correction_is_refused(tehran_rules):
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


def test_m1_spreadsheet_formulas_in_names_are_not_evaluated(tehran_rules):
    from daftar.applications.exports import cell

    assert cell('=HYPERLINK("http://evil","a")') == '\'=HYPERLINK("http://evil","a")'
    assert cell("-1+2") == "'-1+2" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("سارا") == "سارا" and cell(42) == 42
    applicant_user = User.objects.get(mobile="09120000001")
    User.objects.filter(pk=applicant_user.pk).update(first_name='=HYPERLINK("http://evil","a")')
    submitted_case(client_for(User.objects.get(pk=applicant_user.pk)))
    body = b"".join(staff("09120000002").get("/api/v1/applications/export?as=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in body


def test_m2_an_inspection_without_measurements_is_refused(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)
    examiner = staff("09120000003")
    move(examiner, case, "record_exam", score=90)
    move(examiner, case, "record_interview", scores=[90])
    inspector = staff("09120000004")
    empty = move(inspector, case, "record_inspection")
    assert empty.status_code == 400 and set(empty.json()["fields"]) == {
        "premises_use",
        "measured_area_m2",
        "equipment",
        "location",
    }
    partial = move(inspector, case, "record_inspection", **{**INSPECTION, "location": None})
    assert partial.status_code == 400 and set(partial.json()["fields"]) == {"location"}
    assert Application.objects.get(pk=case).status == "site_inspection"


@pytest.mark.parametrize("district", ["²", "10" + "0" * 30, "-3", "1.5", "abc"])
def test_m3_odd_district_filters_are_empty_not_500(tehran_rules, district):
    reviewer = staff("09120000002")
    assert reviewer.get(f"/api/v1/applications?district={district}").json()["results"] == []
    assert reviewer.get(f"/api/v1/calls/{open_call().pk}/ranking?district={district}").status_code == 404


@pytest.mark.parametrize("ids", [[10**30], [True], [1.5], ["²"], [-1]])
def test_m3_odd_ids_are_400_not_500(tehran_rules, ids):
    response = staff("09120000002").post("/api/v1/applications/acknowledge", {"ids": ids}, format="json")
    assert response.status_code == 400


def test_m3_huge_scores_are_400(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)
    examiner = staff("09120000003")
    assert move(examiner, case, "record_exam", score=10**400).status_code == 400
    assert move(examiner, case, "record_exam", score=[1]).status_code == 400


def test_m4_stage_days_are_validated_and_junk_falls_back_to_the_default(tehran_rules):
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


def test_m5_staff_can_ask_again_an_unanswered_inquiry(tehran_rules, django_capture_on_commit_callbacks):
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


def test_m6_an_upload_retried_with_its_key_stores_one_version(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)["id"]
    for _ in range(2):
        r = me.post(
            f"/api/v1/applications/{case}/documents",
            {"type": "degree", "file": upload_file("degree")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-degree-0001",
        )
        assert r.status_code == 201
    assert Document.objects.filter(application_id=case).count() == 1


def test_m7_patch_changes_only_the_facts_sent_and_null_removes_one(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)["id"]
    body = me.patch(
        f"/api/v1/applications/{case}", {"facts": {"experience_years": 9, "training_completed": None}}, format="json"
    ).json()
    assert body["facts"]["experience_years"] == 9
    assert body["facts"]["degree_level"] == "master"  # untouched
    assert "training_completed" not in body["facts"]
    assert me.patch(f"/api/v1/applications/{case}", {"district": True}, format="json").status_code == 400


def test_m7_the_district_is_fixed_after_submission(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = submitted_case(me)["id"]
    reviewer = staff("09120000002")
    move(reviewer, case, "start_review")
    deed = Document.objects.get(application_id=case, doc_type="premises_deed")
    reviewer.post(f"/api/v1/documents/{deed.pk}/review", {"decision": "reject", "reason": "ناخوانا است"}, format="json")
    move(reviewer, case, "request_correction", reason="سند خوانا را بارگذاری کنید.")
    other = open_call().districts.last().district_id
    response = me.patch(f"/api/v1/applications/{case}", {"district": other}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == msg.DISTRICT_FIXED


def test_m8_each_role_sees_its_own_queue_by_default(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    assert [r["id"] for r in staff("09120000002").get("/api/v1/applications").json()["results"]] == [case]
    examiner = staff("09120000003")
    assert examiner.get("/api/v1/applications").json()["results"] == []
    assert [r["id"] for r in examiner.get("/api/v1/applications?status=all").json()["results"]] == [case]
    through_review(case)
    assert [r["id"] for r in examiner.get("/api/v1/applications").json()["results"]] == [case]
    assert staff("09120000007").get("/api/v1/applications").json()["count"] == 1  # the administrator sees all


def test_l2_expiry_is_refused_while_the_case_is_in_time(tehran_rules):
    case = draft(client_for(User.objects.get(mobile="09120000001")))["id"]
    with pytest.raises(ApplicationError) as caught:
        application_move(application_id=case, action="expire", actor=None)
    assert caught.value.code == "not_expirable"


def test_l4_the_applicants_list_has_a_constant_query_count(tehran_rules):
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


def test_m5_the_case_page_offers_staff_a_retry_for_an_unanswered_inquiry(
    tehran_rules, django_capture_on_commit_callbacks
):
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


def test_l1_a_calls_municipality_licence_and_districts_with_cases_stay(tehran_rules):
    from django.test import Client

    call = open_call()
    draft(client_for(User.objects.get(mobile="09120000001")), district=call.districts.first().district_id)
    admin = Client()
    admin.force_login(User.objects.get(mobile="09120000007"))
    page = admin.get(f"/admin/calls/call/{call.pk}/change/").content.decode()
    assert 'name="municipality"' not in page and 'name="licence_type"' not in page
    rows = list(call.districts.order_by("pk"))
    data: dict[str, object] = {
        "title": call.title,
        "description": "",
        "opens_at": "1404/01/01 08:00",
        "closes_at": "1406/01/01 08:00",
        "districts-TOTAL_FORMS": str(len(rows)),
        "districts-INITIAL_FORMS": str(len(rows)),
        "districts-MIN_NUM_FORMS": "0",
        "districts-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"districts-{i}-id": row.pk,
                f"districts-{i}-call": call.pk,
                f"districts-{i}-district": row.district_id,
                f"districts-{i}-quota": row.quota,
            }
        )
    data["districts-0-DELETE"] = "on"
    response = admin.post(f"/admin/calls/call/{call.pk}/change/", data)
    assert response.status_code == 200
    assert call_msg.DISTRICT_HAS_CASES in response.content.decode()
    assert call.districts.count() == len(rows)


def test_ui_review_pressing_enter_in_the_reason_does_not_accept(tehran_rules):
    """The review form's first submit button is a disabled decoy (Enter submits the first one)."""
    from django.test import Client

    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    move(staff("09120000002"), case, "start_review")
    page = Client()
    page.force_login(User.objects.get(mobile="09120000002"))
    html = page.get(f"/applications/{case}/").content.decode()
    form = html[html.index('class="row g-2 align-items-end mt-1 review-form"') :]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert "disabled" in first_button and 'value="accept"' not in first_button
    assert "درخواست اصلاح مدارک" not in html  # nothing rejected yet: the move is not offered


def test_ui_bulk_acknowledgement_works_under_any_filter(tehran_rules):
    from django.test import Client

    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)  # now in «exam», outside the reviewer's default queue
    page = Client()
    page.force_login(User.objects.get(mobile="09120000002"))
    page.post("/staff/queue/acknowledge/?status=exam", {"ids": [case]})
    assert Application.objects.get(pk=case).acknowledged_at is not None


def test_ui_overdue_means_the_municipalitys_deadline_everywhere(tehran_rules):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    Application.objects.filter(pk=case).update(
        status="correction_requested", due_at=timezone.now() - dt.timedelta(days=1)
    )
    reviewer = staff("09120000002")
    rows = reviewer.get("/api/v1/applications").json()["results"]
    assert rows[0]["is_overdue"] is False  # the applicant's deadline: it expires, it is not "overdue"
    assert reviewer.get("/api/v1/applications?overdue=1").json()["count"] == 0
    assert reviewer.get("/api/v1/applications?overdue=0").json()["count"] == 1


def test_ui_roles_apply_in_their_own_municipality_only(tehran_rules):
    from daftar.municipalities.tests.factories import MunicipalityFactory

    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)  # «exam» in Tehran
    both = User.objects.get(mobile="09120000002")  # reviewer in Tehran …
    role_grant(user=both, role="examiner", municipality=MunicipalityFactory(), actor=None)  # … examiner elsewhere
    assert client_for(both).get("/api/v1/applications").json()["results"] == []
    assert client_for(both).get("/api/v1/applications?status=all").json()["count"] == 1


def test_ui_the_applicants_list_page_has_a_constant_query_count(tehran_rules):
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


def test_ui_a_large_body_to_any_other_page_is_refused_before_it_is_parsed(tehran_rules):
    from django.test import Client

    from daftar.kernel import messages as core_msg

    case = draft(client_for(User.objects.get(mobile="09120000001")))["id"]
    page = Client()
    page.force_login(User.objects.get(mobile="09120000001"))
    response = page.generic(
        "POST",
        f"/applications/{case}/submit/",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert core_msg.BODY_TOO_LARGE in response.content.decode()
    assert Application.objects.get(pk=case).status == "draft"
