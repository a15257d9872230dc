"""Pages of revenue and costs (S18): the office's revenue dashboard with its costs, the
municipality revenue report with CSV/XLSX export, and the public feasibility planner.

Charts are drawn by ``static/js/charts.js`` from a JSON data island (``json_script``, a
non-executable ``<script type="application/json">``), so no inline script is needed; each chart
has a data table with the same figures beside it. Access is the API's: an office's revenue is
for its manager and the municipality's readers (a clerk 403; anyone else 404), the municipality
report for its readers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from daftar.hall.selectors import DayStats, queue_stats
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.normalize import persian_digits
from daftar.kernel.tabular import table_response
from daftar.ledger import messages as ledger_msg
from daftar.ledger.costs import cost_add, cost_body, cost_delete, costs_list, rials
from daftar.ledger.months import Month, current_month, month_range
from daftar.municipalities.models import District
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.pages import IN_OFFICE_MUNICIPALITY
from daftar.runtime.pagecache import cached_page, per_municipality
from daftar.runtime.ratelimit import client_address

from . import messages as msg
from .analytics import BY_DISTRICT, BY_SERVICE, municipality_revenue, office_revenue
from .api import readable_municipality, revenue_access
from .forms import CostForm, MunicipalityReportForm, PlannerForm, RangeForm, errors_to_form
from .planner import planner_district, planner_estimate, planner_throttle
from .policy import report_ids, report_municipalities

COLORS = {"income": "#1f6f8b", "costs": "#c0392b", "profit": "#2e7d32", "revenue": "#1f6f8b"}


def _error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    if exc.status_code == 404:
        raise Http404(exc.message)
    title = "دسترسی ندارید" if exc.status_code == 403 else "درخواست نادرست"
    return render(request, "error.html", {"title": title, "text": exc.message}, status=exc.status_code)


def _range(request: HttpRequest, form: RangeForm) -> tuple[list[Month], str | None]:
    """The months the form asks for, or the default and the Persian error to show."""
    if form.is_valid():
        try:
            return month_range(form.cleaned_data.get("start"), form.cleaned_data.get("end")), None
        except ApplicationError as exc:
            return month_range(), exc.message
    return month_range(), None


# --- the office ----------------------------------------------------------------------------


@login_required
@require_GET
@cached_page("ledger:o{pk}", "offices:o{pk}", IN_OFFICE_MUNICIPALITY, ttl=60, params=None)
def office_revenue_page(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        access = revenue_access(request.user, pk)
    except ApplicationError as exc:
        return _error_page(request, exc)
    return _render_office(request, access)


def _render_office(
    request: HttpRequest, access: Any, *, cost_form: CostForm | None = None, status: int = 200
) -> HttpResponse:
    office = access.office
    form = RangeForm(request.GET or None)
    months, range_error = _range(request, form)
    report = office_revenue(office.pk, months)
    rows = [
        {
            **row,
            "income_fa": rials(row["income"]),
            "costs_fa": rials(row["costs"]),
            "profit_fa": rials(row["profit"]),
            "transactions_fa": persian_digits(row["transactions"]),
        }
        for row in report["months"]
    ]
    totals = report["totals"]
    chart = {
        "kind": "revenue",
        "labels": [row["label"] for row in rows],
        "unit": "ریال",
        "datasets": [
            {"label": "درآمد", "type": "bar", "data": [r["income"] for r in rows], "color": COLORS["income"]},
            {"label": "هزینه", "type": "bar", "data": [r["costs"] for r in rows], "color": COLORS["costs"]},
            {"label": "سود", "type": "line", "data": [r["profit"] for r in rows], "color": COLORS["profit"]},
        ],
    }
    costs = []
    if access.is_manager or access.level == "municipality":
        costs = [
            {**cost_body(e), "amount_fa": rials(e.amount)}
            for e in costs_list(office_id=office.pk, actor=request.user, months=months)
        ]
    if access.is_manager and cost_form is None:
        cost_form = CostForm(initial={"month": persian_digits(current_month().code)})
    context = {
        "office": office,
        "access": access,
        "form": form,
        "range_error": range_error,
        "rows": rows,
        "totals": {
            "income_fa": rials(totals["income"]),
            "costs_fa": rials(totals["costs"]),
            "profit_fa": rials(totals["profit"]),
            "transactions_fa": persian_digits(totals["transactions"]),
        },
        "chart": chart,
        "costs": costs,
        "cost_form": cost_form,
        "first": report["from"]["label"],
        "last": report["to"]["label"],
        "queue_today": _queue_today(office),
    }
    return render(request, "revenue/office_revenue.html", context, status=status)


def _queue_today(office: Any) -> DayStats:
    """The hall queue's figures of today (issue 22 §3), beside the money."""
    today = timezone.now().astimezone(TEHRAN).date()
    found = queue_stats(office, today, today)
    return found[0] if found else DayStats(today)


@login_required
@require_POST
def office_cost_add(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        access = revenue_access(request.user, pk)
        access.require_manager()
    except ApplicationError as exc:
        return _error_page(request, exc)
    form = CostForm(request.POST)
    if not form.is_valid():
        return _render_office(request, access, cost_form=form, status=400)
    data = form.cleaned_data
    try:
        entry = cost_add(
            office_id=access.office.pk,
            month=data["month"],
            category=data["category"],
            amount=data["amount"],
            note=data.get("note", ""),
            actor=request.user,
        )
    except ApplicationError as exc:
        errors_to_form(form, exc.fields or {"__all__": [exc.message]})
        return _render_office(request, access, cost_form=form, status=exc.status_code)
    messages.success(
        request,
        ledger_msg.COST_ADDED.format(
            category=entry.get_category_display(),
            month=Month(entry.jyear, entry.jmonth).label,
            amount=rials(entry.amount),
        ),
    )
    return redirect(reverse("reports:office_revenue", args=[access.office.pk]) + "#costs")


@login_required
@require_POST
def office_cost_delete(request: HttpRequest, pk: str, cost_id: str) -> HttpResponse:
    try:
        access = revenue_access(request.user, pk)
        cost_delete(office_id=access.office.pk, cost_id=cost_id, actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 409:
            messages.error(request, exc.message)
            return redirect(reverse("reports:office_revenue", args=[pk]) + "#costs")
        return _error_page(request, exc)
    messages.success(request, ledger_msg.COST_DELETED)
    return redirect(reverse("reports:office_revenue", args=[access.office.pk]) + "#costs")


# --- the municipality ------------------------------------------------------------------------


def _municipality_report(request: HttpRequest) -> tuple[Any, MunicipalityReportForm, dict[str, Any], str | None]:
    user: Any = request.user
    visible = report_municipalities(user)
    choices = list(visible.order_by("name"))
    if not choices:
        raise ApplicationError(msg.MUNICIPALITY_NOT_FOUND, code="not_found", status=404)
    form = MunicipalityReportForm(request.GET or None, municipalities=choices)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    municipality = readable_municipality(user, data.get("municipality") or choices[0].slug)
    months, range_error = _range(request, form)
    by = data.get("by") or BY_DISTRICT
    report = municipality_revenue(municipality.pk, months, by if by in (BY_DISTRICT, BY_SERVICE) else BY_DISTRICT)
    return municipality, form, report, range_error


@login_required
@require_GET
@cached_page(
    per_municipality(lambda request, _: report_ids(request.user), "ledger", "offices", "catalogue", "municipalities"),
    ttl=60,
    params=None,
    staff_list=True,
)
def municipality_revenue_page(request: HttpRequest) -> HttpResponse:
    try:
        municipality, form, report, range_error = _municipality_report(request)
    except ApplicationError as exc:
        return _error_page(request, exc)
    # rows with no transaction in the whole range are hidden unless asked (?zeros=1): nineteen
    # empty districts buried the three that work
    show_zeros = request.GET.get("zeros") == "1"
    shown = [g for g in report["groups"] if show_zeros or g["revenue"] or g["transactions"]]
    hidden = len(report["groups"]) - len(shown)
    groups = [
        {
            **g,
            "revenue_fa": rials(g["revenue"]),
            "transactions_fa": persian_digits(g["transactions"]),
            "cells": [
                {"revenue_fa": rials(c["revenue"]), "transactions_fa": persian_digits(c["transactions"])}
                for c in g["months"]
            ],
        }
        for g in shown
    ]
    totals = [
        {"revenue_fa": rials(t["revenue"]), "transactions_fa": persian_digits(t["transactions"])}
        for t in report["totals"]["months"]
    ]
    chart = {
        "kind": "groups",
        "labels": [g["name"] for g in shown],
        "unit": "ریال",
        "datasets": [
            {
                "label": "درآمد " + m["label"],
                "type": "bar",
                "stack": "revenue",
                "data": [g["months"][i]["revenue"] for g in shown],
                "color": None,
            }
            for i, m in enumerate(report["months"])
        ],
    }
    query = urlencode(
        {
            "municipality": municipality.slug,
            "start": f"{report['from']['year']}/{report['from']['month']:02d}",
            "end": f"{report['to']['year']}/{report['to']['month']:02d}",
            "by": report["by"],
        }
    )
    context = {
        "municipality": municipality,
        "form": form,
        "range_error": range_error,
        "report": report,
        "groups": groups,
        "totals": totals,
        "grand": {
            "revenue_fa": rials(report["totals"]["revenue"]),
            "transactions_fa": persian_digits(report["totals"]["transactions"]),
        },
        "chart": chart,
        "by_label": "منطقه" if report["by"] == BY_DISTRICT else "خدمت",
        "export_query": query,
        "show_zeros": show_zeros,
        "hidden_zeros": hidden,
        "zeros_query": query if show_zeros else query + "&zeros=1",
    }
    return render(request, "revenue/municipality_revenue.html", context)


EXPORT_HEADER = ["شهرداری", "گروه", "سال", "ماه", "عنوان ماه", "تعداد تراکنش", "درآمد (ریال)"]


def export_rows(municipality: Any, report: dict[str, Any]) -> Iterator[list[object]]:
    for g in report["groups"]:
        for month, c in zip(report["months"], g["months"], strict=True):
            yield [
                municipality.name,
                g["name"],
                month["year"],
                month["month"],
                month["label"],
                c["transactions"],
                c["revenue"],
            ]


@login_required
@require_GET
def municipality_revenue_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    try:
        municipality, _form, report, _err = _municipality_report(request)
    except ApplicationError as exc:
        return _error_page(request, exc)
    header = [*EXPORT_HEADER]
    header[1] = "منطقه" if report["by"] == BY_DISTRICT else "خدمت"
    return table_response(
        fmt=fmt,
        name=f"revenue-{municipality.slug}-{report['by']}",
        sheet="درآمد",
        header=header,
        rows=lambda: export_rows(municipality, report),
        count=lambda: len(report["groups"]) * len(report["months"]),
    )


# --- the planner -----------------------------------------------------------------------------


def _district_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for d in (
        District.objects.filter(municipality__is_active=True)
        .select_related("municipality")
        .order_by("municipality__name", "number")
    ):
        groups.setdefault(d.municipality.name, []).append((d.pk, d.name))
    return list(groups.items())


@require_GET
@cached_page("municipalities", ttl=300, only_if=lambda request: "district" not in request.GET)
def planner_page(request: HttpRequest) -> HttpResponse:
    """Public: the form, and with a district chosen, the estimate (rate-limited per address)."""
    asked = "district" in request.GET
    form = PlannerForm(request.GET if asked else None, districts=_district_choices())
    context: dict[str, Any] = {"form": form}
    if not asked:
        return render(request, "revenue/planner.html", context)
    if not form.is_valid():
        return render(request, "revenue/planner.html", context, status=400)
    data = form.cleaned_data
    try:
        planner_throttle(client_address(request))
        estimate = planner_estimate(
            district=planner_district(data["district"]),
            staff_costs=data["staff_costs"],
            rent=data["rent"],
            equipment=data["equipment"],
            other_costs=data.get("other_costs"),
        )
    except ThrottledError as exc:
        context["error"] = exc.message
        response = render(request, "revenue/planner.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ApplicationError as exc:
        errors_to_form(form, exc.fields or {"__all__": [exc.message]})
        return render(request, "revenue/planner.html", context, status=exc.status_code)
    lines = [
        {
            **line,
            "district_fa": "—"
            if line["district_monthly_transactions"] is None
            else persian_digits(f"{line['district_monthly_transactions']:g}").replace(".", "٫"),
            "share_fa": persian_digits(f"{line['new_office_monthly_transactions']:g}").replace(".", "٫"),
            "tariff_fa": "تعیین نشده" if line["tariff"] is None else rials(line["tariff"]),
            "income_fa": rials(line["monthly_income"]),
        }
        for line in estimate["demand"]
    ]
    shown = estimate["cumulative_profit"][: max(12, min(60, (estimate["break_even_month"] or 24) + 6))]
    chart = {
        "kind": "cumulative",
        "labels": [f"ماه {persian_digits(p['month'])}" for p in shown],
        "unit": "ریال",
        "datasets": [
            {
                "label": "سود انباشته",
                "type": "line",
                "data": [p["cumulative"] for p in shown],
                "color": COLORS["profit"],
            }
        ],
    }
    context.update(
        {
            "estimate": estimate,
            "lines": lines,
            "chart": chart,
            "cumulative": [{"month_fa": persian_digits(p["month"]), "value_fa": rials(p["cumulative"])} for p in shown],
            "figures": {
                "income": rials(estimate["monthly_income"]),
                "costs": rials(estimate["monthly_costs"]),
                "profit": rials(estimate["monthly_profit"]),
                "equipment": rials(estimate["costs"]["equipment"]),
                "money_step": rials(estimate["money_step"]),
                "break_even": persian_digits(estimate["break_even_month"]) if estimate["break_even_month"] else None,
                "offices": persian_digits(estimate["offices"]) if estimate["offices"] is not None else None,
            },
        }
    )
    return render(request, "revenue/planner.html", context)
