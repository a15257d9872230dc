"""Offices made directly with the models (the demo offices belong to another part of the project
and are not relied on): open 8:00–14:00 on the given Iranian weekdays, offering some services of
the catalogue, and their staff. For the tests of the apps above offices (transactions, revenue);
the clock and the tariffs are ``daftar.catalogue.tests.factories``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue.models import Service
from daftar.catalogue.tests.factories import make_city
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.tests.factories import DistrictFactory
from daftar.offices.models import Office, OfficeService, OfficeStaff, StaffRole, WeeklyHours

OFFERED = ["property_inquiry", "charges_payment", "building_permit"]

_numbers = itertools.count(1)


def make_office(
    municipality: Municipality | None = None,
    district: District | None = None,
    *,
    licence: Any = None,
    services: Iterable[str] = OFFERED,
    weekdays: Iterable[int] = (0, 1, 2, 3, 4),
) -> Office:
    """An office open 8:00–14:00 on the given Iranian weekdays (0 = Saturday)."""
    if municipality is None:
        municipality, district = make_city()
    if district is None:
        district = DistrictFactory.create(municipality=municipality)
    office = Office.objects.create(
        municipality=municipality,
        district=district,
        licence=licence,
        name=f"دفتر نمونهٔ {next(_numbers)}",
        address="خیابان نمونه، پلاک ۱",
        lat=35.7,
        lng=51.4,
    )
    for weekday in weekdays:
        WeeklyHours.objects.create(office=office, weekday=weekday, start=dt.time(8), end=dt.time(14))
    for code in services:
        OfficeService.objects.create(office=office, service=Service.objects.get(code=code))
    return office


def staff(office: Office, role: str = StaffRole.CLERK) -> User:
    user = UserFactory.create()
    OfficeStaff.objects.create(office=office, user=user, role=role)
    return user
