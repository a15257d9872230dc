"""Revenue and costs API (issue 6 §6, S18): income, costs and profit per Jalali month, the
municipality report, and who may see what (IDOR: not yours = the body of a missing id).

The fixtures build two municipalities of their own (not the demo's Tehran, whose demo offices
carry a history of their own), so every figure below is a hand sum of the rows made here.
Today is frozen at 1405/09/03 (2026-11-24) in Tehran."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any

import jdatetime
import pytest
import time_machine
from rest_framework.test import APIClient

from daftar.accounts.constants import Role
from daftar.accounts.models import RoleAssignment, User
from daftar.audit.models import AuditEntry
from daftar.catalogue.models import Service, Tariff
from daftar.core.jalali import TEHRAN, jalali_year_month
from daftar.ledger.models import CostEntry, Transaction
from daftar.municipalities.models import District, Municipality, Province
from daftar.offices.access import NOT_FOUND
from daftar.offices.models import Office, OfficeStaff, StaffRole
from daftar.services import report_messages as msg

pytestmark = pytest.mark.django_db

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
    return Office.objects.create(
        municipality=district.municipality, district=district, name=name, address="نشانی نمونه", lat=35.7, lng=51.4
    )


def staff(office: Office, who: User, role: str) -> None:
    OfficeStaff.objects.create(office=office, user=who, role=role)


def grant(who: User, role: str, municipality: Municipality) -> None:
    RoleAssignment.objects.create(user=who, role=role, municipality=municipality)


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
    a = Municipality.objects.create(slug="shahr-a", name="شهرداری الف", province=province)
    b = Municipality.objects.create(slug="shahr-b", name="شهرداری ب", province=province)
    a1 = District.objects.create(municipality=a, number=1, name="منطقهٔ ۱")
    a2 = District.objects.create(municipality=a, number=2, name="منطقهٔ ۲")
    b1 = District.objects.create(municipality=b, number=1, name="منطقهٔ ۱ ب")
    for municipality in (a, b):
        for code, amount in TARIFFS.items():
            Tariff.objects.create(
                municipality=municipality,
                service=Service.objects.get(code=code),
                amount=amount,
                effective_from=dt.date(2020, 1, 1),
            )
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
    staff(office, w.manager, StaffRole.MANAGER)
    staff(office, w.clerk, StaffRole.CLERK)
    staff(others[0], w.other_manager, StaffRole.MANAGER)
    grant(w.supervisor, Role.SUPERVISOR, a)
    grant(w.authority, Role.LICENSING_AUTHORITY, a)
    grant(w.admin, Role.MUNICIPALITY_ADMIN, a)
    grant(w.supervisor_b, Role.SUPERVISOR, b)
    return w


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(db: Any, frozen: None) -> World:
    return build_world()


def tx(office: Office, code: str, day: dt.date, amount: int | None = None) -> Transaction:
    """A transaction made directly (the recording service is another helper's): Jalali year and
    month from ``jalali_year_month``, as the model requires."""
    service = Service.objects.get(code=code)
    tariff = Tariff.objects.filter(municipality=office.municipality, service=service).latest("effective_from")
    jyear, jmonth = jalali_year_month(day)
    return Transaction.objects.create(
        office=office,
        municipality=office.municipality,
        district=office.district,
        service=service,
        tariff=tariff,
        tariff_amount=tariff.amount,
        amount=tariff.amount if amount is None else amount,
        payment_ref=f"REF{next(_seq)}",
        performed_at=dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=TEHRAN),
        day=day,
        jyear=jyear,
        jmonth=jmonth,
    )


def cost(office: Office, y: int, m: int, category: str, amount: int) -> CostEntry:
    return CostEntry.objects.create(office=office, jyear=y, jmonth=m, category=category, amount=amount)


def client(who: User | None = None) -> APIClient:
    c = APIClient()
    if who is not None:
        c.force_authenticate(who)
    return c


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
        ("?from=1405/13", msg.RANGE_INVALID),
        ("?from=abc", msg.RANGE_INVALID),
        ("?from=1405/02/31x", msg.RANGE_INVALID),
        ("?from=99999999999999999999/01", msg.RANGE_INVALID),
        ("?from=1405/08&to=1405/03", msg.RANGE_REVERSED),
        ("?from=1390/01&to=1405/08", msg.RANGE_TOO_LONG.format(months="۶۰")),
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


# --- costs -----------------------------------------------------------------------------------


def costs_url(office: Office | int) -> str:
    pk = office.pk if isinstance(office, Office) else office
    return f"/api/v1/offices/{pk}/costs"


def test_manager_adds_lists_and_deletes_costs_with_audit(world: World) -> None:
    c = client(world.manager)
    created = c.post(
        costs_url(world.office),
        {"month": "۱۴۰۵/۰۹", "category": "rent", "amount": "۱۲٬۰۰۰٬۰۰۰", "note": "اجارهٔ آذر"},
        format="json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["year"], entry["month"], entry["label"], entry["amount"]) == (1405, 9, "آذر ۱۴۰۵", 12_000_000)
    assert entry["deletable"] is True
    assert AuditEntry.objects.filter(action="services.cost_added", object_id=str(entry["id"])).exists()
    listed = c.get(costs_url(world.office)).json()
    assert [e["id"] for e in listed] == [entry["id"]]
    assert revenue(world.manager, world.office).json()["months"][-1]["costs"] == 12_000_000

    # a retry with the same Idempotency-Key gets the first answer back, no second entry
    again = c.post(
        costs_url(world.office),
        {"month": "1405/09", "category": "rent", "amount": 5},
        format="json",
        HTTP_IDEMPOTENCY_KEY="cost-retry-0001",
    )
    retry = c.post(
        costs_url(world.office),
        {"month": "1405/09", "category": "rent", "amount": 5},
        format="json",
        HTTP_IDEMPOTENCY_KEY="cost-retry-0001",
    )
    assert again.status_code == retry.status_code == 201
    assert again.json()["id"] == retry.json()["id"]
    assert CostEntry.objects.filter(amount=5).count() == 1
    CostEntry.objects.filter(amount=5).delete()

    assert c.delete(f"{costs_url(world.office)}/{entry['id']}").status_code == 204
    assert not CostEntry.objects.filter(pk=entry["id"]).exists()
    assert AuditEntry.objects.filter(action="services.cost_deleted").count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"month": "1405/10", "category": "rent", "amount": 1}, "month", msg.MONTH_IN_FUTURE),
        ({"month": "1405/13", "category": "rent", "amount": 1}, "month", msg.MONTH_INVALID),
        ({"month": "آبان", "category": "rent", "amount": 1}, "month", msg.MONTH_INVALID),
        (
            {"month": "1305/01", "category": "rent", "amount": 1},
            "month",
            msg.MONTH_TOO_OLD.format(month="فروردین ۱۳۰۵"),
        ),
        ({"month": "1405/08", "category": "food", "amount": 1}, "category", msg.CATEGORY_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": 0}, "amount", msg.AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": -5}, "amount", msg.AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": "12.5"}, "amount", msg.AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": 10**30}, "amount", msg.AMOUNT_TOO_LARGE),
        ({"month": "1405/08", "category": "rent", "amount": True}, "amount", msg.AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": 5, "note": "ن" * 201}, "note", msg.NOTE_TOO_LONG),
    ],
)
def test_bad_cost_input_is_refused_in_persian(world: World, body: dict, field: str, message: str) -> None:
    response = client(world.manager).post(costs_url(world.office), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"][field] == [message]
    assert not CostEntry.objects.exists()


def test_a_settled_month_cannot_be_deleted(world: World) -> None:
    open_last_month = cost(world.office, 1405, 8, "rent", 5)
    settled = cost(world.office, 1405, 7, "rent", 5)
    c = client(world.manager)
    refused = c.delete(f"{costs_url(world.office)}/{settled.pk}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == msg.COST_LOCKED.format(month="مهر ۱۴۰۵")
    assert c.delete(f"{costs_url(world.office)}/{open_last_month.pk}").status_code == 204
    assert c.delete(f"{costs_url(world.office)}/{open_last_month.pk}").status_code == 404
    assert c.delete(f"{costs_url(world.office)}/xyz").status_code == 404


def test_costs_access(world: World) -> None:
    theirs = cost(world.others_a1[0], 1405, 9, "rent", 5)
    body = {"month": "1405/09", "category": "rent", "amount": 5}
    missing = client(world.manager).post(costs_url(999_999), body, format="json")
    assert missing.status_code == 404
    # the manager of A cannot write B (or delete its costs): B does not exist for them
    assert client(world.manager).post(costs_url(world.others_a1[0]), body, format="json").content == missing.content
    assert client(world.manager).delete(f"{costs_url(world.others_a1[0])}/{theirs.pk}").content == missing.content
    # nor can they delete B's cost through their own office
    assert client(world.manager).delete(f"{costs_url(world.office)}/{theirs.pk}").status_code == 404
    # the clerk: 403 reading and writing their own office's costs; 404 on another office
    assert client(world.clerk).get(costs_url(world.office)).status_code == 403
    assert client(world.clerk).post(costs_url(world.office), body, format="json").status_code == 403
    assert client(world.clerk).get(costs_url(world.others_a1[0])).content == missing.content
    # municipality readers read but do not write
    assert client(world.supervisor).get(costs_url(world.others_a1[0])).json()[0]["id"] == theirs.pk
    assert client(world.supervisor).post(costs_url(world.office), body, format="json").status_code == 403
    assert client(world.supervisor_b).get(costs_url(world.office)).content == missing.content
    assert CostEntry.objects.count() == 1
