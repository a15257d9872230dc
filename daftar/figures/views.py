"""The public figures pages (issue 21 §5): the list of municipalities and one municipality's
figures over a period of Jalali months, as cards, tables and horizontal bar charts.

Charts are drawn by ``static/js/charts.js`` from JSON data islands (``json_script``; no inline
script, the CSP holds); every chart has a table with the same figures beside it, where a withheld
figure reads «کمتر از ۵». The figures come from the same cached ``statistics`` as the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_grouped, persian_number
from daftar.municipalities.models import Municipality
from daftar.runtime.pagecache import cached_page
from daftar.runtime.ratelimit import client_address

from . import messages as msg
from .figures import LABELS, cache_seconds, public_municipality, statistics
from .forms import PeriodForm
from .period import parse_period

COLORS = {
    "median_working_days": "#1f6f8b",
    "refusals_by_condition": "#9e2a2b",
    "active_licences_by_district": "#2e7d32",
}
CHART_LABEL_LENGTH = 24  # a condition's text is cut to this on the chart (the table has it whole)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.filter(is_active=True).order_by("name")
    return render(request, "figures/index.html", {"municipalities": municipalities})


def _withheld(minimum: int) -> str:
    return msg.WITHHELD.format(minimum=persian_number(minimum))


def _count(value: int | None, minimum: int) -> str:
    return _withheld(minimum) if value is None else persian_grouped(value)


def _short(text: str) -> str:
    return text if len(text) <= CHART_LABEL_LENGTH else text[: CHART_LABEL_LENGTH - 1].rstrip() + "…"


def _rows(body: dict[str, Any], key: str, unit: str = "") -> list[dict[str, Any]]:
    names = body["labels"].get(key, {})
    rows = []
    for sub, value in body[key].items():
        if value is None:
            shown = _withheld(body["min_group"])
        elif key == "median_working_days":
            shown = f"{persian_number(value, 1)} {unit}".strip()
        else:
            shown = persian_grouped(value)
        rows.append({"key": sub, "name": names.get(sub, sub), "value": value, "shown": shown})
    return rows


def _chart(key: str, rows: list[dict[str, Any]], label: str, unit: str) -> dict[str, Any]:
    return {
        "kind": "figures",
        "horizontal": True,
        "labels": [_short(r["name"]) for r in rows],
        "unit": unit,
        "datasets": [{"label": label, "type": "bar", "data": [r["value"] for r in rows], "color": COLORS[key]}],
    }


@require_GET
# the figures themselves expire by time alone; the page is kept no longer than a minute more
@cached_page("municipalities", ttl=60, params=("start", "end", "zeros"))
def municipality_page(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = public_municipality(slug)
    if municipality is None:
        raise Http404(msg.MUNICIPALITY_NOT_FOUND)
    form = PeriodForm(request.GET or None)
    raw_from = normalize_text(str(request.GET.get("start", "")))
    raw_to = normalize_text(str(request.GET.get("end", "")))
    error, status = None, 200
    try:
        period = parse_period(raw_from, raw_to)
    except ApplicationError as exc:
        error, status = exc.message, 400
        for name, texts in exc.fields.items():
            field = {"from": "start", "to": "end"}.get(name)
            if field and form.is_bound:
                form.is_valid()
                for text in texts:
                    form.add_error(field, text)
        period = parse_period()
    try:
        body = statistics(municipality, period, address=client_address(request))
    except ThrottledError as exc:
        response = render(request, "error.html", {"title": "درخواست بیش از حد", "text": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    minimum = body["min_group"]
    ratio = body["decided_on_time_ratio"]
    cards = [
        {
            "id": "received",
            "label": LABELS["applications_received"],
            "value": persian_grouped(body["applications_received"]),
        },
        {"id": "decided", "label": LABELS["decided"], "value": persian_grouped(body["decided"])},
        {
            "id": "on-time",
            "label": LABELS["decided_on_time_ratio"],
            "value": _withheld(minimum) + " تصمیم" if ratio is None else persian_number(ratio * 100, 1) + "٪",
        },
        {"id": "refused", "label": LABELS["refused"], "value": _count(body["refused"], minimum)},
        {"id": "licences", "label": LABELS["active_licences"], "value": _count(body["active_licences"], minimum)},
    ]
    stages = _rows(body, "median_working_days", "روز کاری")
    refusals = _rows(body, "refusals_by_condition")
    # districts with no active licence are hidden unless asked (?zeros=1), in the table and the
    # chart alike; only a true zero is hidden: a withheld count (None) stays a row, «کمتر از ۵»,
    # so hiding never tells a small count from none
    every_district = _rows(body, "active_licences_by_district")
    show_zeros = request.GET.get("zeros") == "1"
    districts = [r for r in every_district if show_zeros or r["value"] != 0]
    kept = {k: str(request.GET[k]) for k in ("start", "end") if request.GET.get(k)}
    query = urlencode({"from": body["from"], "to": body["to"]})
    computed = parse_datetime(body["computed_at"])
    context = {
        "municipality": municipality,
        "form": form,
        "error": error,
        "period_label": period.label,
        "cards": cards,
        "stages": stages,
        "refusals": refusals,
        "districts": districts,
        "any_district": bool(every_district),
        "show_zeros": show_zeros,
        "hidden_zeros": len(every_district) - len(districts),
        "zeros_query": urlencode(kept if show_zeros else {**kept, "zeros": "1"}),
        "stages_chart": _chart("median_working_days", stages, "میانهٔ روز کاری", "روز کاری"),
        "refusals_chart": _chart("refusals_by_condition", refusals, "درخواست ردشده", "درخواست"),
        "districts_chart": _chart("active_licences_by_district", districts, "مجوز فعال", "مجوز"),
        "minimum": persian_number(minimum),
        "withheld_text": _withheld(minimum),
        "computed_at": to_jalali(computed, with_time=True) if computed else "",
        "cache_minutes": persian_number(max(1, cache_seconds() // 60)),
        "csv_url": reverse("api-municipality-statistics-csv", args=[municipality.slug]) + "?" + query,
        "json_url": reverse("api-municipality-statistics", args=[municipality.slug]) + "?" + query,
    }
    return render(request, "figures/municipality.html", context, status=status)
