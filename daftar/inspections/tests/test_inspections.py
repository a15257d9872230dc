"""Site inspection: the checklist follows the case's rule-set version; zone, distance,
photos, recording the result and who may do what."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications.tests.helpers import client_for, open_call, pdf_bytes, png_bytes
from daftar.applications.workflow import Status
from daftar.audit.models import AuditEntry
from daftar.calls.tests.factories import CallFactory
from daftar.inspections.checklist import checklist, haversine_m
from daftar.inspections.models import Inspection, InspectionPhoto, InspectionStatus
from daftar.inspections.services import inspection_record, inspection_schedule, photo_add
from daftar.kernel.errors import ApplicationError
from daftar.notifications.models import OutboxMessage
from daftar.rules.services import rule_set_new_version, rule_set_publish

from .helpers import AUTHORITY, ISFAHAN, MEASURED, REVIEWER, TEHRAN_POINT, case_at_inspection, inspector, north_of

TOMORROW = "2099-01-01 09:30"


def _scheduled(application: Any = None) -> Inspection:
    application = application or case_at_inspection()
    return inspection_schedule(application, inspector(), timezone.now() + dt.timedelta(days=1))


def _place(licence: Any, point: dict[str, float]) -> None:
    licence.premises_location = point
    licence.save(update_fields=["premises_location"])


def test_checklist_comes_from_the_rule_set_version_of_the_case(tehran_rules):
    old_case = case_at_inspection()
    items = {i.id: i for i in checklist(old_case)}
    assert items["S11.1"].kind == "use" and items["S11.1"].threshold == ["commercial", "office"]
    assert items["S11.2"].threshold == 60
    equipment = [i.threshold for i in items.values() if i.kind == "equipment"]
    assert equipment == ["computers", "high_speed_internet", "signboard", "client_facilities"]
    assert items["S11.4"].kind == "zone"
    assert items["distance"].threshold == 1000

    admin = User.objects.get(mobile="09120000007")
    draft = rule_set_new_version(rule_set=tehran_rules, actor=admin)
    condition = draft.conditions.get(cid="S11.2")
    condition.parameters = {**condition.parameters, "min": 80}
    condition.save()
    rule_set_publish(rule_set=draft, actor=admin)
    old_call = open_call()
    new_call = CallFactory(
        rule_set=draft, title="فراخوان تازه", opens_at=old_call.opens_at, closes_at=old_call.closes_at
    )
    old_case.refresh_from_db()
    assert {i.id: i.threshold for i in checklist(old_case)}["S11.2"] == 60  # the old case keeps its version
    new_case = case_at_inspection(call=new_call, district=old_call.districts.first().district)
    assert {i.id: i.threshold for i in checklist(new_case)}["S11.2"] == 80


def test_schedule_sends_a_jalali_sms_and_is_audited(tehran_rules):
    application = case_at_inspection()
    response = client_for(inspector()).post(
        f"/api/v1/applications/{application.pk}/inspections", {"scheduled_at": "1478/10/11 09:30"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "scheduled" and body["checklist"][-1]["id"] == "distance"
    sms = OutboxMessage.objects.filter(to=application.applicant.mobile).latest("pk")
    assert "۱۴۷۸/۱۰/۱۱، ساعت ۰۹:۳۰" in sms.text
    assert AuditEntry.objects.filter(action="inspection.schedule").exists()
    again = client_for(inspector()).post(
        f"/api/v1/applications/{application.pk}/inspections", {"scheduled_at": TOMORROW}, format="json"
    )
    assert again.status_code == 409
    past = case_at_inspection()
    response = client_for(inspector()).post(
        f"/api/v1/applications/{past.pk}/inspections", {"scheduled_at": "2001-01-01 09:00"}, format="json"
    )
    assert response.status_code == 400 and "scheduled_at" in response.json()["fields"]


def test_passing_inspection_moves_the_case_to_final_review(tehran_rules):
    inspection = _scheduled()
    response = client_for(inspector()).post(f"/api/v1/inspections/{inspection.pk}/result", MEASURED, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["passed"] is True and body["status"] == "done"
    assert body["application_status"] == Status.FINAL_REVIEW
    assert all(item["result"] == "pass" for item in body["result"])
    assert (
        client_for(inspector()).post(f"/api/v1/inspections/{inspection.pk}/result", MEASURED, format="json").status_code
        == 409
    )


def test_small_area_and_point_outside_the_zone_reject_the_case_with_reasons(tehran_rules):
    inspection = _scheduled()
    data = {**MEASURED, "measured_area_m2": 59.5, "location": ISFAHAN, "equipment": ["computers"]}
    inspection = inspection_record(inspection, data, inspector())
    result = {r["id"]: r for r in inspection.result}
    assert inspection.passed is False
    assert (
        result["S11.2"]["result"] == "fail"
        and "۵۹٫۵" in result["S11.2"]["reason"]
        and "۶۰" in result["S11.2"]["reason"]
    )
    assert result["S11.4"]["result"] == "fail" and "بیرون" in result["S11.4"]["reason"]
    assert result["S11.3:computers"]["result"] == "pass" and result["S11.3:signboard"]["result"] == "fail"
    inspection.application.refresh_from_db()
    assert inspection.application.status == Status.REJECTED


def test_tehran_point_is_inside_the_permitted_zone(tehran_rules):
    inspection = inspection_record(_scheduled(), {**MEASURED, "location": TEHRAN_POINT}, inspector())
    assert {r["id"]: r["result"] for r in inspection.result}["S11.4"] == "pass"


@pytest.mark.parametrize(("metres", "expected"), [(300, "fail"), (2000, "pass")])
def test_distance_to_the_nearest_active_office(tehran_rules, make_licence, metres, expected):
    _place(make_licence(), north_of(TEHRAN_POINT, metres))
    _place(make_licence(status="revoked"), north_of(TEHRAN_POINT, 10))  # not active: ignored
    assert abs(haversine_m(TEHRAN_POINT, north_of(TEHRAN_POINT, metres)) - metres) < 2
    inspection = inspection_record(_scheduled(), MEASURED, inspector())
    distance = inspection.result[-1]
    assert distance["id"] == "distance" and distance["result"] == expected
    assert abs(distance["measured"] - metres) < 2
    inspection.application.refresh_from_db()
    # S11 holds, so the case goes to final review either way; a failed distance is on the
    # inspection (passed=False) for the licensing authority to decide.
    assert inspection.application.status == Status.FINAL_REVIEW
    assert inspection.passed is (expected == "pass")
    if expected == "fail":
        assert "S11.4" not in distance["reason"] and "۳۰۰" in distance["reason"]


def test_measurements_are_validated_per_field(tehran_rules):
    inspection = _scheduled()
    bad = {"premises_use": "palace", "measured_area_m2": -3, "equipment": ["gold"], "location": {"lat": 200}}
    response = client_for(inspector()).post(f"/api/v1/inspections/{inspection.pk}/result", bad, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"premises_use", "measured_area_m2", "equipment", "location.lat"}
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SCHEDULED
    assert inspection.application.status == Status.SITE_INSPECTION


def _stored(root: Path) -> list[Path]:
    return [p for p in (root / "inspections").rglob("*") if p.is_file()] if (root / "inspections").exists() else []


def test_photo_is_checked_by_content_and_a_refusal_stores_nothing(tehran_rules, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    inspection = _scheduled()
    client = client_for(inspector())
    fake = SimpleUploadedFile("photo.png", pdf_bytes(), content_type="image/png")
    response = client.post(f"/api/v1/inspections/{inspection.pk}/photos", {"file": fake}, format="multipart")
    assert response.status_code == 415, response.content
    assert not InspectionPhoto.objects.exists() and _stored(tmp_path) == []
    good = SimpleUploadedFile("../../etc/نما.png", png_bytes(), content_type="image/png")
    response = client.post(f"/api/v1/inspections/{inspection.pk}/photos", {"file": good}, format="multipart")
    assert response.status_code == 201, response.content
    photo = InspectionPhoto.objects.get()
    name = str(photo.file.name)
    assert name.startswith("inspections/") and ".." not in name
    assert len(photo.sha256) == 64 and len(_stored(tmp_path)) == 1


def test_photo_download_is_an_access_checked_attachment(tehran_rules, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    inspection = _scheduled()
    other = _scheduled()
    upload = SimpleUploadedFile("نمای بیرونی.png", png_bytes(), content_type="image/png")
    photo = photo_add(inspection, upload, actor=inspector())
    url = f"/api/v1/inspections/{inspection.pk}/photos/{photo.pk}"
    body = client_for(inspector()).get(f"/api/v1/inspections/{inspection.pk}").json()
    assert [p["download_url"] for p in body["photos"]] == [url]

    for who in (inspector(), User.objects.get(mobile=AUTHORITY)):
        response = client_for(who).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == png_bytes()
        assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert f"inspection-{inspection.pk}-photo-{photo.pk}.png" in response["Content-Disposition"]
        assert "sandbox" in response["Content-Security-Policy"]

    missing = client_for(inspector()).get(f"/api/v1/inspections/{inspection.pk}/photos/999999").json()
    foreign = RoleAssignmentFactory(role="inspector").user
    outsiders: list[Any] = [foreign, UserFactory(), inspection.application.applicant, User.objects.get(mobile=REVIEWER)]
    for who in outsiders:
        refused = client_for(who).get(url)
        assert refused.status_code == 404 and refused.json() == missing, who
    # the photo of one visit is not reachable through another visit's address
    crossed = client_for(inspector()).get(f"/api/v1/inspections/{other.pk}/photos/{photo.pk}")
    assert crossed.status_code == 404
    assert APIClient().get(url).status_code == 401

    page = f"/inspections/{inspection.pk}/photos/{photo.pk}/"
    browser = Client()
    browser.force_login(inspector())
    detail = browser.get(f"/inspections/{inspection.pk}/")
    assert page in detail.content.decode()
    served = browser.get(page)
    assert served.status_code == 200 and served["Content-Disposition"].startswith("attachment;")
    stranger = Client()
    stranger.force_login(foreign)
    assert stranger.get(page).status_code == 404
    assert Client().get(page).status_code == 302  # to the login page


def test_photo_row_failure_leaves_no_file(tehran_rules, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    inspection = _scheduled()

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(InspectionPhoto.objects, "create", boom)
    with pytest.raises(RuntimeError):
        photo_add(inspection, SimpleUploadedFile("a.png", png_bytes()), actor=inspector())
    assert _stored(tmp_path) == []


def test_access_not_yours_is_404_and_readers_may_not_write(tehran_rules):
    inspection = _scheduled()
    reviewer = client_for(User.objects.get(mobile=REVIEWER))
    assert reviewer.get(f"/api/v1/inspections/{inspection.pk}").status_code == 404
    assert reviewer.post(f"/api/v1/inspections/{inspection.pk}/result", MEASURED, format="json").status_code == 404
    other = case_at_inspection()
    response = reviewer.post(f"/api/v1/applications/{other.pk}/inspections", {"scheduled_at": TOMORROW}, format="json")
    assert response.status_code == 404
    applicant = client_for(inspection.application.applicant)
    assert applicant.get(f"/api/v1/inspections/{inspection.pk}").status_code == 404
    authority = client_for(User.objects.get(mobile=AUTHORITY))
    assert authority.get(f"/api/v1/inspections/{inspection.pk}").status_code == 200
    assert authority.post(f"/api/v1/inspections/{inspection.pk}/result", MEASURED, format="json").status_code == 403
    assert client_for(inspector()).get("/api/v1/inspections/999999").status_code == 404


def test_pages_list_schedule_record_and_show_the_result(tehran_rules, client):
    application = case_at_inspection()
    client.force_login(inspector())
    page = client.get("/inspections/")
    assert page.status_code == 200 and application.tracking_code in page.content.decode()
    response = client.post(f"/inspections/schedule/{application.pk}/", {"scheduled_at": "1478/10/11 09:30"})
    inspection = Inspection.objects.get(application=application)
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "بازدید برای ۱۴۷۸/۱۰/۱۱، ساعت ۰۹:۳۰ زمان‌بندی شد" in page  # confirmed in Persian digits
    assert "مساحت مفید دست‌کم ۶۰ متر مربع" in page and "فاصله از نزدیک‌ترین دفتر فعال دست‌کم ۱۰۰۰ متر" in page
    bad = client.post(f"/inspections/{inspection.pk}/", {"premises_use": "commercial", "measured_area_m2": "x"})
    assert bad.status_code == 400
    form = {
        "premises_use": "commercial",
        "measured_area_m2": "۷۲",
        "equipment": MEASURED["equipment"],
        "lat": "35.745",
        "lng": "51.553",
    }
    assert client.post(f"/inspections/{inspection.pk}/", form).status_code == 302
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'data-result="pass"' in page and 'data-result="fail"' not in page
    photo = SimpleUploadedFile("a.txt", b"hello", content_type="image/png")
    assert client.post(f"/inspections/{inspection.pk}/photos/", {"file": photo}).status_code == 415
    client.force_login(User.objects.get(mobile=REVIEWER))
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("mobile", "shown"),
    [("09120000004", True), (AUTHORITY, True), ("09120000006", True), (REVIEWER, False), ("09120000001", False)],
)
def test_the_visits_link_is_in_the_navigation_of_those_who_visit(tehran_rules, mobile, shown):
    browser = Client()
    browser.force_login(User.objects.get(mobile=mobile))
    nav = browser.get("/").content.decode()
    # the supervisor's visits are on their desk (issue 18); the others' in the inspections list
    assert ('href="/inspections/"' in nav or 'href="/desk/supervision/visits/"' in nav) is shown


def test_an_inspector_cannot_schedule_inspect_or_photograph_their_own_case(tehran_rules):
    """An inspector who is the case's applicant does not see it in their queue: scheduling,
    reading, recording and photos are answered "not found" (the same as a nonexistent id),
    in the API and on the pages, and nothing changes."""
    application = case_at_inspection()
    me = User.objects.get(pk=application.applicant_id)
    RoleAssignmentFactory(user=me, municipality=application.municipality, role="inspector")
    api, page = client_for(me), Client()
    page.force_login(me)
    missing = api.get("/api/v1/inspections/999999999").json()
    scheduled = api.post(f"/api/v1/applications/{application.pk}/inspections", {"scheduled_at": TOMORROW})
    assert (scheduled.status_code, scheduled.json()) == (404, missing)
    assert page.post(f"/inspections/schedule/{application.pk}/", {"scheduled_at": TOMORROW}).status_code == 404
    assert str(application.tracking_code) not in page.get("/inspections/").content.decode()
    inspection = _scheduled(application)  # by another inspector
    audit = AuditEntry.objects.count()
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    for response in (
        api.get(f"/api/v1/inspections/{inspection.pk}"),
        api.post(f"/api/v1/inspections/{inspection.pk}/result", MEASURED, format="json"),
        api.post(f"/api/v1/inspections/{inspection.pk}/photos", {"file": photo}, format="multipart"),
    ):
        assert (response.status_code, response.json()) == (404, missing)
    assert page.post(f"/inspections/{inspection.pk}/", {}).status_code == 404
    for call in (
        lambda: inspection_record(inspection, MEASURED, me),
        lambda: photo_add(inspection, SimpleUploadedFile("b.png", png_bytes(), content_type="image/png"), actor=me),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.status_code == 404
    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.status, stored.photos.count(), AuditEntry.objects.count()) == ("scheduled", 0, audit)
    assert stored.application.status == Status.SITE_INSPECTION
