"""The feasibility planner (S18: «the income potential of the target area»).

A prospective founder picks a district and enters their monthly staff costs, rent and other
costs and the one-off equipment cost. The planner answers with the demand there, the tariff
table in force today, and a projection for a new office: monthly income, costs, profit and the
break-even month. Public (no login), rate-limited per address like licence verification.

Method (docs/revenue.md «Planner»):

1. **Window**: the last ``WINDOW_MONTHS`` complete Jalali months (the current month is not
   complete and is left out).
2. **District demand**: transactions per service per month averaged over the window, summed
   over the district's offices. Shown only when at least ``settings.PLANNER_MIN_OFFICES``
   offices contributed (had a transaction in the window) — overall and for that service — so
   no single office's figures can be read off (k-anonymity with k = PLANNER_MIN_OFFICES).
3. **Fallback**: otherwise the **municipality-wide average per office** (all transactions of
   the municipality for that service per month ÷ the municipality's contributing offices) is
   used, and labelled so; when even the municipality has fewer than k contributing offices
   nothing is shown and the projected demand is zero.
4. **A new office's share** (assumption): with district demand it takes an equal share with the
   existing offices, ``district demand ÷ (offices + 1)``; with the municipality fallback it
   does as well as an average office.
5. **Income** = Σ share × the service's tariff in force today (a service without a tariff adds
   nothing); **costs** = staff + rent + other (monthly); **profit** = income − costs.
6. **Break-even month**: the first month ``k`` (1…``HORIZON_MONTHS``) when the cumulative
   profit ``k × profit`` covers the one-off equipment cost; ``null`` if never within the horizon.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from daftar.core import ratelimit
from daftar.core.errors import ApplicationError, ThrottledError
from daftar.core.normalize import persian_digits

from . import report_messages as msg
from .analytics import Month, current_month, months_q
from .costs import parse_amount
from .models import Transaction
from .tariffs import tariff_table

WINDOW_MONTHS = 6
HORIZON_MONTHS = 60
BASIS_DISTRICT, BASIS_MUNICIPALITY, BASIS_NONE = "district", "municipality", "none"


def min_offices() -> int:
    return max(1, int(getattr(settings, "PLANNER_MIN_OFFICES", 3)))


def planner_throttle(address: str) -> None:
    """At most ``PLANNER_PER_ADDRESS_HOURLY`` (default 120) estimates per address per hour."""
    from daftar.licences.verification import client_hash

    limit = int(getattr(settings, "PLANNER_PER_ADDRESS_HOURLY", 120))
    wait = ratelimit.hit(f"planner:{client_hash(address)}", limit=limit, window=3600)
    if wait:
        raise ThrottledError(msg.PLANNER_THROTTLED.format(seconds=persian_digits(wait)), retry_after=wait)


def planner_district(raw: object) -> Any:
    from daftar.municipalities.models import District

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


def _demand(filters: dict[str, Any], months: list[Month]) -> tuple[int, dict[int, tuple[int, int]]]:
    """(contributing offices, {service_id: (transactions, contributing offices)}) in the window."""
    qs = Transaction.objects.filter(months_q(months), **filters).order_by()
    offices = qs.values("office_id").distinct().count()
    per_service = {
        r["service_id"]: (int(r["n"]), int(r["offices"]))
        for r in qs.values("service_id").annotate(n=Count("id"), offices=Count("office_id", distinct=True))
    }
    return offices, per_service


def _one_decimal(value: Fraction) -> float:
    return round(float(value), 1)


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
    d_offices, d_services = _demand({"district_id": district.pk}, months)
    m_offices, m_services = _demand({"municipality_id": district.municipality_id}, months)
    district_ok = d_offices >= k
    municipality_ok = m_offices >= k
    if district_ok:
        basis, note = (
            BASIS_DISTRICT,
            msg.DEMAND_DISTRICT.format(offices=persian_digits(d_offices), months=persian_digits(n_months)),
        )
    elif municipality_ok:
        basis, note = BASIS_MUNICIPALITY, msg.DEMAND_FALLBACK.format(minimum=persian_digits(k))
    else:
        basis, note = BASIS_NONE, msg.DEMAND_NONE

    lines = []
    income = Fraction(0)
    for line in tariff_table(district.municipality_id, today):
        service = line.service
        d_n, d_contrib = d_services.get(service.pk, (0, 0))
        m_n, _ = m_services.get(service.pk, (0, 0))
        district_demand: Fraction | None = None
        if district_ok and (d_n == 0 or d_contrib >= k):
            district_demand = Fraction(d_n, n_months)
            share = district_demand / (d_offices + 1)
            line_basis = BASIS_DISTRICT
        elif municipality_ok:
            share = Fraction(m_n, n_months * m_offices)
            line_basis = BASIS_MUNICIPALITY
        else:
            share, line_basis = Fraction(0), BASIS_NONE
        amount = line.amount
        line_income = share * amount if amount is not None else Fraction(0)
        income += line_income
        lines.append(
            {
                "service": service.code,
                "title": service.title,
                "basis": line_basis,
                "district_monthly_transactions": None if district_demand is None else _one_decimal(district_demand),
                "new_office_monthly_transactions": _one_decimal(share),
                "tariff": amount,
                "monthly_income": round(line_income),
            }
        )

    monthly_income = round(income)
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
