"""Revenue API (issue 6 §6, S18): income, costs and profit per Jalali month, the municipality
report, and who may see what (IDOR: not yours = the body of a missing id).

The world (``daftar.ledger.tests.factories``) is two municipalities of their own (not the
demo's Tehran, whose demo offices carry a history of their own), so every figure below is a
hand sum of the rows made here. Today is frozen at 1405/09/03 (2026-11-24) in Tehran."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from daftar.accounts.models import User
from daftar.ledger import messages as ledger_msg
from daftar.ledger.tests.factories import TODAY, World, build_world, client, cost, jday, tx
from daftar.offices.models import Office
from daftar.offices.policy import NOT_FOUND
from daftar.revenue import messages as msg

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(db: Any, frozen: None) -> World:
    return build_world()


def revenue(who: User | None, office: Office | int | str, query: str = "") -> Any:
    pk = office.pk if isinstance(office, Office) else office
    return client(who).get(f"/api/v1/offices/{pk}/revenue{query}")


# --- revenue: hand sums across a Jalali month boundary ---------------------------------------


def test_profit_equals_hand_sum_across_the_mehr_aban_boundary(world: World) -> None:
    """1405/07/30 is the last day of Mehr (30 days) and 1405/08/01 the first of Aban: the two
    transactions land in different months, and each month's profit is its own hand sum."""
    mehr_last, aban_first = jday(1405, 7, 30), jday(1405, 8, 1)
    assert (mehr_last, aban_first) == (dt.date(2026, 10, 22), dt.date(2026, 10, 23))
    tx(world.office, "building_permit", mehr_last)  # 1,500,000
    tx(world.office, "property_inquiry", mehr_last, amount=350_000)  # below the tariff: allowed
    tx(world.office, "charges_payment", aban_first)  # 200,000
    tx(world.office, "other_inquiry", jday(1405, 8, 30))  # 300,000, last day of Aban
    tx(world.others_a1[0], "building_permit", aban_first)  # another office: not counted
    cost(world.office, 1405, 7, "rent", 800_000)
    cost(world.office, 1405, 8, "salaries", 1_000_000)
    cost(world.office, 1405, 8, "other", 50_000)
    cost(world.others_a1[0], 1405, 8, "rent", 9_999_999)  # another office: not counted

    response = revenue(world.manager, world.office, "?from=1405/07&to=۱۴۰۵/۰۸")
    assert response.status_code == 200, response.content
    body = response.json()
    mehr, aban = body["months"]
    assert mehr == {
        "year": 1405,
        "month": 7,
        "label": "مهر ۱۴۰۵",
        "income": 1_500_000 + 350_000,
        "costs": 800_000,
        "profit": 1_500_000 + 350_000 - 800_000,
        "transactions": 2,
    }
    assert aban == {
        "year": 1405,
        "month": 8,
        "label": "آبان ۱۴۰۵",
        "income": 200_000 + 300_000,
        "costs": 1_050_000,
        "profit": 500_000 - 1_050_000,
        "transactions": 2,
    }
    assert body["totals"] == {"income": 2_350_000, "costs": 1_850_000, "profit": 500_000, "transactions": 4}
    assert body["office"] == {"id": world.office.pk, "name": "دفتر آزمون ۱"}


def test_default_range_is_the_last_six_jalali_months_with_zeros(world: World) -> None:
    tx(world.office, "charges_payment", jday(1405, 9, 1))
    body = revenue(world.manager, world.office).json()
    assert [(m["year"], m["month"]) for m in body["months"]] == [
        (1405, 4),
        (1405, 5),
        (1405, 6),
        (1405, 7),
        (1405, 8),
        (1405, 9),
    ]
    assert [m["income"] for m in body["months"]] == [0, 0, 0, 0, 0, 200_000]
    assert body["from"]["label"] == "تیر ۱۴۰۵" and body["to"]["label"] == "آذر ۱۴۰۵"


def test_range_accepts_iso_and_jalali_dates_and_crosses_the_new_year(world: World) -> None:
    tx(world.office, "charges_payment", jday(1404, 12, 29))
    tx(world.office, "charges_payment", jday(1405, 1, 1))
    body = revenue(world.manager, world.office, f"?from={jday(1404, 11, 5).isoformat()}&to=1405-01-20").json()
    assert [(m["year"], m["month"], m["income"]) for m in body["months"]] == [
        (1404, 11, 0),
        (1404, 12, 200_000),
        (1405, 1, 200_000),
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=1405/13", ledger_msg.RANGE_INVALID),
        ("?from=abc", ledger_msg.RANGE_INVALID),
        ("?from=1405/02/31x", ledger_msg.RANGE_INVALID),
        ("?from=99999999999999999999/01", ledger_msg.RANGE_INVALID),
        ("?from=1405/08&to=1405/03", ledger_msg.RANGE_REVERSED),
        ("?from=1390/01&to=1405/08", ledger_msg.RANGE_TOO_LONG.format(months="۶۰")),
    ],
)
def test_bad_ranges_are_refused_in_persian(world: World, query: str, message: str) -> None:
    response = revenue(world.manager, world.office, query)
    assert response.status_code == 400
    assert response.json()["detail"] == message


# --- who may read revenue --------------------------------------------------------------------


def test_municipality_readers_read_and_a_clerk_is_refused(world: World) -> None:
    for who in (world.supervisor, world.authority, world.admin):
        assert revenue(who, world.office).status_code == 200
    refused = revenue(world.clerk, world.office)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_not_yours_reads_exactly_like_a_missing_office(world: World) -> None:
    missing = revenue(world.manager, 999_999)
    assert missing.status_code == 404
    assert missing.json()["detail"] == NOT_FOUND
    for who, office in [
        (world.clerk, world.others_a1[0]),  # a clerk of A reading B's revenue
        (world.manager, world.others_a1[0]),
        (world.supervisor_b, world.office),  # a reader of another municipality
        (world.citizen, world.office),
    ]:
        response = revenue(who, office)
        assert (response.status_code, response.content) == (404, missing.content)
    assert revenue(world.manager, "abc").content == missing.content


def test_anonymous_is_401(world: World) -> None:
    assert revenue(None, world.office).status_code == 401
    assert client().get("/api/v1/reports/revenue").status_code == 401
    assert client().get(f"/api/v1/offices/{world.office.pk}/costs").status_code == 401


# --- the municipality report -----------------------------------------------------------------


def report(who: User, query: str) -> Any:
    return client(who).get(f"/api/v1/reports/revenue{query}")


def test_municipality_report_by_district_and_by_service(world: World) -> None:
    tx(world.office, "building_permit", jday(1405, 7, 30))
    tx(world.others_a1[1], "building_permit", jday(1405, 8, 1))
    tx(world.lone, "charges_payment", jday(1405, 8, 15))
    tx(world.office_b, "building_permit", jday(1405, 8, 15))  # another municipality

    body = report(world.supervisor, "?municipality=shahr-a&from=1405/07&to=1405/08&by=district").json()
    assert body["municipality"]["slug"] == "shahr-a"
    assert [m["label"] for m in body["months"]] == ["مهر ۱۴۰۵", "آبان ۱۴۰۵"]
    groups = {g["name"]: g for g in body["groups"]}
    assert set(groups) == {"منطقهٔ ۱", "منطقهٔ ۲"}
    assert [(c["transactions"], c["revenue"]) for c in groups["منطقهٔ ۱"]["months"]] == [(1, 1_500_000), (1, 1_500_000)]
    assert [(c["transactions"], c["revenue"]) for c in groups["منطقهٔ ۲"]["months"]] == [(0, 0), (1, 200_000)]
    assert body["totals"]["revenue"] == 3_200_000
    assert body["totals"]["transactions"] == 3
    assert [m["revenue"] for m in body["totals"]["months"]] == [1_500_000, 1_700_000]

    by_service = report(world.admin, f"?municipality={world.a.pk}&from=1405/07&to=1405/08&by=service").json()
    services = {g["code"]: g for g in by_service["groups"]}
    assert services["building_permit"]["revenue"] == 3_000_000
    assert services["charges_payment"]["transactions"] == 1
    assert services["property_inquiry"]["revenue"] == 0  # every active service listed


def test_municipality_report_is_for_its_readers_only(world: World) -> None:
    missing = report(world.supervisor, "?municipality=no-such-city")
    assert missing.status_code == 404
    assert report(world.supervisor_b, "?municipality=shahr-a").content == missing.content
    assert report(world.manager, "?municipality=shahr-a").content == missing.content
    assert report(world.clerk, "").status_code == 404
    # a reader with one municipality needs no parameter
    assert report(world.supervisor_b, "").json()["municipality"]["slug"] == "shahr-b"
    assert (
        report(
            world.supervisor, f"?municipality={world.a.pk}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        ).status_code
        == 200
    )
    bad = report(world.supervisor, "?by=office")
    assert (bad.status_code, bad.json()["detail"]) == (400, msg.BY_INVALID)


def test_a_cost_added_through_the_api_shows_in_the_revenue(world: World) -> None:
    added = client(world.manager).post(
        f"/api/v1/offices/{world.office.pk}/costs",
        {"month": "۱۴۰۵/۰۹", "category": "rent", "amount": "۱۲٬۰۰۰٬۰۰۰"},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert revenue(world.manager, world.office).json()["months"][-1]["costs"] == 12_000_000
