"""Built situations for the scorecard tests: Tehran's offices (licensed through the shared
``make_licence`` fixture, or not) with services, closures, ratings, violations, complaints,
reports and walk-in tickets placed in the first half of 1405 (``H1``: 1405/01/01 = 2026-03-21
to 1405/06/31 = 2026-09-22), computed on ``TODAY`` (1405/09/03), after it ended."""

from __future__ import annotations

import datetime as dt
import secrets
from itertools import count
from typing import Any

from django.utils import timezone

from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue.tests.factories import catalogue_service, set_tariffs
from daftar.complaints.models import Complaint, ComplaintStatus, Decision
from daftar.complaints.workflow import COMPLAINT
from daftar.feedback.models import FeedbackRequest, FeedbackStatus, Source
from daftar.feedback.services import keyed
from daftar.feedback.workflow import FEEDBACK
from daftar.hall.models import Ticket
from daftar.kernel.jalali import jalali_year_month
from daftar.ledger.tests.factories import TransactionFactory
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office, OfficeClosure, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.supervision.models import OfficeReport, Violation, ViolationType

H1 = "1405-H1"
TODAY = dt.date(2026, 11, 24)  # 1405/09/03
IN_H1 = dt.date(2026, 5, 10)  # 1405/02/20
_n = count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN)


def office_in(municipality: Municipality, district: District, licence: Any = None, name: str = "") -> Office:
    set_tariffs(municipality, on=dt.date(2020, 1, 1))
    extra = {"name": name} if name else {}
    return OfficeFactory.create(municipality=municipality, district=district, licence=licence, **extra)


def licensed_office(make_licence: Any, name: str = "") -> Office:
    """A Tehran office under a licence issued and valid since 2025 (so the H1 report was owed)."""
    licence = make_licence(valid_from=dt.date(2025, 1, 1))
    licence.issued_at = at(dt.date(2025, 1, 1))
    licence.save(update_fields=["issued_at"])
    office = office_in(licence.municipality, licence.district, licence=licence, name=name)
    OfficeStaffFactory.create(office=office, user=licence.holder, role=StaffRole.MANAGER)
    return office


def services(office: Office, n: int, *, outside: int = 0, day: dt.date = IN_H1) -> None:
    for i in range(n):
        TransactionFactory.create(office=office, day=day, outside_hours=i < outside)


def closure(office: Office, day: dt.date, announced: dt.date) -> None:
    OfficeClosure.objects.create(office=office, date=day, reason="تعمیرات", created_at=at(announced))


def ratings(office: Office, values: list[int], source: str = Source.SERVICE, day: dt.date = IN_H1) -> None:
    for rating in values:
        n = next(_n)
        row = FeedbackRequest(
            office=office,
            municipality_id=office.municipality_id,
            service=catalogue_service("property_inquiry"),
            source=source,
            source_key=keyed("source", f"scorecard-test:{n}"),
            recipient_key=keyed("recipient", f"scorecard-test:{n}"),
            day=day,
            nonce=secrets.token_hex(16),
            created_at=at(day, 0),
            expires_at=at(day, 0) + dt.timedelta(days=8),
            rating=rating,
            rated_at=at(day, 0),
        )
        row.jyear, row.jmonth = jalali_year_month(day)
        FEEDBACK.force(row, FeedbackStatus.RATED)
        row.save()


def violation(office: Office, code: str, day: dt.date = IN_H1) -> Violation:
    assert office.licence is not None
    return Violation.objects.create(
        licence=office.licence,
        municipality_id=office.municipality_id,
        violation_type=ViolationType.objects.get(municipality=None, code=code),
        observed_at=at(day),
        description="ثبت‌شده برای آزمون کارنامه",
    )


def upheld_complaint(office: Office, day: dt.date = IN_H1, decision: str = Decision.UPHELD) -> Complaint:
    row = Complaint(
        tracking_code=f"SC{next(_n):08d}",
        municipality_id=office.municipality_id,
        complainant=UserFactory.create(),
        office=office,
        ground="conduct",
        text="کارمند دفتر با من تند رفتار کرد.",
        due=at(day) + dt.timedelta(days=14),
        decision=decision,
        answer="بررسی شد.",
        answered_at=at(day + dt.timedelta(days=5)),
    )
    COMPLAINT.force(row, ComplaintStatus.ANSWERED)
    row.save()
    return row


def report(office: Office, sent: dt.date, period: str = H1) -> OfficeReport:
    assert office.licence is not None
    return OfficeReport.objects.create(
        licence=office.licence,
        municipality_id=office.municipality_id,
        period=period,
        submitted_at=at(sent),
        content="گزارش نیم‌سال برای آزمون کارنامه.",
    )


def tickets(office: Office, waits: list[int], day: dt.date = IN_H1) -> None:
    """Walk-in tickets called after ``waits`` minutes each."""
    for minutes in waits:
        issued = at(day, 9) + dt.timedelta(minutes=next(_n) % 30)
        Ticket.objects.create(
            office=office,
            service=catalogue_service("property_inquiry"),
            day=day,
            number=next(_n),
            token=secrets.token_hex(8),
            issued_at=issued,
            called_at=issued + dt.timedelta(minutes=minutes),
        )


def member(office: Office, role: str) -> Any:
    return OfficeStaffFactory.create(office=office, role=role).user


def now() -> dt.datetime:
    return timezone.now()
