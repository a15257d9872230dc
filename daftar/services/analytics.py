"""Revenue analytics (S18): income, costs and profit per Jalali month of one office, and the
municipality's volume and revenue per district or per service per Jalali month.

Everything is grouped in the database: ``Transaction`` carries its Jalali ``jyear``/``jmonth``,
district and municipality (copied at recording time), so a report is one ``GROUP BY`` on
indexed columns (``transaction_office_month``, ``transaction_city_month``) with no calendar
conversion and no join; months without data are filled with zeros here.

Month ranges are read from people and machines alike: a Jalali month «۱۴۰۵/۰۸» or
``1405-08``, or a date (Jalali ``1405/08/15`` or ISO ``2026-11-06``) standing for its Jalali
month. Without a range the report covers the last ``DEFAULT_MONTHS`` Jalali months up to the
current one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from daftar.catalogue.models import Service
from daftar.core.errors import ApplicationError
from daftar.core.jalali import jalali_month_label, jalali_year_month, parse_date
from daftar.core.normalize import normalize_text, persian_digits
from daftar.ledger.models import CostEntry, Transaction

from . import report_messages as msg

DEFAULT_MONTHS = 6
MAX_MONTHS = 60
BY_DISTRICT, BY_SERVICE = "district", "service"
GROUPINGS = (BY_DISTRICT, BY_SERVICE)

_MONTH = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A Jalali month; ``index`` counts months from year 0 so ranges are plain integers."""

    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(*jalali_year_month(day))

    @property
    def label(self) -> str:
        """«آبان ۱۴۰۵»."""
        return jalali_month_label(self.year, self.month)

    @property
    def code(self) -> str:
        """``1405/08`` (Latin digits, for URLs and CSV)."""
        return f"{self.year}/{self.month:02d}"

    def shifted(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def body(self) -> dict[str, Any]:
        return {"year": self.year, "month": self.month, "label": self.label}


def current_month(today: dt.date | None = None) -> Month:
    return Month.of(today or timezone.localdate())


def parse_month(raw: object, *, error: str = msg.RANGE_INVALID, field: str = "month") -> Month:
    """«۱۴۰۵/۰۸», ``1405-8`` (a Jalali month) or any date ``parse_date`` reads (its Jalali month)."""
    text = normalize_text(str(raw if raw is not None else ""))
    match = _MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1300 <= year <= 1600 and 1 <= month <= 12:
            return Month(year, month)
        raise ApplicationError(error, code="invalid", fields={field: [error]})
    try:
        day = parse_date(text)
    except (ValidationError, OverflowError, ValueError):
        raise ApplicationError(error, code="invalid", fields={field: [error]}) from None
    if not dt.date(1922, 1, 1) <= day <= dt.date(2220, 1, 1):
        raise ApplicationError(error, code="invalid", fields={field: [error]})
    return Month.of(day)


def month_range(
    raw_from: object = None,
    raw_to: object = None,
    *,
    default_months: int = DEFAULT_MONTHS,
    max_months: int = MAX_MONTHS,
    today: dt.date | None = None,
) -> list[Month]:
    """The months from ``raw_from`` to ``raw_to`` inclusive (blank: the last ``default_months``
    months ending with the current one, or ``default_months`` from/to the given end)."""
    blank_from = raw_from is None or normalize_text(str(raw_from)) == ""
    blank_to = raw_to is None or normalize_text(str(raw_to)) == ""
    end = current_month(today) if blank_to else parse_month(raw_to, field="to")
    start = end.shifted(-(default_months - 1)) if blank_from else parse_month(raw_from, field="from")
    if blank_to and not blank_from:
        end = max(end, start)
    if start > end:
        raise ApplicationError(msg.RANGE_REVERSED, code="invalid", fields={"from": [msg.RANGE_REVERSED]})
    if end.index - start.index + 1 > max_months:
        text = msg.RANGE_TOO_LONG.format(months=persian_digits(max_months))
        raise ApplicationError(text, code="invalid", fields={"to": [text]})
    return [Month.from_index(i) for i in range(start.index, end.index + 1)]


def months_q(months: list[Month]) -> Q:
    """A filter on ``jyear``/``jmonth`` for a contiguous range of months (index-friendly: the
    first year from its month, whole years between, the last year up to its month)."""
    first, last = months[0], months[-1]
    if first.year == last.year:
        return Q(jyear=first.year, jmonth__gte=first.month, jmonth__lte=last.month)
    q = Q(jyear=first.year, jmonth__gte=first.month) | Q(jyear=last.year, jmonth__lte=last.month)
    if last.year - first.year > 1:
        q |= Q(jyear__gt=first.year, jyear__lt=last.year)
    return q


def months_sql(months: list[Month]) -> tuple[str, list[int]]:
    """The same filter as ``months_q`` in SQL (for the benchmark's raw query)."""
    first, last = months[0], months[-1]
    if first.year == last.year:
        return "(jyear = %s AND jmonth BETWEEN %s AND %s)", [first.year, first.month, last.month]
    return (
        "((jyear = %s AND jmonth >= %s) OR (jyear > %s AND jyear < %s) OR (jyear = %s AND jmonth <= %s))",
        [first.year, first.month, first.year, last.year, last.year, last.month],
    )


# --- one office -------------------------------------------------------------------------------


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
        from daftar.municipalities.models import District

        districts = District.objects.filter(Q(municipality_id=municipality_id) | Q(pk__in=list(seen)))
        return [{"id": d.pk, "name": d.name} for d in districts.order_by("number", "pk")]
    services = Service.objects.filter(Q(active=True) | Q(pk__in=list(seen))).order_by("position", "pk")
    return [{"id": s.pk, "code": s.code, "name": s.title} for s in services]


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
