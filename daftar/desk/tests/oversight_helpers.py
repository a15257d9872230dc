"""What the supervisor's oversight pages' tests share: the demo staff, clients and the counts a
refused or unconfirmed write must leave unchanged."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.audit.models import AuditEntry
from daftar.inspections.models import SupervisionVisit
from daftar.licences.models import Licence
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.supervision.models import OfficeReport

# a refusal's body is compared with a nonexistent id's byte for byte: the CSRF token's random
# parts are pinned so that two renders of the same page are identical
PINNED_CSRF = "deskpagesdeskpagesdeskpagesdeskp"  # 32 allowed characters: secret and mask alike
SUPERVISOR = "09120000006"
INSPECTOR = "09120000004"
AUTHORITY = "09120000005"
REVIEWER = "09120000002"
APPLICANT = "09120000001"
REPORT_TEXT = "در این نیم‌سال ۴۲۰ خدمت ارائه شد و هیچ شکایتی از شهروندان دریافت نشد."
NOTE = "تعداد خدمات استعلام ملک را به تفکیک ماه بنویسید."


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def client_of(who: User | str | None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(user(who) if isinstance(who, str) else who)
    return client


def counts() -> dict[str, int]:
    return {
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "visits": SupervisionVisit.objects.count(),
        "reports": OfficeReport.objects.exclude(status="submitted").count(),
    }


def office_of(licence: Licence, **extra: Any) -> Any:
    """The licence's office, its holder its manager."""
    office = OfficeFactory(municipality=licence.municipality, district=licence.district, licence=licence, **extra)
    OfficeStaffFactory(office=office, user=licence.holder, role=StaffRole.MANAGER)
    return office


def file_report(licence: Licence, period: str, at: dt.datetime, content: str = REPORT_TEXT) -> OfficeReport:
    """A report as the holder sent it at ``at`` (test set-up: ``report_submit`` stamps now)."""
    return OfficeReport.objects.create(
        licence=licence,
        municipality=licence.municipality,
        period=period,
        content=content,
        submitted_by=licence.holder,
        submitted_at=at,
    )


def visible(html: str) -> str:
    """The page's text without its tags and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


def soon(hours: int = 48) -> str:
    """A Jalali date-time ahead, as a person types it."""
    import jdatetime

    when = timezone.localtime() + dt.timedelta(hours=hours)
    return jdatetime.datetime.fromgregorian(datetime=when).strftime("%Y/%m/%d 10:00")


@pytest.fixture(autouse=True)
def pinned_csrf() -> Iterator[None]:
    """(Imported by each test module: autouse there.)"""
    with mock.patch("django.middleware.csrf._get_new_csrf_string", return_value=PINNED_CSRF):
        yield
