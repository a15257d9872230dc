"""Complaint services (issue 21 §3, §4). Each writes its rows, a history line
(``ComplaintEvent``), an audit entry (``complaints.<action>``) and, where the complainant must
know, an SMS through the outbox, in one transaction. Who may act is ``policy.py``; the status
changes only through ``workflow.COMPLAINT``, whose guards and effects are bound here.

The clock: a complaint is due ``DAFTAR_COMPLAINT_DUE_WORKING_DAYS`` working days (the
municipality's working calendar, as for the legal clocks of cases) after it is filed, and again
after it is reopened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from daftar.accounts.policy import is_person
from daftar.applications.models import Application
from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.workdays import calendar_for
from daftar.notifications.services import notify
from daftar.notifications.texts import Text
from daftar.offices.models import Office
from daftar.runtime import ratelimit
from daftar.supervision.models import Violation, ViolationSource
from daftar.supervision.services import violation_record

from . import messages as msg
from . import policy, sms
from .models import CaseGround, Complaint, ComplaintEvent, Decision, OfficeGround
from .workflow import COMPLAINT, ComplaintStatus

MIN_TEXT = 10
MAX_TEXT = 4000  # the complainant's text and reopening reason (the pages' forms cap the same)
MIN_ANSWER = 30  # a reasoned answer, not «رسیدگی شد»
CODE_PREFIX = "SHK"
# the supervision catalogue's type for an office ground, where one fits (else the supervisor picks)
VIOLATION_TYPE_FOR = {"overcharge": "overcharging", "closed_in_hours": "unauthorised_closure"}


def due_days() -> int:
    """Working days the municipality has to answer (setting ``DAFTAR_COMPLAINT_DUE_WORKING_DAYS``)."""
    return int(getattr(settings, "DAFTAR_COMPLAINT_DUE_WORKING_DAYS", 10))


def due_from(complaint_municipality: Any, start: dt.datetime) -> dt.datetime:
    return calendar_for(complaint_municipality).add_working_days(start, due_days())


def _text(raw: object, minimum: int, message: str, field: str, maximum: int | None = None) -> str:
    text = normalize_text(str(raw or "")).strip()
    if len(text) < minimum:
        raise ApplicationError(message, code=f"{field}_required", fields={field: [message]})
    if maximum is not None and len(text) > maximum:
        long = msg.TEXT_TOO_LONG.format(n=persian_digits(maximum))
        raise ApplicationError(long, code=f"{field}_too_long", fields={field: [long]})
    return text


def per_user_daily() -> int:
    """Complaints one person may file in a day (setting ``COMPLAINTS_PER_USER_DAILY``)."""
    return int(getattr(settings, "COMPLAINTS_PER_USER_DAILY", 10))


def _count_filing(actor: Any) -> None:
    wait = ratelimit.hit(f"complaints:{actor.pk}", limit=per_user_daily(), window=86400)
    if wait:
        raise ThrottledError(msg.THROTTLED.format(n=persian_digits(per_user_daily())), retry_after=wait)


def _pk(raw: object) -> int | None:
    try:
        return int(normalize_text(str(raw)))
    except (TypeError, ValueError):
        return None


def _audit(actor: Any, action: str, complaint: Complaint, data: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        action=f"complaints.{action}",
        obj=complaint,
        municipality=complaint.municipality,
        data={"tracking_code": complaint.tracking_code, **(data or {})},
    )


def _sms(complaint: Complaint, text: Text, **values: Any) -> None:
    """The complainant's SMS ``text`` (``sms.py``), as the complaint's municipality has it."""
    notify(text.key, to=complaint.complainant, municipality=complaint.municipality, **values)


def _next_code(now: dt.datetime) -> str:
    prefix = f"{CODE_PREFIX}-{to_jalali(now, digits=False)[:4]}-"
    last = (
        Complaint.objects.filter(tracking_code__startswith=prefix)
        .order_by("-tracking_code")
        .values_list("tracking_code", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def grounds_for(target: str) -> list[tuple[str, str]]:
    choices = CaseGround if target == "application" else OfficeGround
    return [(str(v), str(label)) for v, label in choices.choices]


def complaint_file(
    actor: Any, *, application: object = None, office: object = None, ground: object, text: object
) -> Complaint:
    """A logged-in person complains about their own case or about an office. Another person's
    case is the same 404 as an unknown one."""
    if not is_person(actor):
        raise policy.forbidden()
    if (application in (None, "")) == (office in (None, "")):
        raise ApplicationError(
            msg.TARGET_REQUIRED, code="target_required", fields={"application": [msg.TARGET_REQUIRED]}
        )
    case = place = None
    if application not in (None, ""):
        pk = _pk(application)
        case = (
            Application.objects.select_related("municipality").filter(pk=pk, applicant_id=actor.pk).first()
            if pk
            else None
        )
        if case is None:
            raise policy.missing()
        target, municipality = "application", case.municipality
    else:
        pk = _pk(office)
        place = Office.objects.select_related("municipality").filter(pk=pk, active=True).first() if pk else None
        if place is None:
            raise policy.missing()
        target, municipality = "office", place.municipality
    allowed = dict(grounds_for(target))
    chosen = normalize_text(str(ground or "")).strip()
    if chosen not in allowed:
        message = msg.GROUND_UNKNOWN.format(grounds="، ".join(allowed.values()))
        raise ApplicationError(message, code="ground_unknown", fields={"ground": [message]})
    body = _text(text, MIN_TEXT, msg.TEXT_REQUIRED.format(n=persian_digits(MIN_TEXT)), "text", MAX_TEXT)
    _count_filing(actor)
    now = timezone.now()
    due = due_from(municipality, now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=_next_code(now),
                    municipality=municipality,
                    complainant=actor,
                    application=case,
                    office=place,
                    ground=chosen,
                    text=body,
                    due=due,
                )
                ComplaintEvent.objects.create(complaint=complaint, kind=ComplaintEvent.Kind.RECEIVED, text=body)
                _audit(actor, "file", complaint, {"target": target, "ground": chosen})
                _sms(complaint, sms.RECEIVED, code=complaint.tracking_code, due=to_jalali(due))
                return complaint
        except IntegrityError:  # two complaints took the same number at once: take the next
            continue
    raise ApplicationError(msg.BUSY, code="busy", status=503)


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("municipality", "complainant", "office", "office__licence", "application")
        .get(pk=complaint.pk)
    )


@COMPLAINT.guard("reasoned")
def _reasoned(complaint: Complaint, actor: Any, data: dict[str, Any]) -> None:
    if data.get("decision") not in Decision.values:
        raise ApplicationError(
            msg.DECISION_UNKNOWN, code="decision_unknown", fields={"decision": [msg.DECISION_UNKNOWN]}
        )
    message = msg.ANSWER_REQUIRED.format(n=persian_digits(MIN_ANSWER))
    data["answer"] = _text(data.get("answer"), MIN_ANSWER, message, "answer")


@COMPLAINT.effect("keep_answer")
def _keep_answer(complaint: Complaint, actor: Any, data: dict[str, Any]) -> None:
    complaint.decision, complaint.answer = data["decision"], data["answer"]
    complaint.answered_by, complaint.answered_at = actor, data["now"]


@COMPLAINT.guard("reopenable")
def _reopenable(complaint: Complaint, actor: Any, data: dict[str, Any]) -> None:
    if complaint.reopened_at is not None:
        raise ApplicationError(msg.REOPEN_TWICE, code="already_reopened", status=409)
    data["text"] = _text(
        data.get("text"), MIN_TEXT, msg.REOPEN_TEXT.format(n=persian_digits(MIN_TEXT)), "text", MAX_TEXT
    )


@COMPLAINT.effect("restart_clock")
def _restart_clock(complaint: Complaint, actor: Any, data: dict[str, Any]) -> None:
    complaint.reopen_text, complaint.reopened_at = data["text"], data["now"]
    complaint.decision = ""  # undecided again until the second answer: no violation from a reopened complaint
    complaint.due = due_from(complaint.municipality, data["now"])
    complaint.reminded_at = complaint.overdue_told_at = None  # a new clock, reminded afresh


def complaint_answer(complaint: Complaint, *, actor: Any, decision: object, answer: object) -> Complaint:
    """The supervisor answers with a reasoned decision; the complainant gets an SMS."""
    with transaction.atomic():
        locked = _locked(complaint)
        data: dict[str, Any] = {"decision": str(decision or ""), "answer": answer, "now": timezone.now()}
        COMPLAINT.take(locked, "answer", actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data)
        locked.save(update_fields=["status", "decision", "answer", "answered_by", "answered_at"])
        ComplaintEvent.objects.create(complaint=locked, kind=ComplaintEvent.Kind.ANSWERED, text=locked.answer)
        _audit(actor, "answer", locked, {"decision": locked.decision})
        label = Decision(locked.decision).label
        _sms(locked, sms.ANSWERED, code=locked.tracking_code, decision=label)
    return locked


def complaint_reopen(complaint: Complaint, *, actor: Any, text: object) -> Complaint:
    """The complainant asks for a second look, once; the clock starts again."""
    with transaction.atomic():
        locked = _locked(complaint)
        data: dict[str, Any] = {"text": text, "now": timezone.now()}
        COMPLAINT.take(locked, "reopen", actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data)
        locked.save(
            update_fields=["status", "decision", "reopen_text", "reopened_at", "due", "reminded_at", "overdue_told_at"]
        )
        ComplaintEvent.objects.create(complaint=locked, kind=ComplaintEvent.Kind.REOPENED, text=locked.reopen_text)
        _audit(actor, "reopen", locked)
    return locked


@dataclass(frozen=True)
class ViolationResult:
    violation: Violation
    created: bool


def may_become_violation(complaint: Complaint) -> bool:
    """An office complaint answered «وارد است» (and not reopened since) may become a violation."""
    return (
        complaint.office_id is not None
        and complaint.status == ComplaintStatus.ANSWERED
        and complaint.decision == Decision.UPHELD
    )


def violation_type_default(complaint: Complaint) -> str:
    return VIOLATION_TYPE_FOR.get(complaint.ground, "") if complaint.office_id else ""


def complaint_violation(complaint: Complaint, *, actor: Any, type_code: object = None) -> ViolationResult:
    """An upheld office complaint becomes a violation of the office's licence in one step
    (supervision's ``violation_record``, source «complaint»), linked back to the complaint.
    Again: the same violation, nothing new."""
    policy.demand_answerer(actor, complaint)
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.violation_id:
            return ViolationResult(locked.violation, False)  # type: ignore[arg-type]
        if not may_become_violation(locked):
            raise ApplicationError(msg.VIOLATION_NOT_UPHELD, code="not_upheld", status=409)
        licence = locked.office.licence if locked.office else None
        if licence is None:
            raise ApplicationError(msg.VIOLATION_NO_LICENCE, code="no_licence", status=409)
        code = normalize_text(str(type_code or "")).strip() or violation_type_default(locked)
        if not code:
            raise ApplicationError(msg.VIOLATION_TYPE, code="type_required", fields={"type": [msg.VIOLATION_TYPE]})
        violation = violation_record(
            licence,
            type_code=code,
            # the holder sees the description: the ground and the code, never the complainant's own words
            description=msg.VIOLATION_DESCRIPTION.format(code=locked.tracking_code, ground=locked.ground_label),
            observed_at=locked.created_at,
            actor=actor,
            source=ViolationSource.COMPLAINT,
            evidence={"kind": "complaint", "complaint": locked.tracking_code, "ground": locked.ground},
        )
        locked.violation = violation
        locked.save(update_fields=["violation"])
        ComplaintEvent.objects.create(
            complaint=locked, kind=ComplaintEvent.Kind.VIOLATION, text=violation.violation_type.title
        )
        _audit(actor, "violation", locked, {"violation": violation.pk, "type": code})
    return ViolationResult(violation, True)
