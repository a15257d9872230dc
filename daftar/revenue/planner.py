"""The feasibility planner (S18: «the income potential of the target area»).

A prospective founder picks a district and enters their monthly staff costs, rent and other
costs and the one-off equipment cost. The planner answers with the demand there, the tariff
table in force today, and a projection for a new office: monthly income, costs, profit and the
break-even month. Public (no login), rate-limited per address like licence verification.

Method (docs/revenue.md «Planner»):

1. **Window**: the last ``WINDOW_MONTHS`` complete Jalali months (the current month is not
   complete and is left out).
2. **Groups** (k = ``settings.PLANNER_MIN_OFFICES``): the municipality's *contributing* offices
   (a transaction in the window) are split into **disjoint** groups, the same whichever
   district is asked: each district with at least k contributing offices is a group of its
   own; all the other districts' contributing offices together form one **pool**.
3. **Publishable cells**: a cell (group, service) is used only when at least k offices of the
   group contributed that service. Its demand is the group's transactions ÷ months, **rounded
   to whole transactions per month** (half up). Nothing else about transactions is ever used.
4. **District demand** (basis ``district``): for a district that is a group of its own, its own
   publishable cell. **Fallback** (basis ``municipality``) — a district in the pool, or a
   service whose district cell is not publishable: the average per office over **all
   publishable cells** of that service in the municipality (Σ their rounded demand ÷ Σ their
   groups' contributing offices). With no publishable cell: nothing, zero demand.
   Why this is safe: every figure an answer depends on is a (sum of) rounded cell(s) of
   disjoint groups of ≥ k offices, so no combination of answers — for any districts —
   isolates fewer than k offices (the old fallback over the whole municipality, minus a
   published district total, gave a lone office's exact count: tests/test_planner_privacy.py).
5. **A new office's share** (assumption): with district demand, an equal share with the
   existing offices, ``district demand ÷ (offices + 1)``; with the fallback, an average office.
   Shown to one decimal (half up); income is computed from the **shown** share.
6. **Income** = Σ shown share × the service's tariff in force today, each line **rounded to
   100,000 rials** (half up; a service without a tariff adds nothing); monthly income = Σ lines.
   **Costs** = staff + rent + other (monthly, the founder's own figures, not rounded);
   **profit** = income − costs.
7. **Break-even month**: the first month ``k`` (1…``HORIZON_MONTHS``) when the cumulative
   profit ``k × profit`` covers the one-off equipment cost; ``null`` if never within the horizon.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from daftar.catalogue.tariffs import tariff_table
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.hashing import address_hash
from daftar.kernel.normalize import persian_digits
from daftar.ledger.costs import parse_amount
from daftar.ledger.models import Transaction
from daftar.ledger.months import Month, current_month, months_q
from daftar.municipalities.models import District
from daftar.runtime import ratelimit

from . import messages as msg

WINDOW_MONTHS = 6
HORIZON_MONTHS = 60
BASIS_DISTRICT, BASIS_MUNICIPALITY, BASIS_NONE = "district", "municipality", "none"


def min_offices() -> int:
    return max(1, int(getattr(settings, "PLANNER_MIN_OFFICES", 3)))


def planner_throttle(address: str) -> None:
    """At most ``PLANNER_PER_ADDRESS_HOURLY`` (default 120) estimates per address per hour."""
    limit = int(getattr(settings, "PLANNER_PER_ADDRESS_HOURLY", 120))
    wait = ratelimit.hit(f"planner:{address_hash(address)}", limit=limit, window=3600)
    if wait:
        raise ThrottledError(msg.PLANNER_THROTTLED.format(seconds=persian_digits(wait)), retry_after=wait)


def planner_district(raw: object) -> Any:
    if raw is None or str(raw).strip() == "":
        raise ApplicationError(msg.DISTRICT_REQUIRED, code="invalid", fields={"district": [msg.DISTRICT_REQUIRED]})
    try:
        pk = int(str(raw).strip().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")))
    except ValueError:
        raise ApplicationError(
            msg.DISTRICT_NOT_FOUND, code="invalid", fields={"district": [msg.DISTRICT_NOT_FOUND]}
        ) from None
    district = (
        District.objects.select_related("municipality").filter(pk=pk, municipality__is_active=True).first()
        if 0 < pk < 2**31
        else None
    )
    if district is None:
        raise ApplicationError(msg.DISTRICT_NOT_FOUND, code="invalid", fields={"district": [msg.DISTRICT_NOT_FOUND]})
    return district


def window(today: dt.date | None = None, months: int = WINDOW_MONTHS) -> list[Month]:
    now = current_month(today)
    return [now.shifted(-i) for i in range(months, 0, -1)]


MONEY_STEP = 100_000  # rials: published income is rounded to this (docs/revenue.md)
POOL = "pool"


def _half_up(value: Fraction, step: Fraction = Fraction(1)) -> Fraction:
    """``value`` rounded to a multiple of ``step``, halves away from zero (values are ≥ 0)."""
    return (value / step + Fraction(1, 2)).__floor__() * step


def _cells(municipality_id: int, months: list[Month], k: int) -> tuple[dict[Any, int], dict[int, Any], dict[Any, int]]:
    """The disjoint groups and their publishable cells (module docstring, steps 2–3).

    Returns ``(group offices, {district_id: group}, {(group, service_id): rounded monthly
    demand})``; a group is a district id (≥ k contributing offices) or ``POOL``; only cells
    with ≥ k contributing offices are in the last dict."""
    qs = Transaction.objects.filter(months_q(months), municipality_id=municipality_id).order_by()
    per_district = {
        r["office__district_id"]: int(r["offices"])
        for r in qs.values("office__district_id").annotate(offices=Count("office_id", distinct=True))
    }
    group_of = {d: (d if n >= k else POOL) for d, n in per_district.items()}
    group_offices: dict[Any, int] = {}
    for d, n in per_district.items():
        group_offices[group_of[d]] = group_offices.get(group_of[d], 0) + n
    raw: dict[tuple[Any, int], tuple[int, set[int]]] = {}
    # grouped by the office's (current) district, so every office is in exactly one group
    rows = qs.values("office__district_id", "service_id", "office_id").annotate(n=Count("id"))
    for r in rows:
        key = (group_of[r["office__district_id"]], r["service_id"])
        n, offices = raw.get(key, (0, set()))
        offices.add(r["office_id"])
        raw[key] = (n + int(r["n"]), offices)
    cells = {key: int(_half_up(Fraction(n, len(months)))) for key, (n, offices) in raw.items() if len(offices) >= k}
    return group_offices, group_of, cells


def _one_decimal(value: Fraction) -> Fraction:
    """A new office's share as shown: one decimal, half up (income is computed from it)."""
    return _half_up(value, Fraction(1, 10))


def planner_estimate(
    *,
    district: Any,
    staff_costs: object,
    rent: object,
    equipment: object,
    other_costs: object = 0,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The planner's answer for ``district`` (a ``District``) and the founder's costs."""
    fields: dict[str, list[str]] = {}
    amounts: dict[str, int] = {}
    for name, raw in (
        ("staff_costs", staff_costs),
        ("rent", rent),
        ("equipment", equipment),
        ("other_costs", other_costs),
    ):
        if name == "other_costs" and (raw is None or str(raw).strip() == ""):
            amounts[name] = 0
            continue
        try:
            amounts[name] = parse_amount(raw, allow_zero=True, field=name, error=msg.COST_FIELD_INVALID)
        except ApplicationError as exc:
            fields.update(exc.fields)
    if fields:
        raise ApplicationError(next(iter(fields.values()))[0], code="invalid", fields=fields)

    today = today or timezone.localdate()
    months = window(today)
    k = min_offices()
    n_months = len(months)
    group_offices, group_of, cells = _cells(district.municipality_id, months, k)
    own = group_of.get(district.pk)
    district_ok = own is not None and own != POOL  # a group of its own: ≥ k contributing offices
    d_offices = group_offices[own] if district_ok else 0

    def fallback(service_id: int) -> Fraction | None:
        """Average per office over every publishable cell of the service (step 4)."""
        groups = [g for (g, sid) in cells if sid == service_id]
        if not groups:
            return None
        return Fraction(sum(cells[(g, service_id)] for g in groups), sum(group_offices[g] for g in groups))

    lines = []
    income = 0
    any_fallback = False
    for line in tariff_table(district.municipality_id, today):
        service = line.service
        district_demand: int | None = None
        if district_ok and (own, service.pk) in cells:
            district_demand = cells[(own, service.pk)]
            exact_share = Fraction(district_demand, d_offices + 1)
            line_basis = BASIS_DISTRICT
        elif (average := fallback(service.pk)) is not None:
            exact_share = average
            line_basis = BASIS_MUNICIPALITY
            any_fallback = True
        else:
            exact_share, line_basis = Fraction(0), BASIS_NONE
        share = _one_decimal(exact_share)
        amount = line.amount
        line_income = int(_half_up(share * amount, Fraction(MONEY_STEP))) if amount is not None else 0
        income += line_income
        lines.append(
            {
                "service": service.code,
                "title": service.title,
                "basis": line_basis,
                "district_monthly_transactions": district_demand,
                "new_office_monthly_transactions": float(share),
                "tariff": amount,
                "monthly_income": line_income,
            }
        )
    if district_ok:
        basis = BASIS_DISTRICT
        note = msg.DEMAND_DISTRICT.format(offices=persian_digits(d_offices), months=persian_digits(n_months))
    elif any_fallback:
        basis, note = BASIS_MUNICIPALITY, msg.DEMAND_FALLBACK.format(minimum=persian_digits(k))
    else:
        basis, note = BASIS_NONE, msg.DEMAND_NONE.format(minimum=persian_digits(k))

    monthly_income = income
    monthly_costs = amounts["staff_costs"] + amounts["rent"] + amounts["other_costs"]
    profit = monthly_income - monthly_costs
    equipment_cost = amounts["equipment"]
    cumulative = [k_month * profit - equipment_cost for k_month in range(1, HORIZON_MONTHS + 1)]
    break_even = next((i + 1 for i, value in enumerate(cumulative) if value >= 0), None)
    return {
        "district": {
            "id": district.pk,
            "name": district.name,
            "municipality": {"id": district.municipality_id, "name": district.municipality.name},
        },
        "window": {"from": months[0].body(), "to": months[-1].body(), "months": n_months},
        "min_offices": k,
        "money_step": MONEY_STEP,
        "basis": basis,
        "basis_note": note,
        "offices": d_offices if district_ok else None,
        "demand": lines,
        "costs": {
            "staff_costs": amounts["staff_costs"],
            "rent": amounts["rent"],
            "other_costs": amounts["other_costs"],
            "equipment": equipment_cost,
        },
        "monthly_income": monthly_income,
        "monthly_costs": monthly_costs,
        "monthly_profit": profit,
        "break_even_month": break_even,
        "break_even_note": None if break_even else msg.BREAK_EVEN_NEVER.format(months=persian_digits(HORIZON_MONTHS)),
        "horizon_months": HORIZON_MONTHS,
        "cumulative_profit": [{"month": i + 1, "cumulative": v} for i, v in enumerate(cumulative)],
        "tariffs_on": today,
    }
