"""Supervision visits of licensed offices (S11.3, S17, P6): the checklist follows the licence's
rule-set version; failed items record supervision violations citing the visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.inspections.checklist import visit_checklist
from daftar.inspections.models import InspectionStatus, SupervisionVisit
from daftar.inspections.services import visit_record, visit_schedule
from daftar.municipalities.models import Municipality, Province
from daftar.notifications.models import OutboxMessage
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.supervision.models import Violation

from .helpers import inspector

EQUIPMENT = ["computers", "high_speed_internet", "signboard", "client_facilities"]
ALL_GOOD = {"equipment": EQUIPMENT, "hours_posted": True, "tariff_posted": True, "premises_use": "commercial"}


def _visit(licence: Any) -> SupervisionVisit:
    return visit_schedule(licence, inspector(), timezone.now() + dt.timedelta(days=1))


def _other_inspector() -> User:
    province, _ = Province.objects.get_or_create(name_en="Isfahan", defaults={"name_fa": "اصفهان"})
    isfahan, _ = Municipality.objects.get_or_create(
        slug="isfahan-test", defaults={"name": "شهرداری اصفهان", "city": "اصفهان", "province": province}
    )
    user = UserFactory.create()
    RoleAssignmentFactory(user=user, role=Role.INSPECTOR, municipality=isfahan)
    return user


def test_checklist_comes_from_the_licence_rule_set(make_licence):
    items = {i.id: i for i in visit_checklist(make_licence())}
    assert [i.threshold for i in items.values() if i.kind == "equipment"] == EQUIPMENT
    assert items["S11.3:computers"].condition == "S11.3"
    assert items["hours"].condition == "S17" and items["tariff"].condition == "P6"
    assert items["use"].kind == "use" and items["use"].threshold == "commercial"


def test_schedule_sends_a_jalali_sms_and_is_audited(make_licence):
    licence = make_licence()
    response = client_for(inspector()).post(
        f"/api/v1/licences/{licence.number}/visits", {"scheduled_at": "1478/10/11 09:30"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "scheduled" and body["licence"] == licence.number
    assert {i["id"] for i in body["checklist"]} >= {"hours", "tariff", "use", "S11.3:computers"}
    sms = OutboxMessage.objects.filter(to=licence.holder.mobile).latest("pk")
    assert "۱۴۷۸/۱۰/۱۱، ساعت ۰۹:۳۰" in sms.text and licence.number in sms.text
    visit = SupervisionVisit.objects.get(pk=body["id"])
    assert AuditEntry.objects.filter(action="supervision_visit.schedule", object_id=str(visit.pk)).exists()
    again = client_for(inspector()).post(
        f"/api/v1/licences/{licence.number}/visits", {"scheduled_at": "1478/10/12 09:30"}, format="json"
    )
    assert again.status_code == 409


def test_missing_equipment_and_no_tariff_record_two_violations(make_licence):
    licence = make_licence()
    visit = _visit(licence)
    data = {**ALL_GOOD, "equipment": EQUIPMENT[1:], "tariff_posted": False}
    response = client_for(inspector()).post(f"/api/v1/visits/{visit.pk}/result", data, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["passed"] is False and body["status"] == InspectionStatus.DONE
    failed = {i["id"]: i["reason"] for i in body["result"] if i["result"] == "fail"}
    assert set(failed) == {"S11.3:computers", "tariff"}
    assert "دیگر در دفتر موجود نیست" in failed["S11.3:computers"]
    violations = Violation.objects.filter(licence=licence).select_related("violation_type")
    assert sorted(v.violation_type.code for v in violations) == ["tariff_not_posted", "unpermitted_service"]
    assert all(f"بازدید نظارتی شمارهٔ {visit.pk}" in v.description for v in violations)
    assert AuditEntry.objects.filter(action="supervision_visit.record", object_id=str(visit.pk)).exists()
    again = client_for(inspector()).post(f"/api/v1/visits/{visit.pk}/result", data, format="json")
    assert again.status_code == 409
    assert Violation.objects.filter(licence=licence).count() == 2


def test_all_items_pass_records_no_violation(make_licence):
    licence = make_licence()
    visit = visit_record(_visit(licence), ALL_GOOD, inspector())
    assert visit.passed is True and all(i["result"] == "pass" for i in visit.result)
    assert not Violation.objects.filter(licence=licence).exists()


def test_hours_not_posted_and_changed_use(make_licence):
    licence = make_licence()
    visit = visit_record(
        _visit(licence), {**ALL_GOOD, "hours_posted": False, "premises_use": "residential"}, inspector()
    )
    assert {i["id"] for i in visit.result if i["result"] == "fail"} == {"hours", "use"}
    codes = list(Violation.objects.filter(licence=licence).values_list("violation_type__code", flat=True))
    assert codes == ["outside_hours"]  # a changed use has no catalogue type: it stays on the visit


def test_observations_are_validated(make_licence):
    visit = _visit(make_licence())
    response = client_for(inspector()).post(
        f"/api/v1/visits/{visit.pk}/result", {"equipment": ["x"], "premises_use": "?"}, format="json"
    )
    assert response.status_code == 400
    fields = response.json()["fields"] if "fields" in response.json() else response.json()
    assert {"equipment", "premises_use", "hours_posted", "tariff_posted"} <= set(fields)


def test_access_other_municipality_404_holder_403(make_licence):
    licence = make_licence()
    visit = _visit(licence)
    other = client_for(_other_inspector())
    assert other.get(f"/api/v1/visits/{visit.pk}").status_code == 404
    assert other.post(f"/api/v1/visits/{visit.pk}/result", ALL_GOOD, format="json").status_code == 404
    response = other.post(f"/api/v1/licences/{licence.number}/visits", {"scheduled_at": "1478/10/11 09:30"})
    assert response.status_code == 404
    holder = client_for(licence.holder)
    assert holder.get(f"/api/v1/visits/{visit.pk}").status_code == 200
    assert holder.post(f"/api/v1/visits/{visit.pk}/result", ALL_GOOD, format="json").status_code == 403
    assert (
        holder.post(f"/api/v1/licences/{licence.number}/visits", {"scheduled_at": "1478/10/11 09:30"}).status_code
        == 404
    )
    assert not Violation.objects.filter(licence=licence).exists()


def test_pages_list_and_record_a_visit(make_licence, client):
    licence = make_licence()
    visit = _visit(licence)
    client.force_login(inspector())
    page = client.get("/inspections/").content.decode()
    assert "بازدیدهای نظارتی دفاتر دارای مجوز" in page and licence.number in page
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert "جدول تعرفهٔ مصوب در معرض دید نصب شده است" in page and "<script" not in page.split("<main")[-1]
    assert client.post(f"/inspections/visits/{visit.pk}/", {"premises_use": "commercial"}).status_code == 400
    form = {"equipment": EQUIPMENT, "hours_posted": "false", "tariff_posted": "true", "premises_use": "commercial"}
    assert client.post(f"/inspections/visits/{visit.pk}/", form).status_code == 302
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert 'data-item="hours" data-result="fail"' in page
    assert Violation.objects.filter(licence=licence, violation_type__code="outside_hours").count() == 1
    client.force_login(_other_inspector())
    assert client.get(f"/inspections/visits/{visit.pk}/").status_code == 404


def test_an_inspector_cannot_visit_their_own_office(make_licence):
    """The holder, or a clerk of the office, who is also the municipality's inspector schedules
    and records no visit of it: "not found" (as a nonexistent visit), and nothing changes. The
    holder still reads the visits of their office."""
    from daftar.accounts.tests.factories import RoleAssignmentFactory
    from daftar.offices.models import StaffRole

    licence = make_licence()
    office = OfficeFactory(municipality=licence.municipality, district=licence.district, licence=licence)
    clerk = UserFactory.create()
    OfficeStaffFactory(office=office, user=clerk, role=StaffRole.CLERK)
    visit = _visit(licence)
    audit, violations = AuditEntry.objects.count(), Violation.objects.count()
    for person in (licence.holder, clerk):
        RoleAssignmentFactory(user=person, municipality=licence.municipality, role=Role.INSPECTOR)
        me = client_for(User.objects.get(pk=person.pk))
        missing = me.get("/api/v1/visits/999999999").json()
        scheduled = me.post(f"/api/v1/licences/{licence.number}/visits", {"scheduled_at": "1478/10/11 09:30"})
        recorded = me.post(f"/api/v1/visits/{visit.pk}/result", {**ALL_GOOD, "tariff_posted": False}, format="json")
        for response in (scheduled, recorded):
            assert (response.status_code, response.json()) == (404, missing), response.content
    assert client_for(licence.holder).get(f"/api/v1/visits/{visit.pk}").status_code == 200
    stored = SupervisionVisit.objects.get(pk=visit.pk)
    assert (stored.status, SupervisionVisit.objects.count()) == (InspectionStatus.SCHEDULED, 1)
    assert (AuditEntry.objects.count(), Violation.objects.count()) == (audit, violations)
