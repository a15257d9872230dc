"""Supervision services (S16, S17, P5). Each writes its rows, an audit entry
(``supervision.<action>``) and an SMS to the licence holder in one transaction (a notice, its
deadline's reminder and the six-monthly report's reminder also to the active managers of the
licence's office; the texts are declared in ``sms.py``). Who may act is
answered by ``policy.py``; the states of violations and notices change only through their
declared tables (``workflow.VIOLATION``, ``workflow.NOTICE``), whose guards and effects are
bound here.

The ladder (``LadderStep``, the municipality's own or the global default):

* Every decision records the rung it applied (``ladder_position``). A new notice proposes the
  first rung above the highest rung already decided for the licence (the last rung when the
  top was reached).
* Documented escalation: when a cited violation is **grave**, the proposal is at least the
  first suspension rung (a grave first offence skips the warning).
* The decision's outcome must be the notice's proposed outcome; anything else is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jdatetime
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.documents.throttle import upload_throttle
from daftar.documents.validation import InspectedFile, UploadRejected, clean_original_name, inspect_upload
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import parse_datetime, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.licences.models import Licence, LicenceStatus
from daftar.licences.moves import licence_revoke, licence_suspend
from daftar.municipalities.workdays import TEHRAN, WorkCalendar, calendar_for, tehran_day
from daftar.notifications.services import notify
from daftar.offices.models import OfficeStaff, StaffRole

from . import messages as msg
from . import policy, sms
from .models import (
    OUTCOME_RANK,
    Decision,
    LadderStep,
    Notice,
    NoticeStatus,
    OfficeReport,
    Outcome,
    ReportReminder,
    Severity,
    Violation,
    ViolationEvidence,
    ViolationStatus,
    ViolationType,
)
from .presenters import period_title
from .workflow import NOTICE, VIOLATION

MIN_TEXT = 10
MIN_REPORT = 20
REPORT_MISSING = "report_missing"
SUPERVISABLE = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)

log = logging.getLogger(__name__)


def response_days() -> int:
    """Working days the office has to answer a notice (setting ``SUPERVISION_RESPONSE_DAYS``)."""
    return int(getattr(settings, "SUPERVISION_RESPONSE_DAYS", 5))


def reminder_days() -> int:
    """Days before the half-year deadline when the report reminder goes out."""
    return int(getattr(settings, "SUPERVISION_REPORT_REMINDER_DAYS", 15))


def notice_reminder_days() -> int:
    """Working days before a notice's response deadline when its reminder goes out (setting
    ``SUPERVISION_NOTICE_REMINDER_DAYS``; 0: on the deadline's own day)."""
    return int(getattr(settings, "SUPERVISION_NOTICE_REMINDER_DAYS", 2))


def notice_reminder_hour() -> int:
    """The Tehran hour from which a day's notice reminders go out (``SUPERVISION_NOTICE_REMINDER_HOUR``)."""
    return int(getattr(settings, "SUPERVISION_NOTICE_REMINDER_HOUR", 9))


# --- helpers --------------------------------------------------------------------------------


def _text(raw: object, minimum: int, message: str, field: str) -> str:
    text = normalize_text(str(raw or "")).strip()
    if len(text) < minimum:
        raise ApplicationError(message, code=f"{field}_required", fields={field: [message]})
    return text


def office_people(licence: Licence) -> list[Any]:
    """Who is told of a licence's notices and deadlines: its holder and the active managers of
    its office (active accounts), each once (a manager who holds the licence is the holder)."""
    people = [licence.holder]
    seen = {licence.holder_id}
    managers = (
        OfficeStaff.objects.filter(
            office__licence_id=licence.pk, role=StaffRole.MANAGER, active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
    )
    for row in managers:
        if row.user_id not in seen:
            seen.add(row.user_id)
            people.append(row.user)
    return people


def _tell(key: str, licence: Licence, **values: Any) -> None:
    """The SMS ``key`` (``sms.py``) to the licence holder, in the licence's municipality's words."""
    notify(key, to=licence.holder, municipality=licence.municipality_id, **values)


def _tell_office(key: str, licence: Licence, **values: Any) -> int:
    """The SMS ``key`` to the holder and the office's active managers (``office_people``);
    returns how many were queued (a person without a mobile gets none)."""
    sent = 0
    for person in office_people(licence):
        if notify(key, to=person, municipality=licence.municipality_id, **values) is not None:
            sent += 1
    return sent


def _audit(actor: Any, action: str, obj: Any, licence: Licence, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"supervision.{action}",
        obj=obj,
        municipality=licence.municipality,
        data={"number": licence.number, **data},
    )


def _supervisable(licence: Licence) -> None:
    if licence.status not in SUPERVISABLE:
        status = LicenceStatus(licence.status).label
        raise ApplicationError(msg.LICENCE_NOT_SUPERVISABLE.format(status=status), code="illegal_state", status=409)


def violation_type_for(licence: Licence, code: str) -> ViolationType | None:
    """The municipality's own type with ``code``, else the global default."""
    types = ViolationType.objects.filter(code=code, active=True)
    return types.filter(municipality=licence.municipality).first() or types.filter(municipality=None).first()


def violation_types_in(municipality_ids: Iterable[int]) -> list[ViolationType]:
    """The active types a violation may be recorded under in these municipalities, one per
    code (a municipality's own type before the global default, as ``violation_type_for``)."""
    rows = ViolationType.objects.filter(active=True).filter(
        Q(municipality_id__in=list(municipality_ids)) | Q(municipality=None)
    )
    chosen: dict[str, ViolationType] = {}
    for vtype in rows.order_by("pk"):  # a municipality's own type replaces the default, in any order
        if vtype.code not in chosen or vtype.municipality_id is not None:
            chosen[vtype.code] = vtype
    return sorted(chosen.values(), key=lambda t: t.title)


# --- the ladder -----------------------------------------------------------------------------


def ladder_for(municipality: Any) -> list[LadderStep]:
    steps = list(LadderStep.objects.filter(municipality=municipality).order_by("position"))
    return steps or list(LadderStep.objects.filter(municipality=None).order_by("position"))


@dataclass(frozen=True)
class Proposal:
    """The rung a new notice would propose, and why: ``reached`` is the highest rung already
    decided for the licence (0: none), ``last_outcome`` that decision's outcome, ``top`` that the
    ladder's top was already reached, ``escalated`` that a grave violation lifted the proposal
    to the first suspension rung."""

    step: LadderStep
    base: LadderStep  # the rung the decisions alone lead to (``step`` unless escalated)
    reached: int
    last_outcome: str
    top: bool
    escalated: bool
    # the licence is already suspended, so a suspension (which the licence's lifecycle cannot
    # take from "suspended") gives way to the next heavier rung: the decision stays possible
    beyond_suspension: bool = False


def ladder_proposal(licence: Licence, violations: Iterable[Violation]) -> Proposal:
    """The rung a new notice proposes (see the module docstring), with its reasons."""
    steps = ladder_for(licence.municipality)
    last = Decision.objects.filter(licence=licence).order_by("-ladder_position", "-pk").first()
    reached = last.ladder_position if last else 0
    step = base = next((s for s in steps if s.position > reached), steps[-1])
    top = step.position <= reached
    escalated = False
    if any(v.violation_type.severity == Severity.GRAVE for v in violations):
        floor = OUTCOME_RANK[Outcome.SUSPENSION]
        if OUTCOME_RANK[Outcome(step.outcome)] < floor:
            lifted = next((s for s in steps if OUTCOME_RANK[Outcome(s.outcome)] >= floor), step)
            escalated = lifted is not step
            step = lifted
    beyond = False
    if licence.status == LicenceStatus.SUSPENDED and step.outcome == Outcome.SUSPENSION:
        heavier = next((s for s in steps if OUTCOME_RANK[Outcome(s.outcome)] > OUTCOME_RANK[Outcome.SUSPENSION]), None)
        if heavier is not None:
            step, beyond = heavier, True
    return Proposal(step, base, reached, last.outcome if last else "", top, escalated, beyond)


def next_step(licence: Licence, violations: Iterable[Violation]) -> LadderStep:
    """The rung a new notice proposes (see the module docstring)."""
    return ladder_proposal(licence, violations).step


def notice_due(licence: Licence, now: dt.datetime | None = None) -> dt.datetime:
    """When the office's time to respond to a notice issued ``now`` would end."""
    return calendar_for(licence.municipality).add_working_days(now or timezone.now(), response_days())


# --- violations -----------------------------------------------------------------------------
#
# Every violation says where it came from (``Violation.source``) and what was seen, as data
# (``Violation.evidence``, a dict with a ``kind``), filled by the code path that records it:
#
# * ``overcharge`` (system, ``ledger.services.overcharge_report``): ``service``,
#   ``service_title``, ``amount``, ``tariff``, ``payment_ref``, ``office`` {id, name},
#   ``performed_at``;
# * ``outside_hours`` (system, ``outside_hours_detect``): ``office`` {id, name}, ``day``, the
#   day's approved ``hours`` [[start, end], …] (empty: the office had no hours that day) and the
#   ``transactions`` [{id, at, service, service_title, amount, payment_ref}, …] made outside them;
# * ``visit`` (an inspector, ``inspections.services._visit_violations``): ``visit``, ``when``
#   and the failed checklist ``items`` [{id, label, reason}, …];
# * ``report_missing`` (system, ``reports_remind``): ``period``.
#
# Evidence files (``ViolationEvidence``: photos and PDFs) are checked by content with the
# documents' checks and stored under server-made names, in the transaction of the violation:
# a refused or failed recording leaves neither a row nor a file behind.

EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
OUTSIDE_HOURS = "outside_hours"


def _evidence_name(extension: str) -> str:
    if extension not in ("jpg", "png", "pdf"):
        raise ValueError(f"unexpected evidence extension {extension!r}")
    return f"supervision/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def _checked_files(files: Iterable[Any] | None, actor: Any) -> list[tuple[Any, InspectedFile]]:
    """The evidence files, each checked by content (an image or a PDF, at most
    ``EVIDENCE_MAX_BYTES``), at most ``EVIDENCE_MAX_FILES``; the first refusal names the file."""
    chosen = [f for f in files or () if f is not None]
    if len(chosen) > EVIDENCE_MAX_FILES:
        message = msg.EVIDENCE_TOO_MANY.format(limit=persian_digits(EVIDENCE_MAX_FILES))
        raise ApplicationError(message, code="too_many_files", fields={"files": [message]})
    out = []
    for upload in chosen:
        upload_throttle(actor)  # before the file is checked: the check is the costly part
        try:
            inspected = inspect_upload(
                upload,
                accepted_types=EVIDENCE_TYPES,
                max_bytes=EVIDENCE_MAX_BYTES,
                max_pixels=settings.DOCUMENT_MAX_PIXELS,
                max_pdf_pages=settings.DOCUMENT_MAX_PDF_PAGES,
                max_pdf_objects=settings.DOCUMENT_MAX_PDF_OBJECTS,
                max_pdf_cpu_seconds=settings.DOCUMENT_PDF_CHECK_CPU_SECONDS,
            )
        except UploadRejected as exc:
            name = clean_original_name(getattr(upload, "name", "") or "")
            message = msg.EVIDENCE_REFUSED.format(name=name, detail=exc.detail)
            raise ApplicationError(message, code=exc.code, status=exc.status, fields={"files": [message]}) from None
        out.append((upload, inspected))
    return out


def violation_record(
    licence: Licence,
    *,
    type_code: str,
    description: str,
    observed_at: object = None,
    actor: Any,
    files: Iterable[Any] | None = None,
    source: str | None = None,
    evidence: dict[str, Any] | None = None,
) -> Violation:
    """A supervisor, or an inspector on a supervision visit, records a violation of the
    licence's office (S16, S17): the row, its evidence files, its audit entry and the SMS to the
    holder, in one transaction. ``source`` defaults to the recorder's part
    (``policy.recorder_source``); ``evidence`` is the recording path's structured evidence."""
    policy.demand(actor, "violation.record", licence)
    vtype = violation_type_for(licence, normalize_text(str(type_code or "")).strip())
    if vtype is None:
        raise ApplicationError(msg.TYPE_UNKNOWN, code="type_unknown", fields={"type": [msg.TYPE_UNKNOWN]})
    text = _text(description, MIN_TEXT, msg.DESCRIPTION_REQUIRED, "description")
    now = timezone.now()
    if observed_at in (None, ""):
        observed = now
    else:
        try:
            observed = observed_at if isinstance(observed_at, dt.datetime) else parse_datetime(observed_at)
        except ValidationError as exc:
            raise ApplicationError(
                exc.messages[0], code="datetime_invalid", fields={"observed_at": exc.messages}
            ) from None
        if observed > now:
            raise ApplicationError(
                msg.OBSERVED_IN_FUTURE, code="observed_in_future", fields={"observed_at": [msg.OBSERVED_IN_FUTURE]}
            )
    _supervisable(licence)
    checked = _checked_files(files, actor)
    origin = source or policy.recorder_source(actor, licence)
    saved: list[str] = []
    try:
        with transaction.atomic():
            violation = _violation_create(
                licence, vtype, observed, text, actor, source=origin, evidence=evidence, files=checked, saved=saved
            )
    except BaseException:
        for name in saved:  # the rows did not commit: do not leave their files behind
            default_storage.delete(name)
        raise
    return violation


def violation_record_system(
    licence: Licence,
    *,
    type_code: str,
    description: str,
    observed_at: dt.datetime,
    evidence: dict[str, Any] | None = None,
) -> Violation | None:
    """The system records a violation it detected itself (e.g. an amount above the tariff, S18):
    no human actor, the same row, audit entry and SMS. None when the catalogue type is inactive
    or the licence is not under supervision (nothing to record against)."""
    vtype = violation_type_for(licence, type_code)
    if vtype is None or licence.status not in SUPERVISABLE:
        return None
    with transaction.atomic():
        return _violation_create(
            licence, vtype, observed_at, normalize_text(description), None, source="system", evidence=evidence
        )


# the transactions an outside-hours violation lists one by one; any more that day are counted
OUTSIDE_HOURS_LISTED = 50


def outside_hours_detect(
    licence: Licence,
    *,
    day: dt.date,
    observed_at: dt.datetime,
    description: str,
    evidence: dict[str, Any],
    item: dict[str, Any],
) -> Violation | None:
    """Work outside the approved hours, detected by the system (S17): at most one violation per
    licence (so per office) and Tehran ``day``. The first outside-hours transaction of the day
    records it (``evidence`` with ``transactions: [item]``, its audit entry and the holder's
    SMS); each later one adds its ``item`` to that violation's evidence, whatever its status.

    Called inside the caller's transaction (the transaction's row, under the office's row lock,
    which serialises the office's recordings; the unique ``violation_detected_once_a_day`` is
    the backstop). None when the type is inactive or the licence is not under supervision."""
    vtype = violation_type_for(licence, OUTSIDE_HOURS)
    if vtype is None or licence.status not in SUPERVISABLE:
        return None
    with transaction.atomic():
        found = (
            Violation.objects.select_for_update().filter(licence=licence, violation_type=vtype, detected_on=day).first()
        )
        if found is not None:
            kept = dict(found.evidence or {})
            listed = kept.get("transactions", [])
            if len(listed) < OUTSIDE_HOURS_LISTED:
                kept["transactions"] = [*listed, item]
            else:  # a busy day's evidence stays bounded: the rest are counted
                kept["more"] = int(kept.get("more", 0)) + 1
            found.evidence = kept
            found.save(update_fields=["evidence"])
            return found
        first = {**evidence, "transactions": [item]}
        return _violation_create(
            licence, vtype, observed_at, normalize_text(description), None, source="system", evidence=first, day=day
        )


def _violation_create(
    licence: Licence,
    vtype: ViolationType,
    observed: dt.datetime,
    text: str,
    actor: Any,
    period: str = "",
    *,
    source: str,
    evidence: dict[str, Any] | None = None,
    day: dt.date | None = None,
    files: list[tuple[Any, InspectedFile]] | None = None,
    saved: list[str] | None = None,
) -> Violation:
    """The row, its evidence files (their stored names appended to ``saved`` as they are
    written, for the caller to delete should the transaction fail), the audit entry and the SMS."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    violation = Violation.objects.create(
        licence=licence,
        municipality=licence.municipality,
        violation_type=vtype,
        observed_at=observed,
        description=text,
        recorded_by=user,
        report_period=period,
        source=source,
        evidence=evidence or {},
        detected_on=day,
    )
    stored = []
    for upload, inspected in files or []:
        name = default_storage.save(_evidence_name(inspected.extension), upload)
        if saved is not None:
            saved.append(name)
        ViolationEvidence.objects.create(
            violation=violation,
            file=name,
            original_name=clean_original_name(getattr(upload, "name", "") or ""),
            mime=inspected.mime,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=user,
        )
        stored.append(inspected.sha256)
    data: dict[str, Any] = {"type": vtype.code, "period": period, "source": source}
    if stored:
        data["files"] = stored
    _audit(actor, "violation_record", violation, licence, data)
    _tell(
        sms.VIOLATION.key,
        licence,
        office=licence.display_name,
        number=licence.number,
        title=vtype.title,
        at=to_jalali(observed),
    )
    return violation


# --- notices and decisions ------------------------------------------------------------------


def notice_issue(licence: Licence, *, actor: Any, violation_ids: Iterable[int] | None = None) -> Notice:
    """Notice of the intended decision on the licence's open violations (all of them, or the
    given ones); proposes the ladder's next step and opens the office's time to respond."""
    policy.demand(actor, "notice.issue", licence)
    _supervisable(licence)
    with transaction.atomic():
        Licence.objects.select_for_update().filter(pk=licence.pk).first()
        if Notice.objects.filter(licence=licence, status=NoticeStatus.OPEN).exists():
            raise ApplicationError(msg.NOTICE_OPEN_EXISTS, code="notice_open", status=409)
        open_violations = Violation.objects.filter(licence=licence, status=ViolationStatus.OPEN).select_related(
            "violation_type"
        )
        if violation_ids is not None:
            ids = {int(i) for i in violation_ids}
            violations = list(open_violations.filter(pk__in=ids))
            if not ids or len(violations) != len(ids):
                raise ApplicationError(
                    msg.VIOLATIONS_INVALID, code="violations_invalid", fields={"violations": [msg.VIOLATIONS_INVALID]}
                )
        else:
            violations = list(open_violations)
        if not violations:
            raise ApplicationError(msg.NO_OPEN_VIOLATIONS, code="no_open_violations", status=409)
        step = next_step(licence, violations)
        now = timezone.now()
        days = response_days()
        due = notice_due(licence, now)
        notice = Notice.objects.create(
            licence=licence,
            municipality=licence.municipality,
            proposed_outcome=step.outcome,
            proposed_suspension_days=step.suspension_days,
            ladder_position=step.position,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            issued_at=now,
            response_days=days,
            response_due=due,
        )
        notice.violations.set(violations)
        _audit(
            actor,
            "notice_issue",
            notice,
            licence,
            {
                "outcome": step.outcome,
                "position": step.position,
                "violations": [v.pk for v in violations],
                "due": notice.response_due.isoformat(),
            },
        )
        # the holder and the office's managers alike (issue 21: managers get notices and deadlines)
        _tell_office(
            sms.NOTICE.key,
            licence,
            office=licence.display_name,
            number=licence.number,
            outcome=Outcome(step.outcome).label,
            due=to_jalali(notice.response_due, with_time=True),
        )
    return notice


def _locked_notice(notice: Notice) -> Notice:
    return (
        Notice.objects.select_for_update().select_related("licence__holder", "licence__municipality").get(pk=notice.pk)
    )


def _take(notice: Notice, action: str, *, actor: Any, data: dict[str, Any]) -> None:
    NOTICE.take(notice, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data)


@NOTICE.guard("respondable")
def _respondable(notice: Notice, actor: Any, data: dict[str, Any]) -> None:
    """Once, until the deadline."""
    if notice.responded_at is not None:
        raise ApplicationError(msg.RESPONSE_TWICE, code="already_responded", status=409)
    if data["now"] > notice.response_due:
        due = to_jalali(notice.response_due, with_time=True)
        raise ApplicationError(msg.RESPONSE_LATE.format(due=due), code="response_late", status=409)


@NOTICE.effect("keep_response")
def _keep_response(notice: Notice, actor: Any, data: dict[str, Any]) -> None:
    notice.response_text, notice.responded_at = data["text"], data["now"]


def notice_respond(notice: Notice, *, text: object, actor: Any) -> Notice:
    """The holder answers the notice, until its deadline, once."""
    policy.demand_move(actor, "respond", notice)
    body = _text(text, MIN_TEXT, msg.RESPONSE_REQUIRED, "text")
    with transaction.atomic():
        locked = _locked_notice(notice)
        _take(locked, "respond", actor=actor, data={"text": body, "now": timezone.now()})
        locked.save(update_fields=["response_text", "responded_at"])  # the notice stays open
        _audit(actor, "notice_respond", locked, locked.licence, {})
    return locked


@NOTICE.guard("decidable")
def _decidable(notice: Notice, actor: Any, data: dict[str, Any]) -> None:
    """After the office responded or its time ran out; the outcome is the notice's (the
    ladder's); the licence is still under supervision."""
    if notice.responded_at is None and data["now"] <= notice.response_due:
        due = to_jalali(notice.response_due, with_time=True)
        raise ApplicationError(msg.RESPONSE_PENDING.format(due=due), code="response_pending", status=409)
    chosen = Outcome(data["outcome"] or notice.proposed_outcome)
    if chosen != notice.proposed_outcome:
        message = msg.OUTCOME_OFF_LADDER.format(expected=Outcome(notice.proposed_outcome).label, given=chosen.label)
        raise ApplicationError(message, code="off_ladder", fields={"outcome": [message]})
    _supervisable(notice.licence)
    data["chosen"] = chosen


@NOTICE.effect("apply_decision")
def _apply_decision(notice: Notice, actor: Any, data: dict[str, Any]) -> None:
    """The outcome applied to the licence through the licence's lifecycle, the ``Decision`` row,
    and each cited violation decided."""
    licence, chosen, now, text = notice.licence, data["chosen"], data["now"], data["reason"]
    violations = list(notice.violations.select_related("licence"))
    until = None
    if chosen == Outcome.SUSPENSION:
        until = timezone.localdate(now) + dt.timedelta(days=max(1, notice.proposed_suspension_days))
        licence_suspend(licence, until=until, reason=text, actor=actor)
    elif chosen == Outcome.REVOCATION:
        licence_revoke(licence, reason=text, actor=actor)
    decision = Decision.objects.create(
        licence=licence,
        municipality=licence.municipality,
        notice=notice,
        outcome=chosen,
        reason=text,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=now,
        suspension_until=until,
        ladder_position=notice.ladder_position,
    )
    decision.violations.set(violations)
    for violation in violations:
        VIOLATION.take(violation, "decide", actor=actor, may=policy.may_move, refuse=policy.refuse_move)
        violation.save(update_fields=["status"])
    data.update(decision=decision, until=until, violations=violations)


def decision_make(notice: Notice, *, actor: Any, reason: object, outcome: object = None) -> Decision:
    """Decide on a notice: after the office responded or its time ran out; the outcome is the
    notice's (the ladder's) and is applied to the licence through the licences lifecycle."""
    policy.demand_move(actor, "decide", notice)
    text = _text(reason, MIN_TEXT, msg.REASON_REQUIRED, "reason")
    if outcome not in (None, "") and outcome not in Outcome.values:
        raise ApplicationError(msg.OUTCOME_UNKNOWN, code="outcome_unknown", fields={"outcome": [msg.OUTCOME_UNKNOWN]})
    with transaction.atomic():
        locked = _locked_notice(notice)
        data: dict[str, Any] = {"reason": text, "outcome": outcome, "now": timezone.now()}
        _take(locked, "decide", actor=actor, data=data)
        locked.save(update_fields=["status"])
        licence, chosen, decision, until = locked.licence, data["chosen"], data["decision"], data["until"]
        _audit(
            actor,
            "decision_make",
            decision,
            licence,
            {
                "outcome": chosen.value,
                "position": locked.ladder_position,
                "violations": [v.pk for v in data["violations"]],
                "until": str(until) if until else None,
                "reason": text,
            },
        )
        _tell(
            sms.DECISION.key,
            licence,
            office=licence.display_name,
            number=licence.number,
            outcome=chosen.label,
            reason=text,
        )
    return decision


def _awaiting_response(now: dt.datetime) -> QuerySet[Notice]:
    """Notices still waiting for the office's response, their deadline ahead, not yet reminded."""
    return Notice.objects.filter(
        status=NoticeStatus.OPEN,
        responded_at__isnull=True,
        reminded_at__isnull=True,
        response_due__gt=now,
        licence__status__in=SUPERVISABLE,
    )


def notices_remind(now: dt.datetime | None = None) -> int:
    """Run by the beat (idempotent): remind the holder and the office's active managers of a
    notice's response deadline once, ``notice_reminder_days()`` working days before it (the
    municipality's working-day calendar: Fridays, its Thursdays, official holidays and its declared
    days off do not count), from ``notice_reminder_hour()`` Tehran time, and only while the
    notice is open and unanswered. Not on the day the notice was issued (its own SMS has just
    given the deadline). Each notice is claimed with a conditional update of ``reminded_at`` in
    the transaction of its SMS, so two runs at once remind it once. Returns the notices reminded."""
    now = now or timezone.now()
    local = now.astimezone(TEHRAN)
    if local.hour < notice_reminder_hour():
        return 0
    days = notice_reminder_days()
    calendars: dict[int, WorkCalendar] = {}
    reminded = 0
    candidates = (
        _awaiting_response(now)
        .select_related("licence__holder", "licence__office", "municipality")
        .order_by("response_due", "pk")
    )
    for notice in candidates:
        if tehran_day(notice.issued_at) >= local.date():
            continue
        calendar = calendars.get(notice.municipality_id)
        if calendar is None:
            calendar = calendars[notice.municipality_id] = calendar_for(notice.municipality)
        if calendar.working_days_between(now, notice.response_due) > days:
            continue
        try:
            with transaction.atomic():
                claimed = _awaiting_response(now).filter(pk=notice.pk).update(reminded_at=now)
                if not claimed:  # answered, decided or reminded since it was read
                    continue
                licence = notice.licence
                _tell_office(
                    sms.NOTICE_REMINDER.key,
                    licence,
                    office=licence.display_name,
                    number=licence.number,
                    outcome=Outcome(notice.proposed_outcome).label,
                    due=to_jalali(notice.response_due, with_time=True),
                )
        except Exception:  # one bad notice never stops the others; it is tried again next hour
            log.exception("notice %s: deadline reminder failed", notice.pk)
            continue
        reminded += 1
    return reminded


# --- six-monthly reports --------------------------------------------------------------------

_PERIOD = re.compile(r"^([0-9]{4})-[Hh]([12])$")


def period_of(day: dt.date) -> str:
    """The Jalali half-year of a day: ``1404-H1`` (Farvardin–Shahrivar) or ``1404-H2``."""
    j = jdatetime.date.fromgregorian(date=day)
    return f"{j.year}-H{1 if j.month <= 6 else 2}"


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last (Gregorian) day of a half-year label; raises ApplicationError when malformed."""
    match = _PERIOD.match(normalize_text(str(period or "")).strip())
    if not match:
        raise ApplicationError(msg.PERIOD_INVALID, code="period_invalid", fields={"period": [msg.PERIOD_INVALID]})
    year, half = int(match.group(1)), int(match.group(2))
    start = jdatetime.date(year, 1 if half == 1 else 7, 1).togregorian()
    after = jdatetime.date(year, 7, 1) if half == 1 else jdatetime.date(year + 1, 1, 1)
    return start, after.togregorian() - dt.timedelta(days=1)


def previous_period(period: str) -> str:
    start, _ = period_bounds(period)
    return period_of(start - dt.timedelta(days=1))


def report_submit(licence: Licence, *, period: object, content: object, actor: Any) -> OfficeReport:
    """The holder sends the report of a half-year (the current one or a past one)."""
    policy.demand_holder(actor, licence)
    label = normalize_text(str(period or "")).strip().upper()
    start, end = period_bounds(label)
    today = timezone.localdate()
    if start > today:
        raise ApplicationError(msg.PERIOD_FUTURE, code="period_future", fields={"period": [msg.PERIOD_FUTURE]})
    if end < licence.valid_from:
        message = msg.PERIOD_BEFORE_LICENCE
        raise ApplicationError(message, code="period_before_licence", fields={"period": [message]})
    text = _text(content, MIN_REPORT, msg.CONTENT_REQUIRED, "content")
    _supervisable(licence)
    try:
        with transaction.atomic():
            report = OfficeReport.objects.create(
                licence=licence, municipality=licence.municipality, period=label, content=text, submitted_by=actor
            )
            _audit(actor, "report_submit", report, licence, {"period": label})
            _tell(sms.REPORT_RECEIVED.key, licence, office=licence.display_name, period=period_title(label))
    except IntegrityError:
        raise ApplicationError(msg.REPORT_TWICE, code="report_twice", status=409) from None
    return report


def _deadline_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=TEHRAN)


def reports_remind(now: dt.datetime | None = None) -> dict[str, int]:
    """Run by the beat (idempotent):

    * within ``reminder_days()`` of the current half-year's last day, an SMS to the holder and
      the office's active managers of each active or suspended licence without that period's
      report (once per licence and period);
    * after the previous half-year ended, a "six-monthly report missing" violation for each
      licence that was valid during it and sent no report (once per licence and period).
    """
    now = now or timezone.now()
    today = now.astimezone(TEHRAN).date()
    current = period_of(today)
    _, end = period_bounds(current)
    reminded = missing = 0
    live = Licence.objects.filter(status__in=SUPERVISABLE).select_related("holder", "municipality", "office")
    if (end - today).days <= reminder_days():
        due = to_jalali(end)
        for licence in live.filter(valid_from__lte=end).exclude(office_reports__period=current):
            with transaction.atomic():
                _, created = ReportReminder.objects.get_or_create(licence=licence, period=current)
                if created:
                    _tell_office(
                        sms.REPORT_REMINDER.key,
                        licence,
                        office=licence.display_name,
                        number=licence.number,
                        period=period_title(current),
                        due=due,
                    )
                    reminded += 1
    previous = previous_period(current)
    _, p_end = period_bounds(previous)
    overdue = (
        live.filter(valid_from__lte=p_end, issued_at__lte=_deadline_end(p_end))
        .exclude(office_reports__period=previous)
        .exclude(violations__report_period=previous)
    )
    for licence in overdue:
        vtype = violation_type_for(licence, REPORT_MISSING)
        if vtype is None:
            continue
        text = msg.REPORT_MISSING_DESCRIPTION.format(period=period_title(previous), due=to_jalali(p_end))
        try:
            with transaction.atomic():
                _violation_create(
                    licence,
                    vtype,
                    _deadline_end(p_end),
                    text,
                    None,
                    period=previous,
                    source="system",
                    evidence={"kind": "report_missing", "period": previous},
                )
        except IntegrityError:
            continue  # a concurrent run recorded it first
        missing += 1
    return {"reminded": reminded, "missing": missing}
