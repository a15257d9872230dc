"""Municipalities, tariffs (``TariffFactory``), the seeded catalogue's services and municipal
staff for the tariff tests and the tests of the apps above the catalogue, made directly with the
models (the demo belongs to another part of the project and is not relied on). Offices are
``daftar.offices.tests.factories``.

The clock is frozen at ``NOW``: Tuesday 3 Azar 1405 (2026-11-24), 10:00 Tehran, a working day
inside the example hours 8:00–14:00. Amounts are example figures (rials)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.catalogue.models import Service, Tariff
from daftar.catalogue.seed import CATALOGUE
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory

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


class TariffFactory(factory.django.DjangoModelFactory[Tariff]):
    """A municipality's tariff of a service (the property inquiry, 250,000 rials, since 2020)."""

    class Meta:
        model = Tariff

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.LazyFunction(lambda: catalogue_service("property_inquiry"))
    amount = AMOUNTS["property_inquiry"]
    effective_from = dt.date(2020, 1, 1)


def make_city() -> tuple[Municipality, District]:
    municipality = MunicipalityFactory.create()
    return municipality, DistrictFactory.create(municipality=municipality)


def catalogue_service(code: str) -> Service:
    """A service of the seeded catalogue; recreated after a transactional test's flush."""
    for position, (c, title, minutes, bookable) in enumerate(CATALOGUE, start=1):
        if c == code:
            return Service.objects.get_or_create(
                code=code,
                defaults={"title": title, "duration_minutes": minutes, "bookable": bookable, "position": position},
            )[0]
    raise LookupError(code)


def set_tariffs(municipality: Municipality, amounts: dict[str, int] | None = None, on: dt.date | None = None) -> None:
    for code, amount in (amounts or AMOUNTS).items():
        Tariff.objects.update_or_create(
            municipality=municipality,
            service=Service.objects.get(code=code),
            effective_from=on or TODAY - dt.timedelta(days=60),
            defaults={"amount": amount},
        )


def municipal(municipality: Municipality, role: str = "supervisor") -> User:
    user = UserFactory.create()
    RoleAssignmentFactory(user=user, municipality=municipality, role=role)
    return user


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
