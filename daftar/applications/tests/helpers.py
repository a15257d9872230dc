"""Shared helpers for case tests: real PDF/PNG bytes, logged-in clients, a ready case, and a case
taken through review and on to the final review by the demo staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.calls.models import Call
from daftar.demo.data import DEMO_POINT, ELIGIBLE_FACTS
from daftar.documents.models import Document
from daftar.documents.samples import pdf_bytes as pdf_bytes  # re-exported for the tests
from daftar.documents.samples import png_bytes as png_bytes
from daftar.rules.models import DocumentRequirement

TEHRAN_POINT = DEMO_POINT  # inside the permitted zone (API.md «Demo data»)
GOOD_FACTS = ELIGIBLE_FACTS
INSPECTION = {
    "premises_use": "commercial",
    "measured_area_m2": 72,
    "equipment": ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"],
    "location": TEHRAN_POINT,
}

# The apply form as a person fills it (Persian digits, yes/no radios).
APPLY_FORM = {
    "has_criminal_record": "no",
    "has_addiction_certificate": "yes",
    "health_certified": "yes",
    "government_employee": "no",
    "represents_other_office": "no",
    "degree_level": "master",
    "degree_field": "urban_planning",
    "experience_years": "۵",
    "training_completed": "yes",
    "premises_use": "commercial",
    "premises_area_m2": "۷۵",
    "equipment": ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"],
    "lat": "۳۵٫۷۴۵",
    "lng": "51.553",
}


def upload_file(code: str, name: str | None = None) -> SimpleUploadedFile:
    requirement = DocumentRequirement.objects.get(code=code)
    if "application/pdf" in requirement.accepted_types:
        return SimpleUploadedFile(name or f"{code}.pdf", pdf_bytes(), content_type="application/pdf")
    return SimpleUploadedFile(name or f"{code}.png", png_bytes(), content_type="image/png")


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def staff(mobile: str) -> APIClient:
    """An API client of the demo staff member with this mobile number."""
    return client_for(User.objects.get(mobile=mobile))


def open_call() -> Call:
    return Call.objects.filter(municipality__slug="tehran").order_by("-pk")[0]  # demo_load opens one


def draft(
    client: APIClient, call: Call | None = None, district: int | None = None, facts: dict | None = None
) -> dict[str, Any]:
    call = call or open_call()
    district = district or call.districts.first().district_id
    response = client.post(
        "/api/v1/applications", {"call": call.pk, "district": district, "facts": facts or GOOD_FACTS}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def upload_all(client: APIClient, case_id: int) -> None:
    for requirement in DocumentRequirement.objects.filter(required=True, stage="submission"):
        response = client.post(
            f"/api/v1/applications/{case_id}/documents",
            {"type": requirement.code, "file": upload_file(requirement.code)},
            format="multipart",
        )
        assert response.status_code == 201, response.content


def submitted_case(client: APIClient, **kwargs: Any) -> dict[str, Any]:
    case = draft(client, **kwargs)
    upload_all(client, case["id"])
    response = client.post(f"/api/v1/applications/{case['id']}/submit")
    assert response.status_code == 200, response.content
    return response.json()


def move(client: APIClient, case_id: int, action: str, **body: Any) -> Any:
    return client.post(f"/api/v1/applications/{case_id}/transitions", {"action": action, **body}, format="json")


def national_code(n: int) -> str:
    body = f"{n:09d}"
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(total if total < 2 else 11 - total)


def applicant(n: int) -> User:
    return UserFactory.create(
        national_code=national_code(100000 + n),
        birth_date=dt.date(1988, 1, 1),
        first_name="نیلوفر",
        last_name=f"پاک‌نژاد {n}",
    )


def through_review(case_id: int) -> None:
    reviewer = client_for(User.objects.get(mobile="09120000002"))
    move(reviewer, case_id, "start_review")
    for document in Document.objects.filter(application_id=case_id):
        reviewer.post(f"/api/v1/documents/{document.pk}/review", {"decision": "accept"}, format="json")
    assert move(reviewer, case_id, "accept_documents").status_code == 200


def to_final_review(case_id: int, exam: float) -> None:
    examiner = client_for(User.objects.get(mobile="09120000003"))
    assert move(examiner, case_id, "record_exam", score=exam).status_code == 200
    assert move(examiner, case_id, "record_interview", scores=[80, 80]).status_code == 200
    inspector = client_for(User.objects.get(mobile="09120000004"))
    assert move(inspector, case_id, "record_inspection", **INSPECTION).json()["status"] == "final_review"
