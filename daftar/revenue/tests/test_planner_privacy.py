"""The planner never lets anyone read one office's figures (S18 planner, k =
PLANNER_MIN_OFFICES; issue 6 review, finding 3): it once did, by differencing two answers — A1
(3 offices) gave A1's exact total; A2 (1 office) fell back to the municipality average per
office, which × the public office count gave the municipality total; the difference was the
lone office's exact count. Now every answer is built from rounded cells of disjoint groups of at
least k offices, and the page says the figures are rounded.

Today is frozen at 1405/09/03: the planner's window is 1405/03 … 1405/08."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
import time_machine

from daftar.ledger.models import Transaction
from daftar.ledger.tests.factories import TODAY, World, build_world, client, jday, office_in, tx
from daftar.municipalities.models import District
from daftar.municipalities.tests.factories import DistrictFactory
from daftar.revenue import messages as msg
from daftar.revenue.planner import planner_estimate

pytestmark = pytest.mark.django_db

COSTS = {"staff_costs": 1, "rent": 1, "equipment": 1}


@pytest.fixture
def world(db: Any) -> Iterator[World]:
    with time_machine.travel(TODAY, tick=False):
        yield build_world()


@pytest.fixture(autouse=True)
def _k3(settings: Any) -> None:
    settings.PLANNER_MIN_OFFICES = 3
    settings.PLANNER_PER_ADDRESS_HOURLY = 1000


def line(estimate: dict, code: str) -> dict:
    return next(item for item in estimate["demand"] if item["service"] == code)


def twelve_permits_in_a1(w: World) -> None:
    a1 = [w.office, *w.others_a1]
    for i in range(12):  # 4 per office in Aban: 2 a month for the district
        tx(a1[i % 3], "building_permit", jday(1405, 8, 1 + i))


def answers(*districts: District) -> list[dict]:
    out = []
    for district in districts:
        estimate = planner_estimate(district=district, **COSTS)
        estimate.pop("district")
        out.append(estimate)
    return out


# --- the differencing attack (finding 3) ------------------------------------------------------


def test_reviewers_differencing_attack_no_longer_yields_the_lone_office(world: World) -> None:
    """/tmp/review/test_planner_leak.py, replayed: the lone office of A2 made 7 permits."""
    twelve_permits_in_a1(world)
    for i in range(7):  # the secret
        tx(world.lone, "building_permit", jday(1405, 7, 1 + i))
    e1, e2 = answers(world.a1, world.a2)
    l1, l2 = line(e1, "building_permit"), line(e2, "building_permit")
    months = e1["window"]["months"]
    d1_total = Fraction(l1["district_monthly_transactions"]) * months  # 2 a month × 6 = 12
    m_offices = 4  # the public finder lists the municipality's offices
    m_total = Fraction(l2["monthly_income"], l2["tariff"]) * months * m_offices
    assert round(m_total - d1_total) != 7
    # A2's fallback is an average over A1's publishable cell only (the lone office is a pool
    # of one, below k): round(12 / 6) = 2 a month over 3 offices = 0.67 → shown 0.7; income
    # 0.7 × 1,500,000 = 1,050,000 → rounded to 100,000 rials: 1,100,000
    assert e2["basis"] == "municipality"
    assert l2["new_office_monthly_transactions"] == 0.7
    assert l2["monthly_income"] == 1_100_000


def test_no_answer_depends_on_the_lone_offices_figures(world: World) -> None:
    """The decisive property: whatever the lone office did, every answer is the same."""
    twelve_permits_in_a1(world)
    tx(world.lone, "charges_payment", jday(1405, 5, 1))
    for i in range(7):
        tx(world.lone, "building_permit", jday(1405, 7, 1 + i))
    before = answers(world.a1, world.a2)
    for i in range(63):  # ten times as many permits, and a new service
        tx(world.lone, "building_permit", jday(1405, 3 + i % 6, 1 + i // 6))
        tx(world.lone, "property_inquiry", jday(1405, 3 + i % 6, 1 + i // 6))
    assert answers(world.a1, world.a2) == before


def test_small_districts_are_pooled_and_only_the_pool_total_counts(world: World) -> None:
    """A3 (1 office) and A2 (1 office) plus a second office in A2 form a pool of 3; asking A2
    or A3 gives the pool's average, and moving transactions between pool offices changes
    nothing (no answer separates the pool's members). The old complement fallback
    (municipality − A2, then − A1) would have isolated A3."""
    a3 = DistrictFactory(municipality=world.a, number=3, name="منطقهٔ ۳")
    second_a2, only_a3 = office_in(world.a2, "دفتر دوم منطقهٔ ۲"), office_in(a3, "دفتر منطقهٔ ۳")
    twelve_permits_in_a1(world)
    pool = [world.lone, second_a2, only_a3]
    for i in range(18):  # 18 permits in the pool: 3 a month over 3 offices → 1.0 each
        tx(pool[i % 3], "building_permit", jday(1405, 6, 1 + i))
    e2, e3 = answers(world.a2, a3)
    assert e2["basis"] == e3["basis"] == "municipality"
    assert e2["offices"] is None and line(e2, "building_permit")["district_monthly_transactions"] is None
    # the average over every publishable cell: (2 [A1] + 3 [pool]) ÷ (3 + 3) offices = 0.83 → 0.8
    assert line(e2, "building_permit")["new_office_monthly_transactions"] == 0.8
    assert line(e2, "building_permit")["monthly_income"] == 1_200_000  # 0.8 × 1,500,000
    before = answers(world.a1, world.a2, a3)
    moved = Transaction.objects.filter(office=world.lone).first()
    assert moved is not None
    Transaction.objects.filter(pk=moved.pk).update(office=only_a3, district=a3)  # lone → A3
    assert answers(world.a1, world.a2, a3) == before


def test_a_pool_below_k_offices_shows_nothing_of_its_own(world: World) -> None:
    """Two small districts of one office each (2 < k): neither appears in any answer."""
    a3 = DistrictFactory(municipality=world.a, number=3, name="منطقهٔ ۳")
    only_a3 = office_in(a3, "دفتر منطقهٔ ۳")
    for i in range(5):
        tx(world.lone, "completion_certificate", jday(1405, 7, 1 + i))
        tx(only_a3, "completion_certificate", jday(1405, 7, 1 + i))
    e2, e3 = answers(world.a2, a3)
    for estimate in (e2, e3):
        assert estimate["basis"] == "none"
        assert estimate["basis_note"] == msg.DEMAND_NONE.format(minimum="۳")
        assert estimate["monthly_income"] == 0
        assert all(item["new_office_monthly_transactions"] == 0 for item in estimate["demand"])


def test_a_district_with_k_offices_still_gets_its_own_rounded_figures(world: World) -> None:
    twelve_permits_in_a1(world)
    for i in range(7):  # 7 charge payments over 3 offices: 7/6 = 1.17 → 1 a month
        tx([world.office, *world.others_a1][i % 3], "charges_payment", jday(1405, 4, 1 + i))
    response = client().post("/api/v1/planner", {"district": world.a1.pk, **COSTS}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["basis"] == "district" and body["offices"] == 3
    assert body["money_step"] == 100_000
    permits, charges = line(body, "building_permit"), line(body, "charges_payment")
    assert permits["basis"] == "district" and permits["district_monthly_transactions"] == 2
    # share 2 ÷ (3 + 1) = 0.5 × 1,500,000 = 750,000 → 800,000 (half up)
    assert permits["new_office_monthly_transactions"] == 0.5 and permits["monthly_income"] == 800_000
    # whole transactions a month: 1; share 1 ÷ 4 = 0.25 → 0.3 × 200,000 = 60,000 → 100,000
    assert charges["district_monthly_transactions"] == 1
    assert charges["new_office_monthly_transactions"] == 0.3 and charges["monthly_income"] == 100_000
    assert body["monthly_income"] == 900_000
    for item in body["demand"]:  # income is never more precise than the shown share
        assert item["monthly_income"] % 100_000 == 0
        if item["tariff"] is not None:
            exact = Fraction(str(item["new_office_monthly_transactions"])) * item["tariff"]
            assert abs(item["monthly_income"] - exact) <= 50_000


def test_the_planner_page_says_figures_are_rounded(world: World) -> None:
    from django.test import Client

    twelve_permits_in_a1(world)
    html = Client().get("/planner/", {"district": world.a2.pk, **COSTS}).content.decode()
    assert msg.DEMAND_FALLBACK.format(minimum="۳") in html
    assert "درآمد به ۱۰۰٬۰۰۰ ریال گرد شده است" in html
    assert "۱٬۱۰۰٬۰۰۰" in html  # building permits: 0.7 × 1,500,000 → 1,100,000
