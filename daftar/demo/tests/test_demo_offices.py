"""The demo offices (issue 6; API.md «Demo data»): three licensed Tehran offices, bookable in
the next two weeks, more than 1 km from (35.745, 51.553), with tariffs and three months of
history; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.management import call_command
from django.utils import timezone

from daftar.applications.models import Application
from daftar.audit.services import verify_chain
from daftar.catalogue.models import Service, Tariff
from daftar.kernel.jalali import jalali_year_month, parse_date
from daftar.ledger.models import CostEntry, Transaction
from daftar.licences.models import Licence
from daftar.municipalities.models import Municipality
from daftar.offices.hours import day_hours
from daftar.offices.models import HoursDirective, Office, OfficeService, OfficeStaff, WeeklyHours
from daftar.offices.tests.factories import HoursDirectiveFactory

pytestmark = pytest.mark.django_db

POINT = (35.745, 51.553)


def km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def counts() -> tuple[int, ...]:
    models = (Office, OfficeStaff, WeeklyHours, OfficeService, Tariff, Transaction, CostEntry, Licence, Application)
    return (*(m.objects.count() for m in models), HoursDirective.objects.count())


def test_three_licensed_offices_bookable_within_two_weeks_and_a_second_load_changes_nothing():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    offices = list(Office.objects.select_related("licence", "district").order_by("pk"))
    assert len(offices) == 3 and len({o.district_id for o in offices}) == 3
    today = timezone.localdate()
    for office in offices:
        assert office.municipality.slug == "tehran" and office.active and 2 <= office.counters <= 3
        assert office.licence is not None and office.licence.status == "active" and office.licence.signature
        assert km(office.lat, office.lng, *POINT) > 1.0
        assert any(day_hours(office, today + dt.timedelta(days=n)).intervals for n in range(1, 15))
        offered = set(OfficeService.objects.filter(office=office).values_list("service__code", flat=True))
        assert offered == set(Service.objects.filter(bookable=True, active=True).values_list("code", flat=True))
    first_office = offices[0]
    roles = dict(OfficeStaff.objects.filter(office=first_office).values_list("user__mobile", "role"))
    assert roles == {"09120000008": "manager", "09120000009": "clerk"}
    assert WeeklyHours.objects.filter(office=first_office, weekday=5).exists()  # Thursday 8–12
    directive = HoursDirective.objects.get(municipality__slug="tehran")
    assert (directive.thursday_end, directive.evening_start, directive.evening_end) == (
        dt.time(12),
        dt.time(16),
        dt.time(18),
    )
    assert verify_chain() is None


def test_tariffs_and_the_history_of_transactions_and_costs():
    call_command("load_demo")
    start = parse_date("1404/01/01")
    tariffs = Tariff.objects.filter(municipality__slug="tehran", effective_from=start)
    assert tariffs.count() == 6 and tariffs.get(service__code="building_permit").amount == 1_500_000
    rows = list(Transaction.objects.all())
    assert len(rows) > 3 * 50
    assert all(t.amount == t.tariff_amount == t.tariff.amount for t in rows)
    assert all((t.jyear, t.jmonth) == jalali_year_month(t.day) for t in rows)
    assert all(t.district_id == t.office.district_id and t.municipality_id == t.office.municipality_id for t in rows)
    assert len({(t.office_id, t.payment_ref) for t in rows}) == len(rows)
    assert all(t.day < timezone.localdate() and t.day.weekday() != 4 for t in rows)  # never a Friday
    assert len({(t.jyear, t.jmonth) for t in rows}) >= 3
    for office in Office.objects.all():
        assert set(CostEntry.objects.filter(office=office).values_list("category", flat=True)) == {
            "salaries",
            "rent",
            "equipment",
        }


def test_the_demo_offices_are_in_the_public_list():
    call_command("load_demo")
    from rest_framework.test import APIClient

    body = APIClient().get("/api/v1/offices?municipality=tehran").json()
    assert body["count"] == 3
    assert all(card["services"] and card["weekly_hours"] for card in body["results"])


def test_the_demo_keeps_a_stricter_directive_set_by_an_administrator():
    from daftar.demo.services import demo_load

    demo_load(offices=False)
    assert not Office.objects.exists()
    HoursDirectiveFactory(
        municipality=Municipality.objects.get(slug="tehran"),
        day_end=dt.time(13),
    )
    demo_load()
    assert Office.objects.count() == 3
    assert set(WeeklyHours.objects.values_list("weekday", "start", "end")) == {
        (d, dt.time(8), dt.time(13)) for d in range(5)
    }
