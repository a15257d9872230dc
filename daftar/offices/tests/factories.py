"""Offices and their rows for the tests, made directly with the models (the demo offices belong
to another part of the project and are not relied on): factory_boy factories for an office, its
weekly hours, services, staff, closures, the municipality's extended days and hours directive;
``make_office`` and ``staff`` build an office open 8:00–14:00 offering some services of the
catalogue, and its staff, for the tests of the apps above offices (transactions, revenue); the
clock and the tariffs are ``daftar.catalogue.tests.factories``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import factory

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue.tests.factories import catalogue_service, make_city
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.offices.models import (
    ExtendedDay,
    HoursDirective,
    Office,
    OfficeClosure,
    OfficeService,
    OfficeStaff,
    StaffRole,
    WeeklyHours,
)

OFFERED = ["property_inquiry", "charges_payment", "building_permit"]


class OfficeFactory(factory.django.DjangoModelFactory[Office]):
    """An office of ``district``'s municipality. ``weekdays=[0, 1, …]`` opens it 8:00–14:00 on
    those Iranian weekdays (0 = Saturday); ``services=[code, …]`` has it offer those services of
    the catalogue."""

    class Meta:
        model = Office
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    municipality = factory.LazyAttribute(lambda o: o.district.municipality)
    name = factory.Sequence(lambda n: f"دفتر نمونهٔ {n + 1}")
    address = "خیابان نمونه، پلاک ۱"
    lat = 35.7
    lng = 51.4

    @factory.post_generation
    def weekdays(office: Office, create: bool, extracted: Iterable[int] | None, **kwargs: Any) -> None:
        for weekday in extracted or ():
            WeeklyHoursFactory.create(office=office, weekday=weekday)

    @factory.post_generation
    def services(office: Office, create: bool, extracted: Iterable[str] | None, **kwargs: Any) -> None:
        for code in extracted or ():
            OfficeServiceFactory.create(office=office, service=catalogue_service(code))


class WeeklyHoursFactory(factory.django.DjangoModelFactory[WeeklyHours]):
    """One weekday's opening interval, 8:00–14:00 unless given."""

    class Meta:
        model = WeeklyHours

    office = factory.SubFactory(OfficeFactory)
    weekday = 0
    start = dt.time(8)
    end = dt.time(14)


class OfficeServiceFactory(factory.django.DjangoModelFactory[OfficeService]):
    class Meta:
        model = OfficeService

    office = factory.SubFactory(OfficeFactory)
    service = factory.LazyFunction(lambda: catalogue_service("property_inquiry"))


class OfficeStaffFactory(factory.django.DjangoModelFactory[OfficeStaff]):
    """A member of an office's staff (the model's default role: clerk)."""

    class Meta:
        model = OfficeStaff

    office = factory.SubFactory(OfficeFactory)
    user = factory.SubFactory(UserFactory)

    class Params:
        manager = factory.Trait(role=StaffRole.MANAGER)


class OfficeClosureFactory(factory.django.DjangoModelFactory[OfficeClosure]):
    """A day one office is closed, written directly (no bookings are cancelled)."""

    class Meta:
        model = OfficeClosure

    office = factory.SubFactory(OfficeFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 12, 1) + dt.timedelta(days=n))
    reason = "تعمیرات ساختمان"


class ExtendedDayFactory(factory.django.DjangoModelFactory[ExtendedDay]):
    """A day the municipality opens its offices for longer (the model's 8:00–20:00 unless given)."""

    class Meta:
        model = ExtendedDay

    municipality = factory.SubFactory(MunicipalityFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 3, 1) + dt.timedelta(days=n))
    title = "تمدید"


class HoursDirectiveFactory(factory.django.DjangoModelFactory[HoursDirective]):
    """The municipality's directive on working hours (the model's defaults unless given)."""

    class Meta:
        model = HoursDirective

    municipality = factory.SubFactory(MunicipalityFactory)


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
    return OfficeFactory.create(
        municipality=municipality, district=district, licence=licence, weekdays=weekdays, services=services
    )


def staff(office: Office, role: str = StaffRole.CLERK) -> User:
    return OfficeStaffFactory.create(office=office, role=role).user
