"""The six-monthly office reports seen from the municipality (P5): the half-years, the inbox of a
period (every licence under supervision: its report filed on time or late, or missing and
whether the system recorded the «report missing» violation) and the supervisor's review.

The report of a half-year is due by the end of its last day (Tehran time): ``services.
reports_remind`` reminds before it and records the violation after it. A report sent later is
shown as late. The review is the lifecycle ``workflow.OFFICE_REPORT``: accepting the report, or
asking the office to clarify it (an SMS to the holder with what to clarify); who may take it is
``policy.may_move`` (the municipality's supervisor, never on their own office's report).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.licences.models import Licence
from daftar.municipalities.workdays import TEHRAN
from daftar.runtime.dbrouter import reading_from_replica

from . import messages as msg
from . import policy, sms
from .models import OfficeReport, Violation
from .services import SUPERVISABLE, _audit, _tell, period_bounds, period_of, previous_period
from .workflow import OFFICE_REPORT, ReportStatus

MIN_NOTE = 10
MAX_NOTE = 2000
PERIODS_SHOWN = 6  # the current half-year and the five before it
HALF_NAMES = {1: "نیمهٔ نخست", 2: "نیمهٔ دوم"}


# --- half-years -------------------------------------------------------------------------------


def period_label(period: str) -> str:
    """«نیمهٔ نخست ۱۴۰۵» for ``1405-H1``."""
    year, half = period.upper().split("-H")
    return f"{HALF_NAMES[int(half)]} {persian_digits(year)}"


def period_deadline(period: str) -> dt.datetime:
    """The end of the half-year's last day, Tehran time: the report is due by then."""
    _, end = period_bounds(period)
    return dt.datetime.combine(end, dt.time.max, tzinfo=TEHRAN)


def last_closed_period(today: dt.date | None = None) -> str:
    return previous_period(period_of(today or timezone.localdate()))


def recent_periods(count: int = PERIODS_SHOWN, today: dt.date | None = None) -> list[str]:
    """The current half-year and the ``count - 1`` before it, newest first."""
    out = [period_of(today or timezone.localdate())]
    while len(out) < count:
        out.append(previous_period(out[-1]))
    return out


def is_closed(period: str, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) > period_deadline(period)


def is_late(report: OfficeReport) -> bool:
    """Sent after its half-year's deadline."""
    return report.submitted_at > period_deadline(report.period)


# --- the inbox of a period --------------------------------------------------------------------

INBOX_FILTERS = {
    "": "همه",
    "filed": "فرستاده‌شده",
    "missing": "فرستاده‌نشده",
    ReportStatus.SUBMITTED.value: ReportStatus.SUBMITTED.label,
    ReportStatus.CLARIFY.value: ReportStatus.CLARIFY.label,
    ReportStatus.ACCEPTED.value: ReportStatus.ACCEPTED.label,
}


def inbox(actor: Any, period: str, show: str = "") -> QuerySet[Licence]:
    """Every licence of the municipalities ``actor`` oversees that owes ``period``'s report
    (under supervision and valid before the half-year ended, or one that sent it anyway), but
    their own, annotated in one query with its report of the period (``report_id``,
    ``report_status``, ``report_submitted_at``) and ``missing_recorded`` (the system recorded the
    «report missing» violation). ``show`` is a key of ``INBOX_FILTERS``."""
    start, end = period_bounds(period)
    ids = policy.oversight_municipalities(actor)
    qs = Licence.objects.filter(valid_from__lte=end, valid_until__gte=start)
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    qs = policy.oversight_scope(actor, qs, "municipality", "pk")
    reports = OfficeReport.objects.filter(licence=OuterRef("pk"), period=period)
    qs = qs.annotate(
        report_id=Subquery(reports.values("pk")[:1]),
        report_status=Subquery(reports.values("status")[:1]),
        report_submitted_at=Subquery(reports.values("submitted_at")[:1]),
        missing_recorded=Exists(Violation.objects.filter(licence=OuterRef("pk"), report_period=period)),
    ).filter(Q(status__in=SUPERVISABLE) | Q(report_id__isnull=False))
    if show == "filed":
        qs = qs.filter(report_id__isnull=False)
    elif show == "missing":
        qs = qs.filter(report_id__isnull=True)
    elif show in ReportStatus.values:
        qs = qs.filter(report_status=show)
    return qs.select_related("district", "office").order_by("report_submitted_at", "number")


@reading_from_replica()  # counts over every licence overseen: on the read replica when there is one
def inbox_counts(actor: Any, period: str) -> dict[str, int]:
    """How many licences of the inbox filed on time, late, not at all, and await a review."""
    deadline = period_deadline(period)
    return inbox(actor, period).aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(report_submitted_at__lte=deadline)),
        late=Count("pk", filter=Q(report_submitted_at__gt=deadline)),
        missing=Count("pk", filter=Q(report_id__isnull=True)),
        awaiting=Count("pk", filter=Q(report_status=ReportStatus.SUBMITTED)),
    )


@dataclass(frozen=True)
class PeriodRow:
    """One half-year of one licence (the compliance page)."""

    period: str
    label: str
    report: OfficeReport | None
    late: bool
    missing_recorded: bool
    closed: bool


def licence_periods(licence: Licence, count: int = 4) -> list[PeriodRow]:
    """The licence's last ``count`` half-years since it became valid, newest first, in two
    queries: its reports and the periods the system recorded as missing."""
    periods = [p for p in recent_periods(count) if period_bounds(p)[1] >= licence.valid_from]
    reports = {r.period: r for r in OfficeReport.objects.filter(licence=licence, period__in=periods)}
    recorded = set(
        Violation.objects.filter(licence=licence, report_period__in=periods).values_list("report_period", flat=True)
    )
    return [
        PeriodRow(
            period=p,
            label=period_label(p),
            report=reports.get(p),
            late=p in reports and is_late(reports[p]),
            missing_recorded=p in recorded,
            closed=is_closed(p),
        )
        for p in periods
    ]


def awaiting_review(actor: Any) -> QuerySet[OfficeReport]:
    """Reports ``actor`` may review that nobody has reviewed yet, oldest first."""
    ids = policy.oversight_municipalities(actor, policy.STAFF_ACTIONS["office_report.accept"])
    qs = policy.visible_reports(actor).filter(status=ReportStatus.SUBMITTED)
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    return qs.select_related("licence").order_by("submitted_at", "pk")


# --- the review -------------------------------------------------------------------------------


@OFFICE_REPORT.effect("keep_review")
def _keep_review(report: OfficeReport, actor: Any, data: dict[str, Any]) -> None:
    report.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    report.reviewed_at, report.review_note = data["now"], data["note"]


def _note(raw: object, required: bool) -> str:
    note = normalize_text(str(raw or "")).strip()
    if len(note) > MAX_NOTE:
        raise ApplicationError(
            msg.REVIEW_NOTE_TOO_LONG, code="note_too_long", fields={"note": [msg.REVIEW_NOTE_TOO_LONG]}
        )
    if required and len(note) < MIN_NOTE:
        raise ApplicationError(
            msg.REVIEW_NOTE_REQUIRED, code="note_required", fields={"note": [msg.REVIEW_NOTE_REQUIRED]}
        )
    return note


def review_check(report: OfficeReport, *, outcome: object, note: object = "", actor: Any) -> tuple[str, str]:
    """The review ``actor`` asks for, checked without writing anything: the move's name and the
    note. In order: who may review (404 for one's own office, 403 without the role), the outcome,
    the report's state (409), the note (a clarification says what to clarify)."""
    action = normalize_text(str(outcome or "")).strip()
    policy.demand_report_move(actor, "accept", report)  # both moves belong to the same roles
    if action not in OFFICE_REPORT.moves:
        raise ApplicationError(
            msg.REVIEW_OUTCOME_UNKNOWN, code="outcome_unknown", fields={"outcome": [msg.REVIEW_OUTCOME_UNKNOWN]}
        )
    OFFICE_REPORT.check(report, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move)
    return action, _note(note, required=action == "clarify")


def report_review(report: OfficeReport, *, outcome: object, note: object = "", actor: Any) -> OfficeReport:
    """The supervisor accepts the report or asks the office to clarify it (``outcome`` is the
    move: ``accept`` or ``clarify``; a clarification needs a note saying what to clarify, which
    goes to the holder by SMS). One transaction: the report, its audit entry, the SMS."""
    action, text = review_check(report, outcome=outcome, note=note, actor=actor)
    with transaction.atomic():
        locked = (
            OfficeReport.objects.select_for_update(of=("self",)).select_related("licence__holder").get(pk=report.pk)
        )
        OFFICE_REPORT.take(
            locked,
            action,
            actor=actor,
            may=policy.may_move,
            refuse=policy.refuse_move,
            data={"note": text, "now": timezone.now()},
        )
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        licence = locked.licence
        _audit(actor, f"report_{action}", locked, licence, {"period": locked.period, "note": text})
        if action == "clarify":
            _tell(
                sms.REPORT_CLARIFY.key,
                licence,
                office=licence.display_name,
                period=period_label(locked.period),
                note=text,
            )
    return locked
