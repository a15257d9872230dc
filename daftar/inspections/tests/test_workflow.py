"""The declared tables of site inspections and supervision visits (``workflow.INSPECTION``,
``workflow.SUPERVISION_VISIT``) through the real API: a result recorded twice is refused (409)
and changes nothing, and the API answers and the pages offer the moves the table and the policy
allow the person now."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.inspections import messages as msg
from daftar.inspections.models import Inspection, SupervisionVisit
from daftar.inspections.services import inspection_record, inspection_schedule, visit_record, visit_schedule
from daftar.inspections.workflow import INSPECTION, SUPERVISION_VISIT, InspectionStatus
from daftar.notifications.models import OutboxMessage
from daftar.supervision.models import Violation

from .helpers import AUTHORITY, MEASURED, case_at_inspection, inspector

pytestmark = pytest.mark.django_db

OBSERVED = {
    "equipment": ["computers", "high_speed_internet", "signboard", "client_facilities"],
    "hours_posted": True,
    "tariff_posted": True,
    "premises_use": "commercial",
}
PAGE_MEASURED = {
    "premises_use": MEASURED["premises_use"],
    "measured_area_m2": MEASURED["measured_area_m2"],
    "equipment": MEASURED["equipment"],
    "lat": MEASURED["location"]["lat"],  # type: ignore[index]
    "lng": MEASURED["location"]["lng"],  # type: ignore[index]
}
FORM = 'id="form-title"'  # the result form of the detail pages


def soon() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


def fingerprint() -> tuple[Any, ...]:
    return (
        list(Inspection.objects.order_by("pk").values()),
        list(SupervisionVisit.objects.order_by("pk").values()),
        list(Application.objects.order_by("pk").values("pk", "status", "assessment")),
        Violation.objects.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def page_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_table_refuses_a_second_result():
    for lifecycle in (INSPECTION, SUPERVISION_VISIT):
        assert [(s, m.action) for s, m in lifecycle.illegal()] == [(InspectionStatus.DONE, "record")]


def test_an_inspection_recorded_again_is_refused_and_changes_nothing(tehran_rules):
    inspection = inspection_schedule(case_at_inspection(), inspector(), soon())
    inspection_record(inspection, MEASURED, inspector())
    before = fingerprint()
    response = client_for(inspector()).post(f"/api/v1/inspections/{inspection.pk}/result", MEASURED, format="json")
    assert response.status_code == 409, response.content
    assert (response.json()["code"], response.json()["detail"]) == ("already_done", msg.ALREADY_DONE)
    assert page_for(inspector()).post(f"/inspections/{inspection.pk}/", PAGE_MEASURED).status_code == 409
    assert fingerprint() == before


def test_a_supervision_visit_recorded_again_is_refused_and_changes_nothing(make_licence):
    visit = visit_schedule(make_licence(), inspector(), soon())
    visit_record(visit, OBSERVED, inspector())
    before = fingerprint()
    response = client_for(inspector()).post(f"/api/v1/visits/{visit.pk}/result", OBSERVED, format="json")
    assert response.status_code == 409, response.content
    assert (response.json()["code"], response.json()["detail"]) == ("already_done", msg.ALREADY_DONE)
    assert fingerprint() == before


def test_the_inspection_answer_and_page_offer_the_moves_available_now(tehran_rules):
    inspection = inspection_schedule(case_at_inspection(), inspector(), soon())
    authority = User.objects.get(mobile=AUTHORITY)
    url, page = f"/api/v1/inspections/{inspection.pk}", f"/inspections/{inspection.pk}/"
    assert client_for(inspector()).get(url).json()["actions"] == ["record"]
    assert FORM in page_for(inspector()).get(page).content.decode()
    assert client_for(authority).get(url).json()["actions"] == []  # reads, does not record
    assert FORM not in page_for(authority).get(page).content.decode()
    recorded = client_for(inspector()).post(f"{url}/result", MEASURED, format="json").json()
    assert (recorded["status"], recorded["actions"]) == ("done", [])
    assert FORM not in page_for(inspector()).get(page).content.decode()


def test_the_visit_answer_and_page_offer_the_moves_available_now(make_licence):
    licence = make_licence()
    visit = visit_schedule(licence, inspector(), soon())
    url, page = f"/api/v1/visits/{visit.pk}", f"/inspections/visits/{visit.pk}/"
    assert client_for(inspector()).get(url).json()["actions"] == ["record"]
    assert FORM in page_for(inspector()).get(page).content.decode()
    assert client_for(licence.holder).get(url).json()["actions"] == []  # the holder reads their visit
    assert FORM not in page_for(licence.holder).get(page).content.decode()
    recorded = client_for(inspector()).post(f"{url}/result", OBSERVED, format="json").json()
    assert (recorded["status"], recorded["actions"]) == ("done", [])
    assert FORM not in page_for(inspector()).get(page).content.decode()
