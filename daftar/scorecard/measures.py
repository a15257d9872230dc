"""The seven measures of the office scorecard (issue 22 §2), for every office of a municipality
at once: one query per source table whatever the number of offices (decision 0052).

Each measure gives a score from 0 to 100, the raw figures it came from and a plain Persian
sentence saying why, or no score where there is nothing to measure ("not enough data": the
measure is left out of the total and the other weights count for more; never a made-up number).

- **satisfaction**: the mean rating (1–5, ``daftar.feedback``) of the period, 1 → 0 and 5 → 100,
  counted by the Jalali month of the rating (``jyear``/``jmonth``) under the feedback page's rule
  (``daftar.feedback.selectors.office_satisfaction``): a month with fewer than
  ``FEEDBACK_MIN_GROUP`` ratings is left out, as the page withholds it, so nothing here can be
  set against the page's monthly figures to recover a withheld month. No month counted: no
  score. Walk-in services and kept appointments are shown apart only when each reaches
  ``FEEDBACK_MIN_GROUP``: otherwise the overall mean and the other source's would give away the
  few ratings of the small one. No count below ``FEEDBACK_MIN_GROUP`` is ever shown (decision
  0052).
- **tariff**: overcharges (supervision violations of type ``overcharging``, S18/P6) per hundred
  services recorded (``daftar.ledger``); ``SCORECARD_OVERCHARGE_ZERO_PERCENT`` of them bring it
  to 0.
- **hours** (S17): services recorded outside the approved hours per hundred
  (``SCORECARD_OUTSIDE_ZERO_PERCENT`` bring it to 0), less ``SCORECARD_LATE_CLOSURE_POINTS`` for
  each closure registered fewer than ``closure_notice_days`` days before the day it closed.
- **complaints**: complaints about the office answered «وارد است» (upheld) in the period, less
  ``SCORECARD_COMPLAINT_POINTS`` each (a reopened complaint counts again only once re-answered).
- **violations** (S16, P5): every violation observed in the period, less the municipality's
  points for its severity (minor, major, grave); but work outside hours the system detected
  itself (type ``outside_hours``, source ``system``), which the hours measure already counts
  from the same services: it is named in the reason, not taken off twice.
- **reports** (P5): the six-monthly reports due in the period: on time 100, late
  ``SCORECARD_REPORT_LATE_SCORE``, missing 0, averaged. Owed as the supervision app counts it:
  a report filed is owed when the licence was valid during the half-year (the supervisor's
  inbox, ``supervision.reports.inbox``); a missing one only where ``reports_remind`` records
  the «report missing» violation (licence under supervision, valid during the half-year and
  issued before its deadline).
- **wait**: the median minutes from a walk-in ticket to its call (``daftar.hall``): up to
  ``SCORECARD_WAIT_TARGET_MINUTES`` 100, from ``SCORECARD_WAIT_ZERO_MINUTES`` 0, straight between.

An office that recorded no service in the period is not ranked: without services, "no
complaint and no violation" says nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum

from daftar.complaints.models import Complaint, Decision
from daftar.feedback.models import FeedbackRequest, Source
from daftar.feedback.selectors import min_group
from daftar.feedback.workflow import RATED_STATES
from daftar.hall.selectors import median_waits
from daftar.kernel.normalize import persian_digits
from daftar.ledger.models import Transaction
from daftar.licences.models import Licence
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office, OfficeClosure
from daftar.supervision.models import OfficeReport, Violation, ViolationSource
from daftar.supervision.reports import period_deadline
from daftar.supervision.services import OUTSIDE_HOURS, SUPERVISABLE, period_bounds

from . import messages as msg
from .constants import MEASURES, Measure
from .periods import Period, label_of
from .rules import Rules

SEVERITY_LABELS = {"grave": "شدید", "major": "عمده", "minor": "جزئی"}


def fa(value: float | int) -> str:
    """«۲٫۵», «۱۲»: Persian digits, one decimal where there is one."""
    if isinstance(value, float) and not value.is_integer():
        return persian_digits(f"{value:.1f}").replace(".", "٫")
    return persian_digits(int(value))


def clamp(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 1)


@dataclass
class Figures:
    """The raw figures of one office in one period."""

    services: int = 0
    outside: int = 0
    closures: list[tuple[dt.date, dt.datetime]] = field(default_factory=list)
    # Jalali month of the rating -> source -> (count, sum of ratings)
    ratings: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)
    violations: dict[tuple[str, str], int] = field(default_factory=dict)  # (type code, severity) -> n
    detected_outside: int = 0  # outside-hours violations the system detected (in the hours measure)
    upheld: int = 0
    reports: dict[str, dt.datetime] = field(default_factory=dict)  # half-year -> submitted at
    owed: list[str] = field(default_factory=list)  # the half-years whose report was due
    wait: float | None = None
    licensed: bool = False


@dataclass
class Result:
    code: str
    weight: int
    score: float | None
    raw: dict[str, Any]
    reason: str

    @property
    def counted(self) -> bool:
        return self.score is not None and self.weight > 0

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": Measure(self.code).label,
            "weight": self.weight,
            "score": self.score,
            "counted": self.counted,
            "raw": self.raw,
            "reason": self.reason,
        }


def _moments(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(period.first, dt.time.min, tzinfo=TEHRAN),
        dt.datetime.combine(period.last, dt.time.max, tzinfo=TEHRAN),
    )


def gather(offices: list[Office], municipality_id: int, period: Period) -> dict[int, Figures]:
    """Every office's figures of ``period``: one query per source table (eight in all)."""
    out = {office.pk: Figures(licensed=office.licence_id is not None) for office in offices}
    by_licence = {office.licence_id: out[office.pk] for office in offices if office.licence_id}
    first, last = period.first, period.last
    moments = _moments(period)
    for tx in (
        Transaction.objects.filter(municipality_id=municipality_id, day__gte=first, day__lte=last)
        .values("office_id")
        .annotate(n=Count("pk"), outside=Count("pk", filter=Q(outside_hours=True)))
        .order_by()
    ):
        if tx["office_id"] in out:
            out[tx["office_id"]].services, out[tx["office_id"]].outside = tx["n"], tx["outside"]
    for office_id, day, created in OfficeClosure.objects.filter(
        office__municipality_id=municipality_id, date__gte=first, date__lte=last
    ).values_list("office_id", "date", "created_at"):
        if office_id in out:
            out[office_id].closures.append((day, created))
    first_month, last_month = period.jmonths
    for rated in (
        FeedbackRequest.objects.filter(
            municipality_id=municipality_id,
            status__in=RATED_STATES,
            jyear=period.year,
            jmonth__gte=first_month,
            jmonth__lte=last_month,
        )
        .values("office_id", "jmonth", "source")
        .annotate(n=Count("pk"), total=Sum("rating"))
        .order_by()
    ):
        if rated["office_id"] in out:
            month = out[rated["office_id"]].ratings.setdefault(rated["jmonth"] or 0, {})
            month[rated["source"]] = (rated["n"], rated["total"] or 0)
    for found in (
        Violation.objects.filter(municipality_id=municipality_id, observed_at__range=moments)
        .values("licence_id", "violation_type__code", "violation_type__severity", "source")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        figures = by_licence.get(found["licence_id"])
        if figures is None:
            continue
        code, severity = found["violation_type__code"], found["violation_type__severity"]
        if code == OUTSIDE_HOURS and found["source"] == ViolationSource.SYSTEM:
            figures.detected_outside += found["n"]
            continue
        figures.violations[(code, severity)] = figures.violations.get((code, severity), 0) + found["n"]
    for upheld in (
        Complaint.objects.filter(
            municipality_id=municipality_id, office__isnull=False, decision=Decision.UPHELD, answered_at__range=moments
        )
        .values("office_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if upheld["office_id"] in out:
            out[upheld["office_id"]].upheld = upheld["n"]
    halves = period.halves()
    if halves and by_licence:
        for licence_id, half, submitted in OfficeReport.objects.filter(
            licence_id__in=list(by_licence), period__in=halves
        ).values_list("licence_id", "period", "submitted_at"):
            by_licence[licence_id].reports[half] = submitted
    for office in offices:
        licence = office.licence
        if licence is not None:
            filed = out[office.pk].reports
            out[office.pk].owed = [h for h in halves if report_owed(licence, h, filed=h in filed)]
    for office_id, minutes in median_waits(list(out), first, last).items():
        if office_id in out:
            out[office_id].wait = minutes
    return out


def report_owed(licence: Licence, half: str, *, filed: bool) -> bool:
    """The licence owed ``half``'s six-monthly report, as the supervision app counts it: valid
    during the half-year, and either the report was filed (the supervisor's inbox shows it) or
    the licence is one ``reports_remind`` records the «report missing» violation for (under
    supervision, issued before the deadline)."""
    start, end = period_bounds(half)
    if licence.valid_from > end or licence.valid_until < start:
        return False
    return filed or (licence.status in SUPERVISABLE and licence.issued_at <= period_deadline(half))


# --- the scores ---------------------------------------------------------------------------------

SOURCES = ((Source.SERVICE, "خدمت حضوری"), (Source.APPOINTMENT, "نوبت اینترنتی"))


def _satisfaction(f: Figures) -> tuple[float | None, dict[str, Any], str]:
    """Only the months the feedback page shows (each with at least ``min_group`` ratings) count,
    and a source's own mean and count only when both sources reach ``min_group``: no figure here
    is a count below ``min_group`` or can be combined with another (here or on the feedback
    page) to recover one (decision 0052)."""
    smallest = min_group()
    months = [by_source for by_source in f.ratings.values() if sum(n for n, _ in by_source.values()) >= smallest]
    per_source = {
        source: (
            sum(m.get(source, (0, 0))[0] for m in months),
            sum(m.get(source, (0, 0))[1] for m in months),
        )
        for source, _ in SOURCES
    }
    count = sum(n for n, _ in per_source.values())
    total = sum(s for _, s in per_source.values())
    raw: dict[str, Any] = {"ratings": None, "mean": None, "months_counted": len(months), "min_group": smallest}
    for source, _ in SOURCES:
        raw[f"{source}_ratings"] = raw[f"{source}_mean"] = None
    # said every time, whether or not a month was left out: saying it only then would tell a
    # month with one or two ratings from a month with none, which the feedback page does not
    rule = f"ماهی با کمتر از {fa(smallest)} نظر شمرده نمی‌شود، چنان‌که صفحهٔ رضایت شهروندان هم آن را نشان نمی‌دهد."
    if count < smallest:  # no month counted
        return None, raw, f"در هیچ ماهی از این دوره دست‌کم {fa(smallest)} نظر ثبت نشد. {rule}"
    mean = total / count
    raw["ratings"], raw["mean"] = count, round(mean, 2)
    apart = all(n >= smallest for n, _ in per_source.values())
    if apart:
        parts = []
        for source, name in SOURCES:
            n, s = per_source[source]
            raw[f"{source}_ratings"], raw[f"{source}_mean"] = n, round(s / n, 2)
            parts.append(f"{name}: {fa(round(s / n, 1))} در {fa(n)} نظر")
        detail = f" ({'؛ '.join(parts)})."
    else:
        detail = (
            f". میانگین خدمت حضوری و نوبت اینترنتی جداگانه گفته می‌شود اگر هر یک دست‌کم {fa(smallest)} نظر داشته باشد."
        )
    reason = f"میانگین امتیاز {fa(round(mean, 1))} از ۵ در {fa(count)} نظر{detail} {rule}"
    return clamp((mean - 1) * 25), raw, reason


def _overcharges(f: Figures) -> int:
    return sum(n for (code, _), n in f.violations.items() if code == "overcharging")


def _tariff(f: Figures) -> tuple[float | None, dict[str, Any], str]:
    over = _overcharges(f)
    zero = float(settings.SCORECARD_OVERCHARGE_ZERO_PERCENT)
    raw: dict[str, Any] = {"overcharges": over, "services": f.services, "zero_percent": zero}
    if not f.services and not over:
        return None, raw, "در این دوره خدمتی ثبت نشد."
    percent = 100 * over / max(f.services, 1)
    raw["percent"] = round(percent, 2)
    if not over:
        return 100.0, raw, f"هیچ مورد دریافت بیش از تعرفه در {fa(f.services)} خدمت ثبت‌شده گزارش نشد."
    score = clamp(100 * (1 - percent / zero)) if zero > 0 else 0.0
    return score, raw, f"{fa(over)} مورد دریافت بیش از تعرفه در {fa(f.services)} خدمت ثبت‌شده."


def _late(day: dt.date, created: dt.datetime, notice_days: int) -> bool:
    return created.astimezone(TEHRAN).date() > day - dt.timedelta(days=notice_days)


def _hours(f: Figures, rules: Rules) -> tuple[float | None, dict[str, Any], str]:
    days = rules.closure_notice_days
    late = sum(1 for day, created in f.closures if _late(day, created, days))
    zero = float(settings.SCORECARD_OUTSIDE_ZERO_PERCENT)
    points = int(settings.SCORECARD_LATE_CLOSURE_POINTS)
    raw: dict[str, Any] = {
        "services": f.services,
        "outside": f.outside,
        "closures": len(f.closures),
        "late_closures": late,
        "notice_days": days,
    }
    if not f.services and not f.closures:
        return None, raw, "در این دوره خدمت یا تعطیلی‌ای ثبت نشد."
    percent = 100 * f.outside / f.services if f.services else 0.0
    raw["outside_percent"] = round(percent, 2)
    score = (100 * (1 - percent / zero) if zero > 0 else (0.0 if f.outside else 100.0)) - points * late
    if f.outside:
        first = f"{fa(f.outside)} خدمت از {fa(f.services)} خدمت ({fa(round(percent, 1))}٪) بیرون از ساعات مصوب ثبت شد"
    else:
        first = f"همهٔ {fa(f.services)} خدمت در ساعات مصوب ثبت شد" if f.services else "خدمتی ثبت نشد"
    if not f.closures:
        second = "تعطیلی‌ای اعلام نشد"
    elif late:
        second = f"{fa(late)} تعطیلی از {fa(len(f.closures))} تعطیلی کمتر از {fa(days)} روز پیش از آن اعلام شد"
    else:
        second = f"هر {fa(len(f.closures))} تعطیلی دست‌کم {fa(days)} روز پیش از آن اعلام شد"
    return clamp(score), raw, f"{first}؛ {second}."


def _complaints(f: Figures) -> tuple[float | None, dict[str, Any], str]:
    points = int(settings.SCORECARD_COMPLAINT_POINTS)
    raw = {"upheld": f.upheld, "points_each": points}
    if not f.upheld:
        return 100.0, raw, "هیچ شکایتی از دفتر در این دوره وارد شناخته نشد."
    return clamp(100 - points * f.upheld), raw, f"{fa(f.upheld)} شکایت از دفتر وارد شناخته شد."


def _violations(f: Figures, rules: Rules) -> tuple[float | None, dict[str, Any], str]:
    by_severity = dict.fromkeys(SEVERITY_LABELS, 0)
    for (_code, severity), n in f.violations.items():
        by_severity[severity] = by_severity.get(severity, 0) + n
    raw: dict[str, Any] = {
        **by_severity,
        "points": dict(rules.severity_points),
        "outside_hours_detected": f.detected_outside,
    }
    if not f.licensed:
        return None, raw, "دفتر به مجوزی پیوند ندارد و تخلفی برایش ثبت نمی‌شود."
    lost = sum(rules.severity_points.get(s, 0) * n for s, n in by_severity.items())
    note = (
        f" {fa(f.detected_outside)} تخلف کار بیرون از ساعات مصوب که سامانه ثبت کرد در سنجهٔ «رعایت ساعات کار» آمده"
        " است و این‌جا دوباره کم نشد."
        if f.detected_outside
        else ""
    )
    if not lost and not any(by_severity.values()):
        if note:
            return 100.0, raw, f"در این دوره تخلف دیگری برای دفتر ثبت نشد.{note}"
        return 100.0, raw, "در این دوره تخلفی برای دفتر ثبت نشد."
    said = "، ".join(f"{fa(n)} تخلف {SEVERITY_LABELS[s]}" for s, n in by_severity.items() if n)
    return clamp(100 - lost), raw, f"{said} در این دوره ثبت شد.{note}"


def _reports(f: Figures) -> tuple[float | None, dict[str, Any], str]:
    late_score = float(settings.SCORECARD_REPORT_LATE_SCORE)
    rows = []
    scores = []
    for half in f.owed:
        submitted = f.reports.get(half)
        if submitted is None:
            state, score = "missing", 0.0
        elif submitted > period_deadline(half):
            state, score = "late", late_score
        else:
            state, score = "on_time", 100.0
        rows.append({"period": half, "state": state})
        scores.append(score)
    raw: dict[str, Any] = {"reports": rows, "late_score": late_score}
    if not scores:
        why = "دفتر به مجوزی پیوند ندارد." if not f.licensed else "گزارش شش‌ماهه‌ای در این دوره سررسید نداشت."
        return None, raw, why
    words = {"on_time": "به‌موقع فرستاده شد", "late": "با تأخیر فرستاده شد", "missing": "فرستاده نشد"}
    said = "؛ ".join(f"گزارش {label_of(row['period'])} {words[row['state']]}" for row in rows)
    return clamp(sum(scores) / len(scores)), raw, f"{said}."


def _wait(f: Figures) -> tuple[float | None, dict[str, Any], str]:
    target = float(settings.SCORECARD_WAIT_TARGET_MINUTES)
    zero = float(settings.SCORECARD_WAIT_ZERO_MINUTES)
    raw = {"median_minutes": f.wait, "target_minutes": target, "zero_minutes": zero}
    if f.wait is None:
        return None, raw, "نوبت حضوری فراخوانده‌شده‌ای در این دوره ثبت نشد."
    if f.wait <= target:
        score = 100.0
    elif f.wait >= zero or zero <= target:
        score = 0.0
    else:
        score = 100 * (zero - f.wait) / (zero - target)
    return (
        clamp(score),
        raw,
        f"میانهٔ انتظار مراجعان حضوری تا فراخوان {fa(f.wait)} دقیقه بود (هدف: {fa(target)} دقیقه یا کمتر).",
    )


def score(f: Figures, rules: Rules) -> list[Result]:
    """The seven measures of one office, in ``MEASURES`` order."""
    found = {
        Measure.SATISFACTION: _satisfaction(f),
        Measure.TARIFF: _tariff(f),
        Measure.HOURS: _hours(f, rules),
        Measure.COMPLAINTS: _complaints(f),
        Measure.VIOLATIONS: _violations(f, rules),
        Measure.REPORTS: _reports(f),
        Measure.WAIT: _wait(f),
    }
    out = []
    for code in MEASURES:
        value, raw, reason = found[Measure(code)]
        weight = rules.weights.get(code, 0)
        if weight == 0:
            reason = f"{reason} {msg.OFF}"
        elif value is None:
            reason = f"{reason} {msg.NO_DATA}"
        out.append(Result(code=code, weight=weight, score=value, raw=raw, reason=reason))
    return out


def total_of(results: list[Result]) -> float | None:
    """The weighted mean of the measures that have a score and a weight (the missing ones' weight
    spread over the rest: renormalised), or ``None`` when none has."""
    counted = [r for r in results if r.counted]
    weights = sum(r.weight for r in counted)
    if not weights:
        return None
    return round(sum(r.weight * (r.score or 0.0) for r in counted) / weights, 1)


def operated(f: Figures) -> bool:
    """The office recorded a service in the period: only then is it ranked."""
    return f.services > 0
