"""Situations the licensing authority's page tests build: the demo authority, a licence with its
office and future bookings, cases waiting for the authority, and a notice to decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.appointments.models import Appointment
from daftar.appointments.tests.factories import AppointmentFactory
from daftar.audit.models import AuditEntry
from daftar.licences.models import Licence, LicenceEvent
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office
from daftar.offices.tests.factories import OfficeFactory
from daftar.supervision.models import Decision, Notice
from daftar.supervision.services import notice_issue, violation_record

AUTHORITY = "09120000005"
SUPERVISOR = "09120000006"
ADMIN = "09120000007"
REVIEWER = "09120000002"
APPLICANT = "09120000001"
REASON = "دفتر پس از ساعت مجاز کار کرده و تعرفه را نصب نکرده است"
EVIDENCE = "بازدید ساعت ۲۰:۱۰ — دفتر باز بود و به سه شهروند خدمت داد (عکس در پرونده)"


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def client_of(mobile: str) -> Client:
    client = Client()
    client.force_login(user(mobile))
    return client


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def office_of(licence: Licence, name: str = "دفتر خدمات الکترونیک شهر آزمون") -> Office:
    """The licence's office, open every day 8:00–14:00 (so only a sanction closes a day)."""
    return OfficeFactory.create(
        municipality=licence.municipality,
        district=licence.district,
        licence=licence,
        name=name,
        weekdays=range(7),
        services=["property_inquiry"],
    )


def book(office: Office, day: dt.date, n: int = 1) -> list[Appointment]:
    """``n`` bookings at ``office`` on ``day`` (10:00, one per counter)."""
    start = dt.datetime.combine(day, dt.time(10), tzinfo=TEHRAN)
    return [AppointmentFactory(office=office, start=start, day=day, counter=i + 1) for i in range(n)]


def waiting_case(status: str, due_in_days: int | None, **extra: Any) -> Application:
    due = timezone.now() + dt.timedelta(days=due_in_days) if due_in_days is not None else None
    return ApplicationFactory.create(status=status, submitted_at=timezone.now(), due_at=due, **extra)


def final_review(due_in_days: int | None, **extra: Any) -> Application:
    return waiting_case(Status.FINAL_REVIEW, due_in_days, **extra)


def approved(due_in_days: int | None, **extra: Any) -> Application:
    return waiting_case(Status.APPROVED, due_in_days, **extra)


def open_notice(licence: Licence, *, lapsed: bool = True, response: str = "") -> Notice:
    """A notice on one open violation; ``lapsed``: its time to respond has run out."""
    violation_record(licence, type_code="outside_hours", description=EVIDENCE, actor=user(SUPERVISOR))
    notice = notice_issue(licence, actor=user(SUPERVISOR))
    changes: dict[str, Any] = {}
    if response:
        changes.update(response_text=response, responded_at=timezone.now() - dt.timedelta(hours=2))
    if lapsed:
        changes["response_due"] = timezone.now() - dt.timedelta(minutes=5)
    if changes:
        Notice.objects.filter(pk=notice.pk).update(**changes)  # test set-up: time has passed
    notice.refresh_from_db()
    return notice


def counts() -> dict[str, int]:
    """The rows any move or decision writes (nothing may change on a refusal)."""
    return {
        "events": LicenceEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "decisions": Decision.objects.count(),
        "booked": Appointment.objects.filter(status="booked").count(),
    }
