"""The public figures of one municipality over one period (issue 21 §5; API.md «National portal,
complaints and public figures»).

Each figure is a small function registered with ``@figure(key=Persian label, …)``: it reads the
database in a fixed number of queries (never one per case) and returns its keys. Adding a figure
(the complaints received and answered, once complaints exist) is one more such function; the
JSON, the CSV and the page's summary pick it up. Every figure passes through the scope's
``Guard`` (``suppression.py``), so no figure singles a person out.

Definitions (docs/figures.md):

* ``applications_received``: cases first submitted in the period;
* ``decided``: cases approved or refused in the period (a decision is a move into ``approved``
  or ``rejected``, from the case timeline);
* ``decided_on_time_ratio``: the share of those decided with no legal clock of the municipality
  (P1, ``StageClock``) overrun before the decision;
* ``median_working_days``: per stage, the median working days (the municipality's calendar)
  between entering the stage and leaving it, over the stays that ended in the period;
* ``refused`` and ``refusals_by_condition``: cases refused in the period, and per failed
  condition id how many of them failed it;
* ``active_licences`` and ``active_licences_by_district``: licences active now that were issued
  before the period ended, per district number.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from daftar.applications.models import Application, CaseEvent, StageClock
from daftar.applications.workflow import Status
from daftar.complaints.models import Complaint
from daftar.complaints.workflow import ComplaintStatus
from daftar.kernel.errors import ThrottledError
from daftar.kernel.hashing import address_hash
from daftar.kernel.jalali import jalali_iso
from daftar.kernel.normalize import persian_digits
from daftar.licences.models import Licence, LicenceStatus
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.workdays import calendar_for
from daftar.rules.models import Condition
from daftar.runtime import ratelimit

from . import messages as msg
from .period import Period
from .suppression import Guard

CACHE_VERSION = 1
# The stages a case stays in, in the order they come (``draft`` is the applicant's own and the
# final states are never left).
STAGES = [
    Status.SUBMITTED,
    Status.DOCUMENT_REVIEW,
    Status.CORRECTION_REQUESTED,
    Status.EXAM,
    Status.INTERVIEW,
    Status.SITE_INSPECTION,
    Status.FINAL_REVIEW,
    Status.APPROVED,
]
DECISIONS = (Status.APPROVED, Status.REJECTED)


@dataclass
class Scope:
    """What every figure reads: the municipality, the period, the guard, and the Persian labels
    of the keys of its breakdowns (``labels[figure][key]``)."""

    municipality: Municipality
    period: Period
    guard: Guard = field(default_factory=Guard)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


Figure = Callable[[Scope], dict[str, Any]]
FIGURES: list[Figure] = []
# Each key's Persian label, in the order the figures were registered (the CSV's and page's order).
LABELS: dict[str, str] = {}


def figure(**labels: str) -> Callable[[Figure], Figure]:
    """Register a figure function and the Persian labels of the keys it returns."""

    def register(function: Figure) -> Figure:
        FIGURES.append(function)
        LABELS.update(labels)
        return function

    return register


def _decisions(scope: Scope) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(
        application__municipality=scope.municipality,
        at__gte=scope.period.start_at,
        at__lt=scope.period.end_at,
        to_status__in=DECISIONS,
    ).exclude(from_status=F("to_status"))


@figure(
    applications_received="درخواست‌های رسیده",
    decided="درخواست‌های تصمیم‌گرفته",
    decided_on_time_ratio="سهم تصمیم‌های در مهلت قانونی",
)
def received_and_decided(scope: Scope) -> dict[str, Any]:
    period = scope.period
    received = Application.objects.filter(
        municipality=scope.municipality, submitted_at__gte=period.start_at, submitted_at__lt=period.end_at
    ).count()
    # a clock of the municipality that ran past its deadline before the decision
    overrun = (
        StageClock.objects.filter(
            application_id=OuterRef("application_id"),
            party=StageClock.Party.MUNICIPALITY,
            started_at__lt=OuterRef("at"),
        )
        .exclude(stage=Status.APPROVED)  # the clock of issuing runs after the decision
        .filter(Q(finished_at__gt=F("due_at")) | Q(finished_at__isnull=True, due_at__lt=OuterRef("at")))
    )
    late: dict[int, bool] = {}
    for application_id, overran in (
        _decisions(scope).annotate(late=Exists(overrun)).values_list("application_id", "late")
    ):
        late[application_id] = late.get(application_id, False) or overran
    decided = len(late)
    ratio = round((decided - sum(late.values())) / decided, 3) if decided else None
    return {
        "applications_received": received,
        "decided": decided,
        "decided_on_time_ratio": scope.guard.over("decided_on_time_ratio", ratio, decided),
    }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 1)


@figure(median_working_days="میانهٔ روزهای کاری هر مرحله")
def stage_medians(scope: Scope) -> dict[str, Any]:
    period = scope.period
    moved = CaseEvent.objects.filter(
        application__municipality=scope.municipality, at__gte=period.start_at, at__lt=period.end_at
    ).values("application_id")
    rows = (
        CaseEvent.objects.filter(application_id__in=Subquery(moved), at__lt=period.end_at)
        .order_by("application_id", "at", "pk")
        .values_list("application_id", "at", "from_status", "to_status")
    )
    calendar = calendar_for(scope.municipality)
    stays: dict[str, list[int]] = defaultdict(list)
    current: int | None = None
    entered: dict[str, Any] = {}
    for application_id, at, old, new in rows.iterator(chunk_size=2000):
        if application_id != current:
            current, entered = application_id, {}
        if old == new:
            continue
        since = entered.pop(old, None)
        if since is not None and at >= period.start_at and old in STAGES:
            stays[old].append(calendar.working_days_between(since, at))
        entered[new] = at
    medians = {}
    for stage in STAGES:
        if stays[stage]:
            value = _number(stats.median(stays[stage]))
            medians[str(stage)] = scope.guard.over(f"median_working_days.{stage}", value, len(stays[stage]))
    scope.labels["median_working_days"] = {str(s): str(Status(s).label) for s in STAGES}
    return {"median_working_days": medians}


@figure(refused="درخواست‌های ردشده", refusals_by_condition="رد به سبب هر شرط احرازنشده")
def refusals(scope: Scope) -> dict[str, Any]:
    refused_ids = _decisions(scope).filter(to_status=Status.REJECTED).values("application_id")
    lists = Application.objects.filter(pk__in=Subquery(refused_ids)).values_list("failed_conditions", flat=True)
    counts: Counter[str] = Counter()
    refused = 0
    for ids in lists:
        refused += 1
        counts.update({str(cid) for cid in (ids if isinstance(ids, list) else []) if isinstance(cid, str | int)})
    cells = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    texts: dict[str, str] = {}
    if cells:
        for cid, text in (
            Condition.objects.filter(rule_set__municipality=scope.municipality, cid__in=list(cells))
            .order_by("cid", "-rule_set__version")
            .values_list("cid", "text")
        ):
            texts.setdefault(cid, text)
    scope.labels["refusals_by_condition"] = {cid: texts.get(cid) or "شرط دیگر" for cid in cells}
    by_condition, shown = scope.guard.breakdown("refusals_by_condition", cells, total_key="refused", total=refused)
    return {"refused": shown, "refusals_by_condition": by_condition}


@figure(active_licences="مجوزهای فعال", active_licences_by_district="مجوزهای فعال هر منطقه")
def licences(scope: Scope) -> dict[str, Any]:
    counts = dict(
        Licence.objects.filter(
            municipality=scope.municipality, status=LicenceStatus.ACTIVE, issued_at__lt=scope.period.end_at
        )
        .values_list("district_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    districts = list(District.objects.filter(municipality=scope.municipality).order_by("number"))
    cells = {str(d.number): counts.get(d.pk, 0) for d in districts}
    scope.labels["active_licences_by_district"] = {str(d.number): d.name for d in districts}
    by_district, shown = scope.guard.breakdown(
        "active_licences_by_district", cells, total_key="active_licences", total=sum(counts.values())
    )
    return {"active_licences": shown, "active_licences_by_district": by_district}


@figure(complaints_received="شکایت‌های رسیده", complaints_answered="شکایت‌های پاسخ‌داده")
def complaints(scope: Scope) -> dict[str, Any]:
    """Complaints filed in the period (about a case or an office of the municipality), and those
    filed in it that have a reasoned answer by now (a reopened one counts once it is answered
    again). Municipality-wide totals: shown, as the other totals."""
    filed = Complaint.objects.filter(
        municipality=scope.municipality, created_at__gte=scope.period.start_at, created_at__lt=scope.period.end_at
    )
    counts = filed.aggregate(received=Count("pk"), answered=Count("pk", filter=Q(status=ComplaintStatus.ANSWERED)))
    return {"complaints_received": counts["received"], "complaints_answered": counts["answered"]}


def compute(municipality: Municipality, period: Period) -> dict[str, Any]:
    """The figures, computed now (``statistics`` serves them from the cache)."""
    scope = Scope(municipality, period)
    body: dict[str, Any] = {
        "municipality": {"slug": municipality.slug, "name": municipality.name},
        **period.body(),
    }
    for function in FIGURES:
        body.update(function(scope))
    now = timezone.now()
    body.update(
        {
            "min_group": scope.guard.minimum,
            "withheld": scope.guard.withheld,
            "labels": scope.labels,
            "computed_at": now.isoformat(),
            "computed_at_jalali": jalali_iso(timezone.localtime(now)),
        }
    )
    return body


def cache_seconds() -> int:
    return max(0, int(getattr(settings, "FIGURES_CACHE_SECONDS", 600)))


def statistics(municipality: Municipality, period: Period, *, address: str | None = None) -> dict[str, Any]:
    """The figures as computed at most ``FIGURES_CACHE_SECONDS`` ago (they are not personal, so
    they are shared by every reader and expire by time alone). A computation (a cache miss) is
    counted against ``address``: at most ``FIGURES_COMPUTE_PER_ADDRESS_HOURLY`` per hour, so
    asking for ever new periods cannot keep the database busy."""
    key = f"figures:v{CACHE_VERSION}:{municipality.pk}:{period.key}"
    body = cache.get(key)
    if body is None:
        if address is not None:
            limit = int(getattr(settings, "FIGURES_COMPUTE_PER_ADDRESS_HOURLY", 60))
            wait = ratelimit.hit(f"figures:{address_hash(address)}", limit=limit, window=3600)
            if wait:
                raise ThrottledError(msg.THROTTLED.format(seconds=persian_digits(wait)), retry_after=wait)
        body = compute(municipality, period)
        if cache_seconds():
            cache.set(key, body, cache_seconds())
    return body


def public_municipality(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug, is_active=True).first()


def csv_rows(body: dict[str, Any]) -> list[list[Any]]:
    """The figures as rows ``[key, sub-key, label, value, withheld]``; a withheld value is empty."""
    withheld = set(body.get("withheld", []))
    rows: list[list[Any]] = []
    for key, label in LABELS.items():
        if key not in body:
            continue
        value = body[key]
        if isinstance(value, dict):
            names = body.get("labels", {}).get(key, {})
            for sub, cell in value.items():
                hidden = f"{key}.{sub}" in withheld
                rows.append([key, sub, f"{label}: {names.get(sub, sub)}", "" if cell is None else cell, _yes(hidden)])
        else:
            rows.append([key, "", label, "" if value is None else value, _yes(key in withheld)])
    return rows


def _yes(flag: bool) -> str:
    return "بله" if flag else "خیر"


CSV_HEADER = ["شاخص", "کلید", "عنوان", "مقدار", "پنهان (گروه کوچک)"]
