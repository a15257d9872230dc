"""Messages to the portal: the case's moves fill the outbox, the sweep delivers them, nothing
is lost while the portal is down, and the licence gets its national id everywhere it shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from daftar.applications.tests.factories import ApplicationFactory
from daftar.audit.models import AuditEntry
from daftar.licences.certificate import certificate_html
from daftar.licences.models import Licence
from daftar.licences.tests.helpers import issue_through_api
from daftar.portal.adapters import national_id_for, simulator_down, simulator_sent
from daftar.portal.models import PortalMessage
from daftar.portal.services import backoff, licence_enqueue, on_case_moved, portal_deliver
from daftar.portal.tasks import sweep_portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "licence-ed25519.pem"
    settings.LICENCE_SIGNING_KEY_FILE = str(path)
    return path


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_case_moves_and_the_licence_go_to_the_portal(tehran_rules, django_capture_on_commit_callbacks):
    api_client = APIClient()
    licence = issue_through_api(django_capture_on_commit_callbacks)
    queued = list(PortalMessage.objects.filter(application_id=licence.application_id).order_by("pk"))
    kinds = [m.kind for m in queued]
    assert kinds[0] == "status_changed" and queued[0].payload["status"] == "submitted"
    assert kinds.count("decision") == 1
    decision = next(m for m in queued if m.kind == "decision")
    assert decision.payload["decision"] == "approved"
    assert kinds[-1] == "licence_issued" and queued[-1].licence_id == licence.pk
    assert queued[-1].payload["number"] == licence.number
    assert licence.national_id == ""
    # the verify API says so before the portal answers
    assert api_client.get(f"/api/v1/licences/{licence.number}/verify").json()["national_id"] == ""

    assert queued[0].sent_at is not None  # the submission committed: handed over at once
    assert all(m.sent_at is None for m in queued[1:])  # the rest wait for a worker (no commit here)
    assert sweep_portal() == len(queued) - 1
    assert not PortalMessage.objects.filter(sent_at__isnull=True).exists()
    licence.refresh_from_db()
    assert licence.national_id == national_id_for(licence.number)
    assert [m["kind"] for m in simulator_sent()] == kinds
    assert AuditEntry.objects.filter(action="licence.national_id", object_id=str(licence.pk)).exists()

    body = api_client.get(f"/api/v1/licences/{licence.number}/verify").json()
    assert body["national_id"] == licence.national_id
    assert body["number"] == licence.number and body["signature_valid"] is True  # the rest unchanged
    assert f'<span class="ltr">{licence.national_id}</span>' in certificate_html(licence)


def test_a_rejection_is_sent_as_a_decision_with_its_reason(make_licence) -> None:
    application = ApplicationFactory.create(tracking_code="AB12-CD34-EF")
    application.decision_reason = "سابقهٔ کیفری"
    sent = on_case_moved(application, "reject", "final_review", "rejected")
    assert [m.kind for m in sent] == ["status_changed", "decision"]
    assert sent[1].payload["decision"] == "rejected" and sent[1].payload["reason"] == "سابقهٔ کیفری"
    draft = ApplicationFactory.create(tracking_code=None)
    assert on_case_moved(draft, "withdraw", "draft", "withdrawn") == []


def test_a_deemed_approval_is_a_decision_and_registers_the_licence(make_licence) -> None:
    licence = make_licence()
    licence.application.tracking_code = "AB12-CD34-GH"
    sent = on_case_moved(licence.application, "deemed_approval", "final_review", "licence_issued")
    assert [m.kind for m in sent] == ["status_changed", "decision", "licence_issued"]
    assert sent[1].payload["decision"] == "deemed_approval"
    assert sent[2].licence_id == licence.pk and sent[2].payload["number"] == licence.number


def test_nothing_is_lost_while_the_portal_is_down(make_licence) -> None:
    licence = make_licence()
    message = licence_enqueue(licence, kind="register_licence")
    simulator_down(True)
    assert sweep_portal() == 0
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and message.error_code == "timeout"
    assert message.next_attempt_at > timezone.now() + backoff(1) - dt.timedelta(seconds=5)
    assert sweep_portal() == 0  # not due yet: no second attempt
    assert PortalMessage.objects.get(pk=message.pk).attempts == 1
    # the next attempt, still down: the wait doubles
    assert portal_deliver(message.pk, now=later(2)) is False
    message.refresh_from_db()
    assert message.attempts == 2
    assert backoff(2) == 2 * backoff(1)
    # the portal is back: the next due attempt goes through and the licence gets its id
    simulator_down(False)
    assert portal_deliver(message.pk, now=later(60)) is True
    message.refresh_from_db()
    licence.refresh_from_db()
    assert message.sent_at is not None and message.last_error == "" and message.attempts == 3
    assert licence.national_id == national_id_for(licence.number)
    assert portal_deliver(message.pk, now=later(120)) is False  # sent once, never again


def test_backoff_doubles_up_to_its_cap(settings) -> None:
    settings.PORTAL_RETRY_BASE_SECONDS, settings.PORTAL_RETRY_MAX_SECONDS = 60, 3600
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 6, 7, 50)] == [60, 120, 240, 1920, 3600, 3600]


def test_a_second_answer_for_the_same_licence_changes_nothing(make_licence) -> None:
    licence = make_licence()
    first = licence_enqueue(licence, kind="register_licence")
    second = licence_enqueue(licence, kind="register_licence")
    assert portal_deliver(first.pk) and portal_deliver(second.pk)
    assert AuditEntry.objects.filter(action="licence.national_id").count() == 1
    assert Licence.objects.get(pk=licence.pk).national_id == national_id_for(licence.number)
