"""Revenue analytics (S18): income, costs and profit per Jalali month of one office, and the
municipality's volume and revenue per district or per service per Jalali month.

Everything is grouped in the database: ``Transaction`` carries its Jalali ``jyear``/``jmonth``,
district and municipality (copied at recording time), so a report is one ``GROUP BY`` on
indexed columns (``transaction_office_month``, ``transaction_city_month``) with no calendar
conversion and no join; months without data are filled with zeros here. Months and their ranges
are ``daftar.ledger.months``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum

from daftar.catalogue.models import Service
from daftar.kernel.errors import ApplicationError
from daftar.ledger.models import CostEntry, Transaction
from daftar.ledger.months import Month, months_q
from daftar.municipalities.models import District
from daftar.runtime.dbrouter import reading_from_replica

from . import messages as msg

BY_DISTRICT, BY_SERVICE = "district", "service"
GROUPINGS = (BY_DISTRICT, BY_SERVICE)


# --- one office -------------------------------------------------------------------------------


@reading_from_replica()  # a heavy report: on the read replica when there is one
def office_revenue(office_id: int, months: list[Month]) -> dict[str, Any]:
    """Income (sum of amounts received), costs, profit and the number of transactions of one
    office per Jalali month of ``months``, and their totals. Two grouped queries."""
    income: dict[tuple[int, int], dict[str, Any]] = {
        (r["jyear"], r["jmonth"]): dict(r)
        for r in Transaction.objects.filter(months_q(months), office_id=office_id)
        .order_by()
        .values("jyear", "jmonth")
        .annotate(income=Sum("amount"), transactions=Count("id"))
    }
    costs = {
        (r["jyear"], r["jmonth"]): r["costs"]
        for r in CostEntry.objects.filter(months_q(months), office_id=office_id)
        .order_by()
        .values("jyear", "jmonth")
        .annotate(costs=Sum("amount"))
    }
    rows = []
    for m in months:
        got = income.get((m.year, m.month), {})
        row_income = int(got.get("income") or 0)
        row_costs = int(costs.get((m.year, m.month)) or 0)
        rows.append(
            {
                **m.body(),
                "income": row_income,
                "costs": row_costs,
                "profit": row_income - row_costs,
                "transactions": int(got.get("transactions") or 0),
            }
        )
    totals = {key: sum(r[key] for r in rows) for key in ("income", "costs", "profit", "transactions")}
    return {"from": months[0].body(), "to": months[-1].body(), "months": rows, "totals": totals}


# --- the municipality -------------------------------------------------------------------------


def municipality_revenue_rows(municipality_id: int, months: list[Month], by: str) -> list[dict[str, Any]]:
    """The database's answer: one row per (district or service, jyear, jmonth) with data."""
    key = "district_id" if by == BY_DISTRICT else "service_id"
    return list(
        Transaction.objects.filter(months_q(months), municipality_id=municipality_id)
        .order_by()
        .values(key, "jyear", "jmonth")
        .annotate(transactions=Count("id"), revenue=Sum("amount"))
    )


def _groups(municipality_id: int, by: str, seen: Iterable[int]) -> list[dict[str, Any]]:
    if by == BY_DISTRICT:
        districts = District.objects.filter(Q(municipality_id=municipality_id) | Q(pk__in=list(seen)))
        return [{"id": d.pk, "name": d.name} for d in districts.order_by("number", "pk")]
    services = Service.objects.filter(Q(active=True) | Q(pk__in=list(seen))).order_by("position", "pk")
    return [{"id": s.pk, "code": s.code, "name": s.title} for s in services]


@reading_from_replica()  # a heavy report: on the read replica when there is one
def municipality_revenue(municipality_id: int, months: list[Month], by: str = BY_DISTRICT) -> dict[str, Any]:
    """Volume (transactions) and revenue per district (``by="district"``) or per service per
    Jalali month, every district/active service listed (zeros where nothing happened), with
    per-group, per-month and grand totals. One grouped query plus the group names."""
    if by not in GROUPINGS:
        raise ApplicationError(msg.BY_INVALID, code="invalid", fields={"by": [msg.BY_INVALID]})
    key = "district_id" if by == BY_DISTRICT else "service_id"
    cells: dict[tuple[int, int], dict[str, int]] = {}
    for r in municipality_revenue_rows(municipality_id, months, by):
        cells[(r[key], Month(r["jyear"], r["jmonth"]).index)] = {
            "transactions": int(r["transactions"]),
            "revenue": int(r["revenue"] or 0),
        }
    zero = {"transactions": 0, "revenue": 0}
    groups = []
    for group in _groups(municipality_id, by, {gid for gid, _ in cells}):
        series = [{"year": m.year, "month": m.month, **cells.get((group["id"], m.index), zero)} for m in months]
        groups.append(
            {
                **group,
                "transactions": sum(s["transactions"] for s in series),
                "revenue": sum(s["revenue"] for s in series),
                "months": series,
            }
        )
    per_month = []
    for i, m in enumerate(months):
        per_month.append(
            {
                **m.body(),
                "transactions": sum(g["months"][i]["transactions"] for g in groups),
                "revenue": sum(g["months"][i]["revenue"] for g in groups),
            }
        )
    return {
        "by": by,
        "from": months[0].body(),
        "to": months[-1].body(),
        "months": [m.body() for m in months],
        "groups": groups,
        "totals": {
            "transactions": sum(g["transactions"] for g in groups),
            "revenue": sum(g["revenue"] for g in groups),
            "months": per_month,
        },
    }
