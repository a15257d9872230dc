"""Offices, staff and tariffs for the tariff/transaction tests, made directly with the models
(the demo offices belong to another part of the project and are not relied on).

The clock is frozen at ``NOW``: Tuesday 3 Azar 1405 (2026-11-24), 10:00 Tehran, a working day
inside the example hours 8:00–14:00. Amounts are example figures (rials)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from rest_framework.test import APIClient

from daftar.accounts.models import RoleAssignment, User
from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue.models import Service, Tariff
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.offices.models import Office, OfficeService, OfficeStaff, StaffRole, WeeklyHours

TEHRAN = ZoneInfo("Asia/Tehran")
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=TEHRAN)  # Tuesday, ۱۴۰۵/۰۹/۰۳
TODAY = NOW.date()
YESTERDAY = TODAY - dt.timedelta(days=1)

# example figures, rials («نمونه»)
AMOUNTS = {
    "building_permit": 1_500_000,
    "property_inquiry": 250_000,
    "completion_certificate": 1_200_000,
    "charges_payment": 150_000,
    "other_inquiry": 120_000,
}
OFFERED = ["property_inquiry", "charges_payment", "building_permit"]

_numbers = itertools.count(1)


def make_city() -> tuple[Municipality, District]:
    municipality = MunicipalityFactory.create()
    return municipality, DistrictFactory.create(municipality=municipality)


def set_tariffs(municipality: Municipality, amounts: dict[str, int] | None = None, on: dt.date | None = None) -> None:
    for code, amount in (amounts or AMOUNTS).items():
        Tariff.objects.update_or_create(
            municipality=municipality,
            service=Service.objects.get(code=code),
            effective_from=on or TODAY - dt.timedelta(days=60),
            defaults={"amount": amount},
        )


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


def municipal(municipality: Municipality, role: str = "supervisor") -> User:
    user = UserFactory.create()
    RoleAssignment.objects.create(user=user, municipality=municipality, role=role)
    return user


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
