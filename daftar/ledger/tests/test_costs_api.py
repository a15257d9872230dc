"""An office's costs through the API (issue 6 §6, S18): the manager adds, lists and deletes them
(audited, idempotent), inputs are refused in Persian, a settled month stays as recorded, and who
may see what (IDOR: not yours = the body of a missing id). Today is frozen at 1405/09/03."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from daftar.audit.models import AuditEntry
from daftar.ledger import messages as msg
from daftar.ledger.models import CostEntry
from daftar.offices.models import Office

from .factories import TODAY, World, build_world, client, cost

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(db: Any, frozen: None) -> World:
    return build_world()


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
        ({"month": "1405/08", "category": "rent", "amount": 0}, "amount", msg.COST_AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": -5}, "amount", msg.COST_AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": "12.5"}, "amount", msg.COST_AMOUNT_INVALID),
        ({"month": "1405/08", "category": "rent", "amount": 10**30}, "amount", msg.COST_AMOUNT_TOO_LARGE),
        ({"month": "1405/08", "category": "rent", "amount": True}, "amount", msg.COST_AMOUNT_INVALID),
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


# --- one window for adding and deleting (issue 6 review, finding 12) --------------------------


@pytest.mark.parametrize(("month", "label"), [("1405/07", "مهر ۱۴۰۵"), ("۱۴۰۳/۰۹", "آذر ۱۴۰۳")])
def test_a_settled_month_cannot_be_added_to_either(world: World, month: str, label: str) -> None:
    response = client(world.manager).post(
        costs_url(world.office), {"month": month, "category": "rent", "amount": 5}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["fields"]["month"] == [msg.MONTH_TOO_OLD.format(month=label)]
    assert not CostEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="services.cost_added").exists()


@pytest.mark.parametrize("month", ["1405/08", "۱۴۰۵/۰۹"])
def test_whatever_can_be_added_can_be_deleted(world: World, month: str) -> None:
    c = client(world.manager)
    added = c.post(costs_url(world.office), {"month": month, "category": "rent", "amount": 5}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["deletable"] is True
    assert c.delete(f"{costs_url(world.office)}/{added.json()['id']}").status_code == 204
    assert not CostEntry.objects.exists()
