"""Offices for the tests: Tehran from the demo (without its demo offices, unless asked) and a
factory that builds an office through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from daftar.accounts.models import User
from daftar.catalogue.models import Service
from daftar.municipalities.models import Municipality
from daftar.offices.models import HoursDirective, Office, OfficeService, StaffRole
from daftar.offices.services import hours_set, office_create, staff_add
from daftar.offices.tests.factories import HoursDirectiveFactory

MANAGER = "09120000008"
CLERK = "09120000009"
WEEK = [{"weekday": d, "start": "08:00", "end": "14:00"} for d in range(5)]


@pytest.fixture
def tehran(db: Any) -> Municipality:
    from daftar.demo.services import demo_load

    demo_load(offices=False)
    return Municipality.objects.get(slug="tehran")


@pytest.fixture
def directive(tehran: Municipality) -> HoursDirective:
    """Tehran's directive with Thursday until 12:00 and an evening shift 16:00–18:00 (S17)."""
    return HoursDirectiveFactory.create(
        municipality=tehran,
        thursday_end=dt.time(12),
        evening_start=dt.time(16),
        evening_end=dt.time(18),
    )


@pytest.fixture
def make_office(tehran: Municipality) -> Callable[..., Office]:
    numbers = itertools.count(1)

    def make(
        *,
        district: int = 3,
        hours: list[dict[str, Any]] | None = None,
        manager: str | None = MANAGER,
        clerk: str | None = None,
        services: list[str] | None = None,
        active: bool = True,
        municipality: Municipality | None = None,
    ) -> Office:
        n = next(numbers)
        city = municipality or tehran
        office = office_create(
            municipality=city,
            district=city.districts.get(number=district),
            name=f"دفتر آزمایشی {n}",
            address=f"تهران، خیابان آزمایش، پلاک {n}",
            lat=35.70 + n / 1000,
            lng=51.40,
            phone="02188001122",
            counters=2,
            equipment=["computers", "printer"],
            actor=None,
        )
        if manager:
            staff_add(office=office, mobile=manager, role=StaffRole.MANAGER, actor=None)
        if clerk:
            staff_add(office=office, mobile=clerk, role=StaffRole.CLERK, actor=None)
        hours_set(office=office, rows=WEEK if hours is None else hours, actor=None)
        wanted = (
            Service.objects.filter(bookable=True) if services is None else Service.objects.filter(code__in=services)
        )
        OfficeService.objects.bulk_create(OfficeService(office=office, service=s) for s in wanted)
        if not active:
            Office.objects.filter(pk=office.pk).update(active=False)
            office.refresh_from_db()
        return office

    return make


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)
