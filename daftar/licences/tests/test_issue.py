"""Issuing a licence through the case workflow, and the licences API (API.md «Licences (S16)»)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications.models import Application
from daftar.applications.tests.helpers import INSPECTION, client_for
from daftar.audit.models import AuditEntry
from daftar.audit.services import verify_chain
from daftar.kernel.jalali import to_jalali
from daftar.licences import signing
from daftar.licences.models import LicenceEvent
from daftar.licences.services import licence_is_verifiable, licence_qr_text
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.notifications.models import OutboxMessage

from .helpers import issue_through_api, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "licence-ed25519.pem"
    settings.LICENCE_SIGNING_KEY_FILE = str(path)
    return path


def test_issue_creates_a_signed_licence(tehran_rules, django_capture_on_commit_callbacks) -> None:
    licence = issue_through_api(django_capture_on_commit_callbacks)
    today = timezone.localdate()
    year = to_jalali(today, digits=False)[:4]
    assert re.fullmatch(rf"TEH-{year}-\d{{6}}", licence.number)
    assert licence.number == f"TEH-{year}-000001"
    assert Application.objects.get(pk=licence.application_id).licence_number == licence.number
    assert licence.holder.mobile == "09120000001"
    assert licence.holder_name == "سارا محمدی"
    assert licence.office_name.startswith("دفتر خدمات الکترونیک شهر — ")
    assert licence.district_id == licence.application.district_id
    assert float(licence.premises_area_m2 or 0) == 72  # measured by the inspector, not the declared 75
    assert licence.premises_location == INSPECTION["location"]
    assert licence.valid_from == today
    assert licence.valid_until == today.replace(year=today.year + 3)
    assert licence.status == "active"
    # signed payload
    assert licence.payload == (
        f"DFT1|{licence.number}|tehran|س*** م***ی|{today.isoformat()}|{licence.valid_until.isoformat()}"
    )
    assert signing.verify(licence.payload, licence.signature)
    assert licence_is_verifiable(licence)
    assert signing.token_parse(licence_qr_text(licence)) == (licence.payload, licence.signature)
    assert len(licence_qr_text(licence)) < 260
    # history, audit, SMS
    assert list(LicenceEvent.objects.filter(licence=licence).values_list("action", flat=True)) == ["issue"]
    entry = AuditEntry.objects.get(action="licence.issue")
    assert entry.data["number"] == licence.number and entry.actor.mobile == "09120000005"
    assert verify_chain() is None
    sms = OutboxMessage.objects.get(kind="licence_issued")
    assert sms.to == "09120000001"
    assert (sms.recipient, sms.municipality) == (licence.holder, licence.municipality)
    assert licence.number in sms.text and to_jalali(licence.valid_until) in sms.text
    assert to_jalali(licence.valid_from) in sms.text


def test_edited_row_is_no_longer_verifiable(tehran_rules, django_capture_on_commit_callbacks) -> None:
    licence = issue_through_api(django_capture_on_commit_callbacks)
    licence.valid_until = licence.valid_until + dt.timedelta(days=365)
    assert not licence_is_verifiable(licence)


def test_numbers_run_per_municipality_and_year(tehran_rules, django_capture_on_commit_callbacks) -> None:
    from daftar.licences.services import _next_number, number_prefix

    first = issue_through_api(django_capture_on_commit_callbacks)
    prefix = number_prefix(first.municipality, timezone.localdate())
    assert _next_number(prefix) == f"{prefix}000002"
    assert _next_number("KAR-1404-") == "KAR-1404-000001"


# --- the API ---------------------------------------------------------------------------------


def test_list_mine_and_staff_scoping(tehran_rules, django_capture_on_commit_callbacks) -> None:
    licence = issue_through_api(django_capture_on_commit_callbacks)
    mine = client_for(user("09120000001")).get("/api/v1/licences?mine=1").json()
    assert mine["count"] == 1
    row = mine["results"][0]
    assert row["number"] == licence.number and row["status"] == "active"
    assert row["valid_until_jalali"] and row["certificate_url"].endswith("/certificate.pdf")
    assert client_for(user("09120000006")).get("/api/v1/licences").json()["count"] == 1  # Tehran supervisor
    assert client_for(user("09120000006")).get("/api/v1/licences?mine=1").json()["count"] == 0
    assert client_for(user("09120000010")).get("/api/v1/licences").json()["count"] == 0  # another applicant
    karaj = MunicipalityFactory(slug="karaj", name="شهرداری کرج")
    DistrictFactory(municipality=karaj)
    stranger = RoleAssignmentFactory(municipality=karaj, role="supervisor", user=UserFactory(mobile="09350000099")).user
    assert client_for(stranger).get("/api/v1/licences").json()["count"] == 0


def test_certificate_access(tehran_rules, django_capture_on_commit_callbacks) -> None:
    licence = issue_through_api(django_capture_on_commit_callbacks)
    url = f"/api/v1/licences/{licence.number}/certificate.pdf"
    for mobile in ("09120000001", "09120000005"):  # the holder, Tehran's licensing authority
        response = client_for(user(mobile)).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="licence-{licence.number}.pdf"'
        assert response.content.startswith(b"%PDF")
    karaj = MunicipalityFactory(slug="karaj", name="شهرداری کرج")
    DistrictFactory(municipality=karaj)
    stranger = RoleAssignmentFactory(
        municipality=karaj, role="licensing_authority", user=UserFactory(mobile="09350000098")
    ).user
    for other in (user("09120000010"), stranger):
        response = client_for(other).get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client_for(user("09120000001")).get("/api/v1/licences/TEH-1404-999999/certificate.pdf").status_code == 404


def test_certificate_needs_login(tehran_rules, django_capture_on_commit_callbacks, api) -> None:
    licence = issue_through_api(django_capture_on_commit_callbacks)
    assert api.get(f"/api/v1/licences/{licence.number}/certificate.pdf").status_code == 401


def test_public_key_is_public(api, client) -> None:
    response = api.get("/api/v1/licences/public-key")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    pem = response.content.decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert client.get("/licences/public-key.pem").content.decode() == pem
    assert signing.verify("DFT1|x|y|z|2025-01-01|2028-01-01", signing.sign("DFT1|x|y|z|2025-01-01|2028-01-01"), pem)
