"""Transactions and costs (``TransactionFactory``, ``CostEntryFactory``), and a world of the
offices' books for the ledger and revenue tests: two municipalities of their own (not the demo's
Tehran, whose demo offices carry a history of their own) with their districts, offices, staff,
municipal readers and tariffs, and transactions and costs made directly with the models, so that
every figure is a hand sum of the rows a test makes. Today is frozen at 1405/09/03 (2026-11-24)
in Tehran (``TODAY``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import count

import factory
import jdatetime
from rest_framework.test import APIClient

from daftar.accounts.constants import Role
from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.catalogue.models import Service, Tariff
from daftar.catalogue.tests.factories import TariffFactory
from daftar.kernel.jalali import TEHRAN, jalali_year_month
from daftar.ledger.models import CostEntry, Transaction
from daftar.municipalities.models import District, Municipality, Province
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory

TODAY = dt.datetime(2026, 11, 24, 10, 0, tzinfo=TEHRAN)  # 1405/09/03
_seq = count(1)


def jday(y: int, m: int, d: int) -> dt.date:
    return jdatetime.date(y, m, d).togregorian()


@dataclass
class World:
    a: Municipality
    b: Municipality
    a1: District
    a2: District
    b1: District
    office: Office  # A1, the main office of the tests
    others_a1: list[Office]  # two more offices in A1
    lone: Office  # the only office of A2
    office_b: Office
    manager: User
    clerk: User
    other_manager: User  # manager of others_a1[0]
    supervisor: User
    authority: User
    admin: User
    supervisor_b: User
    citizen: User
    tariffs: dict[str, int]


def user(mobile: str) -> User:
    return User.objects.create_user(mobile)


def office_in(district: District, name: str) -> Office:
    return OfficeFactory.create(district=district, name=name, address="نشانی نمونه")


def staff_of(office: Office, who: User, role: str) -> None:
    OfficeStaffFactory(office=office, user=who, role=role)


def grant(who: User, role: str, municipality: Municipality) -> None:
    RoleAssignmentFactory(user=who, role=role, municipality=municipality)


TARIFFS = {  # rials, example figures
    "building_permit": 1_500_000,
    "property_inquiry": 400_000,
    "completion_certificate": 1_200_000,
    "charges_payment": 200_000,
    "appointment_booking": 100_000,
    "other_inquiry": 300_000,
}


def build_world() -> World:
    province = Province.objects.order_by("pk").first() or Province.objects.create(name_fa="استان", name_en="Ostan")
    a = MunicipalityFactory(slug="shahr-a", name="شهرداری الف", province=province)
    b = MunicipalityFactory(slug="shahr-b", name="شهرداری ب", province=province)
    a1 = DistrictFactory(municipality=a, number=1, name="منطقهٔ ۱")
    a2 = DistrictFactory(municipality=a, number=2, name="منطقهٔ ۲")
    b1 = DistrictFactory(municipality=b, number=1, name="منطقهٔ ۱ ب")
    for municipality in (a, b):
        for code, amount in TARIFFS.items():
            TariffFactory(municipality=municipality, service=Service.objects.get(code=code), amount=amount)
    office = office_in(a1, "دفتر آزمون ۱")
    others = [office_in(a1, "دفتر آزمون ۲"), office_in(a1, "دفتر آزمون ۳")]
    lone = office_in(a2, "دفتر تنها")
    office_b = office_in(b1, "دفتر شهر ب")
    w = World(
        a=a,
        b=b,
        a1=a1,
        a2=a2,
        b1=b1,
        office=office,
        others_a1=others,
        lone=lone,
        office_b=office_b,
        manager=user("09121110001"),
        clerk=user("09121110002"),
        other_manager=user("09121110003"),
        supervisor=user("09121110004"),
        authority=user("09121110005"),
        admin=user("09121110006"),
        supervisor_b=user("09121110007"),
        citizen=user("09121110008"),
        tariffs=TARIFFS,
    )
    staff_of(office, w.manager, StaffRole.MANAGER)
    staff_of(office, w.clerk, StaffRole.CLERK)
    staff_of(others[0], w.other_manager, StaffRole.MANAGER)
    grant(w.supervisor, Role.SUPERVISOR, a)
    grant(w.authority, Role.LICENSING_AUTHORITY, a)
    grant(w.admin, Role.MUNICIPALITY_ADMIN, a)
    grant(w.supervisor_b, Role.SUPERVISOR, b)
    return w


class TransactionFactory(factory.django.DjangoModelFactory[Transaction]):
    """A transaction written directly (the recording service is another helper's): a property
    inquiry at 10:00 Tehran today, at the office's municipality's latest tariff, with the Jalali
    year and month from ``jalali_year_month``, as the model requires."""

    class Meta:
        model = Transaction

    office = factory.SubFactory(OfficeFactory)
    municipality = factory.LazyAttribute(lambda o: o.office.municipality)
    district = factory.LazyAttribute(lambda o: o.office.district)
    service = factory.LazyFunction(lambda: Service.objects.get(code="property_inquiry"))
    tariff = factory.LazyAttribute(
        lambda o: Tariff.objects.filter(municipality=o.municipality, service=o.service).latest("effective_from")
    )
    tariff_amount = factory.LazyAttribute(lambda o: o.tariff.amount)
    amount = factory.LazyAttribute(lambda o: o.tariff.amount)
    payment_ref = factory.LazyFunction(lambda: f"REF{next(_seq)}")
    day = factory.LazyFunction(lambda: TODAY.date())
    performed_at = factory.LazyAttribute(
        lambda o: dt.datetime(o.day.year, o.day.month, o.day.day, 10, 0, tzinfo=TEHRAN)
    )
    jyear = factory.LazyAttribute(lambda o: jalali_year_month(o.day)[0])
    jmonth = factory.LazyAttribute(lambda o: jalali_year_month(o.day)[1])


class CostEntryFactory(factory.django.DjangoModelFactory[CostEntry]):
    """One month's cost of an office (rent unless given)."""

    class Meta:
        model = CostEntry

    office = factory.SubFactory(OfficeFactory)
    jyear = 1405
    jmonth = 9
    category = "rent"
    amount = 50_000_000


def tx(office: Office, code: str, day: dt.date, amount: int | None = None) -> Transaction:
    """A transaction of ``code`` on ``day`` at the tariff (or at ``amount``)."""
    extra = {} if amount is None else {"amount": amount}
    return TransactionFactory.create(office=office, service=Service.objects.get(code=code), day=day, **extra)


def cost(office: Office, y: int, m: int, category: str, amount: int) -> CostEntry:
    return CostEntryFactory.create(office=office, jyear=y, jmonth=m, category=category, amount=amount)


def client(who: User | None = None) -> APIClient:
    c = APIClient()
    if who is not None:
        c.force_authenticate(who)
    return c
