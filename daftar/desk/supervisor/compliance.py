"""An office's compliance over time, for the supervisor and the licensing authority.

The page is keyed by the office (``/desk/supervision/offices/<office_pk>/``), not by the
licence: hours, closures and transactions belong to the office, and the list
``/desk/supervision/offices/`` finds it by its name or its licence number. Per Jalali month
(the last 12, this one included) and per half-year (the last 4): the transactions recorded
outside the approved hours and the registered closures; the violations by severity, among them
overcharges (``overcharging``) and work outside hours; the notices and their decisions; the
six-monthly reports (on time, late, missing); the supervision visits and their results.

Every measure is counted in the database, one query per table with a conditional count per
month and half-year (no query per row or per month). Another municipality's office and one's
own are "not found"; the municipality's other staff get 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from daftar.inspections.models import InspectionStatus, SupervisionVisit
from daftar.kernel.jalali import jalali_month_bounds, jalali_month_label, jalali_year_month
from daftar.ledger.models import Transaction
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office, OfficeClosure
from daftar.supervision import policy
from daftar.supervision.models import Notice, Severity, Violation, ViolationStatus
from daftar.supervision.reports import licence_periods, period_label, recent_periods
from daftar.supervision.services import period_bounds

from .oversight_forms import OfficeSearchForm
from .reports import overseer_or_403

MONTHS = 12
HALVES = 4
PAGE_SIZE = 25
LAST_VISITS = 10


@dataclass(frozen=True)
class Bucket:
    """A Jalali month or half-year: its label and first and last days."""

    key: str
    label: str
    first: dt.date
    last: dt.date

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The bucket's first and last instants, Tehran time (for date-time columns)."""
        return (
            dt.datetime.combine(self.first, dt.time.min, tzinfo=TEHRAN),
            dt.datetime.combine(self.last, dt.time.max, tzinfo=TEHRAN),
        )


def months(today: dt.date, count: int = MONTHS) -> list[Bucket]:
    """The last ``count`` Jalali months, this one included, oldest first."""
    year, month = jalali_year_month(today)
    out = []
    for _ in range(count):
        first, last = jalali_month_bounds(year, month)
        out.append(Bucket(f"{year}-{month:02d}", jalali_month_label(year, month), first, last))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def halves(today: dt.date, count: int = HALVES) -> list[Bucket]:
    out = []
    for period in recent_periods(count, today):
        first, last = period_bounds(period)
        out.append(Bucket(period, period_label(period), first, last))
    return out[::-1]


def counted(
    qs: QuerySet[Any], field: str, buckets: list[Bucket], measures: dict[str, Q], *, moments: bool
) -> dict[str, dict[str, int]]:
    """``{bucket key: {measure: n}}`` in one query: a conditional count per bucket and measure
    of the rows whose ``field`` falls in the bucket (``moments``: a date-time column)."""
    aggregates = {}
    for i, bucket in enumerate(buckets):
        span = bucket.moments() if moments else (bucket.first, bucket.last)
        for name, condition in measures.items():
            aggregates[f"{name}__{i}"] = Count("pk", filter=Q(**{f"{field}__range": span}) & condition)
    row = qs.aggregate(**aggregates) if aggregates else {}
    return {bucket.key: {name: int(row[f"{name}__{i}"] or 0) for name in measures} for i, bucket in enumerate(buckets)}


def _rows(buckets: list[Bucket], *tables: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    out = []
    for bucket in buckets:
        row: dict[str, Any] = {"label": bucket.label, "key": bucket.key}
        for table in tables:
            row.update(table[bucket.key])
        row["outside_share"] = round(100 * row["outside"] / row["transactions"], 1) if row.get("transactions") else 0
        out.append(row)
    return out


def measures(office: Office, today: dt.date | None = None) -> dict[str, Any]:
    """Every table of the compliance page (one query per source table, plus the reports')."""
    today = today or timezone.localdate()
    by_month, by_half = months(today), halves(today)
    buckets = by_month + by_half
    since = min(by_month[0].first, by_half[0].first)
    licence = office.licence
    transactions = counted(
        Transaction.objects.filter(office=office, day__gte=since),
        "day",
        buckets,
        {"transactions": Q(), "outside": Q(outside_hours=True)},
        moments=False,
    )
    closures = counted(
        OfficeClosure.objects.filter(office=office, date__gte=since), "date", buckets, {"closures": Q()}, moments=False
    )
    severity = {s.value: Q(violation_type__severity=s.value) for s in Severity}
    violations = counted(
        Violation.objects.filter(licence=licence, observed_at__date__gte=since)
        if licence
        else Violation.objects.none(),
        "observed_at",
        buckets,
        {
            "violations": Q(),
            **severity,
            "overcharging": Q(violation_type__code="overcharging"),
            "outside_hours": Q(violation_type__code="outside_hours"),
            "open": Q(status=ViolationStatus.OPEN),
        },
        moments=True,
    )
    notices = counted(
        Notice.objects.filter(licence=licence) if licence else Notice.objects.none(),
        "issued_at",
        buckets,
        {"notices": Q(), "decided": Q(decision__isnull=False)},
        moments=True,
    )
    visits = counted(
        SupervisionVisit.objects.filter(licence=licence) if licence else SupervisionVisit.objects.none(),
        "scheduled_at",
        buckets,
        {
            "visits": Q(),
            "done": Q(status=InspectionStatus.DONE),
            "failed": Q(status=InspectionStatus.DONE, passed=False),
        },
        moments=True,
    )
    tables = (transactions, closures, violations, notices, visits)
    reports = {row.period: row for row in licence_periods(licence, count=HALVES)} if licence else {}
    half_rows = _rows(by_half, *tables)
    for row in half_rows:
        row["report"] = reports.get(row["key"])
    return {
        "months": _rows(by_month, *tables)[::-1],  # newest first
        "halves": half_rows[::-1],
        "notices": list(
            Notice.objects.filter(licence=licence).select_related("decision").order_by("-issued_at")[:MONTHS]
            if licence
            else []
        ),
        "visits": list(
            SupervisionVisit.objects.filter(licence=licence)
            .select_related("inspector")
            .order_by("-scheduled_at")[:LAST_VISITS]
            if licence
            else []
        ),
        "open_violations": Violation.objects.filter(licence=licence, status=ViolationStatus.OPEN).count()
        if licence
        else 0,
    }


# --- the pages --------------------------------------------------------------------------------


@login_required
def offices_page(request: HttpRequest) -> HttpResponse:
    """The offices of the user's municipalities, with their open violations and notices."""
    overseer_or_403(request)
    form = OfficeSearchForm(request.GET or None)
    ids = policy.oversight_municipalities(request.user)
    qs = policy.visible_offices(request.user).select_related("district", "licence")
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    q = ""
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(licence__number__icontains=q))
    qs = qs.annotate(
        open_violations=Count(
            "licence__violations", filter=Q(licence__violations__status=ViolationStatus.OPEN), distinct=True
        ),
        scheduled_visits=Count(
            "licence__supervision_visits",
            filter=Q(licence__supervision_visits__status=InspectionStatus.SCHEDULED),
            distinct=True,
        ),
    ).order_by("district__number", "name")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/supervisor/offices.html",
        {"form": form, "page": page, "query": urlencode({"q": q}) if q else ""},
    )


@login_required
def compliance_page(request: HttpRequest, pk: int) -> HttpResponse:
    office = policy.visible_offices(request.user).select_related("district", "licence__holder").filter(pk=pk).first()
    if office is None:
        raise Http404
    if not policy.may_oversee(request.user, office.municipality_id):
        raise PermissionDenied
    found = measures(office)
    # months without a violation (a visit) are hidden from those two tables unless asked
    # (?zeros=1): twelve rows of zeros buried the month that had one
    show_zeros = request.GET.get("zeros") == "1"
    every = found["months"]
    violation_months = [m for m in every if show_zeros or m["violations"]]
    visit_months = [m for m in every if show_zeros or m["visits"]]
    return render(
        request,
        "desk/supervisor/compliance.html",
        {
            "office": office,
            "licence": office.licence,
            **found,
            "violation_months": violation_months,
            "visit_months": visit_months,
            "show_zeros": show_zeros,
            "hidden_violation_months": len(every) - len(violation_months),
            "hidden_visit_months": len(every) - len(visit_months),
        },
    )
