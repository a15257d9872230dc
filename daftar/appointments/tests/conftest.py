"""Fixtures of appointment tests: two offices of one municipality built directly with the models
(no demo data), open Saturday–Wednesday 8:00–14:00 with 2 counters, offering the 15-minute
property inquiry and the 30-minute building permit (durations from the seeded catalogue);
citizens; a clerk of each office. The clock is frozen on Saturday 1405/09/28 (2026-12-19),
06:00 Tehran, before opening; Wednesday 2026-12-23 is an official holiday."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue.models import Service
from daftar.catalogue.tests.factories import catalogue_service
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory

SATURDAY = dt.date(2026, 12, 19)  # 1405/09/28
HOLIDAY = dt.date(2026, 12, 23)  # Wednesday, an official holiday (holidays.IR)
FRIDAY = dt.date(2026, 12, 25)
NOW = dt.datetime(2026, 12, 19, 6, 0, tzinfo=TEHRAN)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TEHRAN)


def make_office(district: Any, name: str, counters: int = 2) -> Office:
    return OfficeFactory.create(
        district=district,
        name=name,
        counters=counters,
        weekdays=range(5),  # Saturday … Wednesday, 8:00–14:00
        services=("property_inquiry", "building_permit", "appointment_booking"),
    )


@pytest.fixture
def clock(time_machine: Any) -> Any:
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def district(db: Any) -> Any:
    return DistrictFactory(municipality=MunicipalityFactory(slug="appt-city", name="شهرداری نمونه"))


@pytest.fixture
def office(district: Any) -> Office:
    return make_office(district, "دفتر خدمات الکترونیک شهر نمونهٔ یک")


@pytest.fixture
def office_b(district: Any) -> Office:
    return make_office(district, "دفتر خدمات الکترونیک شهر نمونهٔ دو")


@pytest.fixture
def inquiry(db: Any) -> Service:
    return catalogue_service("property_inquiry")  # 15 minutes


@pytest.fixture
def permit(db: Any) -> Service:
    return catalogue_service("building_permit")  # 30 minutes


@pytest.fixture
def citizen(db: Any) -> Any:
    return UserFactory(mobile="09351110001", first_name="مریم", last_name="احمدی")


@pytest.fixture
def citizen2(db: Any) -> Any:
    return UserFactory(mobile="09351110002", first_name="علی", last_name="رضایی")


@pytest.fixture
def citizen3(db: Any) -> Any:
    return UserFactory(mobile="09351110003", first_name="زهرا", last_name="کریمی")


def staff(office: Office, mobile: str, role: str = StaffRole.CLERK) -> Any:
    user = UserFactory(mobile=mobile)
    OfficeStaffFactory(office=office, user=user, role=role)
    return user


@pytest.fixture
def clerk(office: Office) -> Any:
    return staff(office, "09352220001")


@pytest.fixture
def clerk_b(office_b: Office) -> Any:
    return staff(office_b, "09352220002")
