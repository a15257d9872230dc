"""The demo's offices earn what a person would believe, whatever the day the demo is loaded: in
each full month a modest profit or a small loss (never a month of pure profit, never a ruinous
one), most months positive, costs beside every month with income (the scorecard's seeded weeks
too), the costs still marked as examples, and the tariffs labelled as examples where people
read them (the public tariff table, the office page)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from daftar.catalogue.models import Tariff
from daftar.demo.data import DEMO_HISTORY_DAYS, DEMO_TARIFF_RESOLUTION, DEMO_TARIFFS
from daftar.kernel.jalali import jalali_month_bounds
from daftar.ledger.models import CostEntry, Transaction
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office

pytestmark = pytest.mark.django_db

Month = tuple[int, int, int]  # office, Jalali year, Jalali month


@contextlib.contextmanager
def _on(day: dt.date | None) -> Iterator[None]:
    if day is None:  # the real day
        yield
        return
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TEHRAN), tick=False):
        yield


def _books() -> tuple[dict[Month, int], dict[Month, int]]:
    income: dict[Month, int] = defaultdict(int)
    costs: dict[Month, int] = defaultdict(int)
    for office, y, m, amount in Transaction.objects.values_list("office_id", "jyear", "jmonth", "amount"):
        income[(office, y, m)] += amount
    for office, y, m, amount in CostEntry.objects.values_list("office_id", "jyear", "jmonth", "amount"):
        costs[(office, y, m)] += amount
    return income, costs


def _full(key: Month, today: dt.date) -> bool:
    """The month lies wholly within the demo's history (the days before today)."""
    first, last = jalali_month_bounds(key[1], key[2])
    return first >= today - dt.timedelta(days=DEMO_HISTORY_DAYS) and last < today


@pytest.mark.parametrize(
    "day",
    [
        None,  # today
        dt.date(2026, 4, 25),  # 1405/02/05: Esfand and Farvardin, months of many holidays
        dt.date(2027, 1, 15),  # 1405/10/25: the scorecard's weeks of 1405/06 are seeded
        dt.date(2027, 8, 10),  # 1406/05/19: summer
    ],
)
def test_the_demo_offices_make_a_modest_profit_in_most_months(day: dt.date | None) -> None:
    with _on(day):
        call_command("load_demo")
        today = timezone.localdate()
    income, costs = _books()
    assert all(costs[k] for k in income), "a month with income and no costs beside it"
    profitable = [k for k in income if income[k] > costs[k]]
    assert len(profitable) >= len(income) * 3 / 5, (len(profitable), len(income))
    for office in Office.objects.filter(pk__in={k[0] for k in income}):
        months = sorted(k for k in income if k[0] == office.pk)
        full = [k for k in months if _full(k, today)]
        # the 90 days of history hold two whole Jalali months, except when they start on the 2nd
        # or 3rd of a 31-day month (a few days a year): then today's load holds one
        assert len(full) >= (1 if day is None else 2), (office.name, months)
        margins = {k[1:]: round(100 * (income[k] - costs[k]) / income[k]) for k in full}
        # a modest profit or a small loss in every full month: not 60% each month, no ruin
        assert all(-20 <= m <= 40 for m in margins.values()), (office.name, margins)
        assert 2 * len([k for k in months if k in profitable]) >= len(months), (office.name, margins)
    assert set(CostEntry.objects.values_list("note", flat=True)) == {"هزینهٔ نمونه"}


def test_the_demo_tariffs_are_labelled_as_examples_where_people_read_them() -> None:
    call_command("load_demo")
    tariffs = Tariff.objects.filter(municipality__slug="tehran", service__code__in=DEMO_TARIFFS)
    assert tariffs.count() == len(DEMO_TARIFFS)
    assert {t.revision.resolution for t in tariffs if t.revision} == {DEMO_TARIFF_RESOLUTION}
    assert "نمونه" in DEMO_TARIFF_RESOLUTION
    client = Client()
    table = client.get("/tariffs/?municipality=tehran").content.decode()
    office = Office.objects.get(staff__user__mobile="09120000008")
    page = client.get(f"/offices/{office.pk}/").content.decode()
    for body in (table, page):
        assert body.count(DEMO_TARIFF_RESOLUTION) == 1
        assert "مصوبهٔ شورا برای این تعرفه‌ها: نمونه" in body


def test_an_earlier_demos_tariffs_are_labelled_on_loading_again() -> None:
    call_command("load_demo")
    Tariff.objects.filter(municipality__slug="tehran").update(revision=None)
    call_command("load_demo")
    assert not Tariff.objects.filter(municipality__slug="tehran", revision=None).exists()
