"""Every change to an application case goes through here (API.md «Calls and applications»).

A move (``workflow.MOVES``) is taken by ``application_move``: the row is locked, the actor's
right and the state are checked against the table, the guard runs, the move's effect is
applied, the legal clocks move (``clocks.py``), and an audit row, a timeline event and an SMS
through the outbox are written, all in one transaction. An exception anywhere leaves the case,
its clocks and the audit chain as they were.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from daftar.accounts.selectors import profile_gaps
from daftar.audit.services import audit_record
from daftar.calls import messages as call_msg
from daftar.calls.models import Call, CallDistrict
from daftar.documents.models import Document, ReviewState
from daftar.inquiries import services as inquiries
from daftar.inquiries.models import Inquiry, InquiryStatus
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_number
from daftar.municipalities.models import District
from daftar.notifications.services import outbox_enqueue, outbox_message
from daftar.rules.evaluator import Evaluation, evaluate
from daftar.rules.facts import validate_facts
from daftar.rules.models import DocumentRequirement, ScoringTable
from daftar.rules.scoring import score
from daftar.rules.selectors import compiled, scoring_table_in_force

from . import casecache, clocks, policy
from . import messages as msg
from .events import CaseFactsWanted, CaseMoved, LicenceWanted, VerdictWanted
from .models import Application, CaseEvent, StageClock
from .workflow import CASE, PASSED_REVIEW, Move, Status

# Facts that come from the applicant's profile, not from the form.
PROFILE_FACTS = ("nationality", "person_type")
# Tracking codes: 10 symbols from an alphabet without look-alikes (0/O, 1/I/L), about 49 bits.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def tracking_code_new() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- facts and verdicts -------------------------------------------------------------------


def case_facts(application: Application) -> dict[str, Any]:
    """What the case is judged on: declared facts, the profile, then what outside bodies and
    the assessments settled (each later source overrides the earlier one)."""
    user = application.applicant
    facts: dict[str, Any] = dict(application.facts)
    if user.nationality:
        facts["nationality"] = user.nationality
    if user.person_type:
        facts["person_type"] = user.person_type
    if application.pk is not None:
        facts.update(inquiries.inquiry_facts(application))
        for settled in events.emit(CaseFactsWanted(application)):  # e.g. training courses (S10.3)
            facts.update(settled)
    assessed = application.assessment or {}
    if "exam" in assessed:
        facts["exam_score"] = assessed["exam"]["score"]
        facts["exam_passed"] = assessed["exam"]["passed"]
    if "interview" in assessed:
        facts["interview_passed"] = assessed["interview"]["passed"]
    if "inspection" in assessed:
        facts.update(assessed["inspection"]["facts"])
    return facts


def case_evaluate(application: Application) -> Evaluation:
    return evaluate(compiled(application.call.rule_set), case_facts(application))


def _refresh_verdict(application: Application) -> Evaluation:
    evaluation = case_evaluate(application)
    application.eligible = evaluation.eligible
    application.results = [{"id": c.id, "result": c.result, "reason": c.reason} for c in evaluation.conditions]
    # a case is scored by the table in force at its first submission, so every case in one
    # ranking is scored alike even if the table changes meanwhile
    kept = (application.score or {}).get("table")
    table = ScoringTable.objects.filter(pk=kept).first() if kept else None
    if table is None and kept is None and hasattr(application.call, "scoring_table_cached"):
        table = application.call.scoring_table_cached  # casecache.call_for_new_case: today's table
    elif table is None:
        table = scoring_table_in_force(application.call.licence_type, application.municipality)
    if table is not None:
        points = score(table.points, case_facts(application))
        application.score_total = Decimal(str(round(points.total, 2)))
        application.score = {
            "table": table.pk,
            "version": table.version,
            "example_figures": table.is_example,
            "breakdown": [{"item": i.item, "label": i.label, "points": i.points} for i in points.breakdown],
        }
    return evaluation


def _validated_facts(raw: Any) -> dict[str, Any]:
    facts = validate_facts(raw if raw is not None else {})
    for name in PROFILE_FACTS:  # the profile is the source of these (S15.2)
        facts.pop(name, None)
    return facts


# --- notifications and the timeline ---------------------------------------------------------


def _sms(application: Application, text: str, kind: str) -> None:
    outbox_enqueue(to=application.applicant.mobile, text=text, kind=kind)


def _event(
    application: Application, *, actor: Any, action: str, old: str, new: str, note: str = "", data: dict | None = None
) -> CaseEvent:
    return CaseEvent.objects.create(
        application=application,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=old,
        to_status=new,
        note=note,
        data=data or {},
    )


# --- creating and editing a draft -----------------------------------------------------------


def application_create(*, call: Call, district_id: Any, facts_raw: Any, actor: Any) -> Application:
    """A draft in an open call (S7): the call must be open now (server time, Asia/Tehran).

    The draft comes back with its related rows in place (its one timeline event, and no
    documents, inquiries, clocks or training credits yet), so the answer's body is built
    without reading the case again (issue 7)."""
    if not call.is_open():
        raise ApplicationError(call_msg.CALL_NOT_OPEN, code="call_closed", status=409)
    district = _call_district(call, district_id)
    facts = _validated_facts(facts_raw)
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            application = Application(
                call=call, applicant=actor, municipality=call.municipality, district=district, facts=facts
            )
            evaluation = _refresh_verdict(application)
            event = CaseEvent(
                application=application, actor=user, action="create", from_status="", to_status=Status.DRAFT
            )
            sms = outbox_message(to=actor.mobile, text=msg.SMS_DRAFT.format(call=call.title), kind="application_draft")
            audit_record(  # with the new rows: one statement on PostgreSQL (issue 7)
                actor=actor,
                action="application.create",
                obj=application,
                municipality=call.municipality,
                data={"call": call.pk, "district": district.pk},
                new_rows=(application, event, sms),
            )
    except IntegrityError:
        # no savepoint around the insert: the whole draft rolled back; one per call (S7) is the
        # only constraint a new draft can break
        if Application.objects.filter(call=call, applicant=actor).exists():
            raise ApplicationError(msg.ALREADY_APPLIED, code="already_applied", status=409) from None
        raise
    application._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "events": _known(CaseEvent, [event]),
        "documents": _known(Document, []),
        "inquiries": _known(Inquiry, []),
        "clocks": _known(StageClock, []),
    }
    application.training_hours_prefetched = []  # type: ignore[attr-defined]
    application.evaluation_fresh = evaluation  # type: ignore[attr-defined]  # for the 201's body
    return application


def _known(model: Any, rows: list[Any]) -> Any:
    """A queryset already evaluated to ``rows`` (what ``prefetch_related`` leaves behind)."""
    qs = model.objects.all()
    qs._result_cache = rows
    qs._prefetch_done = True
    return qs


MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """A database id from JSON or a query string: a positive integer that fits a bigint;
    anything else (booleans, floats, «²», 10**30) is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and re.fullmatch(r"[0-9]{1,19}", raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if 0 < value <= MAX_ID else None


def _call_district(call: Call, district_id: Any) -> District:
    pk = parse_id(district_id) or -1
    cached = getattr(call, "districts_cached", None)  # casecache.call_for_new_case
    if cached is not None:
        if pk not in cached:
            raise ApplicationError(msg.DISTRICT_NOT_IN_CALL, fields={"district": [msg.DISTRICT_NOT_IN_CALL]})
        return cached[pk]  # type: ignore[no-any-return]
    row = (
        CallDistrict.objects.select_related("district")
        .filter(call=call, district_id=pk, district__municipality_id=call.municipality_id)
        .first()
    )
    if row is None:
        raise ApplicationError(msg.DISTRICT_NOT_IN_CALL, fields={"district": [msg.DISTRICT_NOT_IN_CALL]})
    return row.district


def application_update(
    *, application_id: int, actor: Any, facts_raw: Any = None, district_id: Any = None
) -> Application:
    """The applicant edits facts (or the district) while the case is theirs to edit."""
    with transaction.atomic():
        application = _locked(application_id)
        if application.status not in (Status.DRAFT, Status.CORRECTION_REQUESTED):
            raise ApplicationError(
                msg.NOT_EDITABLE.format(status=application.get_status_display()), code="illegal_state", status=409
            )
        changed: dict[str, Any] = {}
        if facts_raw is not None:
            # a PATCH: the facts sent replace those facts only; an explicit null removes one
            removed = [k for k, v in facts_raw.items() if v is None] if isinstance(facts_raw, dict) else []
            merged = {**application.facts, **_validated_facts(facts_raw)}
            application.facts = {k: v for k, v in merged.items() if k not in removed}
            changed["facts"] = sorted(application.facts)
        if district_id is not None:
            if application.status != Status.DRAFT:  # the district decides the quota one competes for
                raise ApplicationError(msg.DISTRICT_FIXED, code="illegal_state", status=409)
            application.district = _call_district(application.call, district_id)
            changed["district"] = application.district_id
        _refresh_verdict(application)
        application.updated_at = timezone.now()
        application.save()
        audit_record(
            actor=actor,
            action="application.update",
            obj=application,
            municipality=application.municipality,
            data=changed,
        )
    return application


def _locked(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "call__rule_set", "call__licence_type", "municipality", "applicant", "district")
        .get(pk=application_id)
    )


# --- guards --------------------------------------------------------------------------------


def required_documents(application: Application) -> list[DocumentRequirement]:
    return list(
        DocumentRequirement.objects.filter(
            licence_type_id=application.call.licence_type_id, required=True, stage="submission"
        )
    )


def current_documents(application: Application) -> dict[str, Document]:
    return {d.doc_type: d for d in Document.objects.filter(application=application, is_current=True)}


def _titles(requirements: Iterable[DocumentRequirement]) -> str:
    return "، ".join(r.title for r in requirements)


def submission_window_check(application: Application, now: dt.datetime | None = None) -> None:
    """A draft is submitted while its call is open; a correction before its deadline."""
    now = now or timezone.now()
    if application.status == Status.DRAFT and not application.call.is_open(now):
        raise ApplicationError(call_msg.CALL_NOT_OPEN, code="call_closed", status=409)
    if application.status == Status.CORRECTION_REQUESTED and application.due_at and application.due_at < now:
        raise ApplicationError(msg.CORRECTION_LATE, code="correction_late", status=409)


def guard_documents_complete(application: Application, actor: Any, data: dict[str, Any]) -> None:
    submission_window_check(application)
    gaps = profile_gaps(application.applicant)
    if gaps:
        raise ApplicationError(
            msg.PROFILE_INCOMPLETE.format(gaps="، ".join(gaps)), code="profile_incomplete", status=409
        )
    current = current_documents(application)
    needed = required_documents(application)
    missing = [r for r in needed if r.code not in current]
    if missing:
        raise ApplicationError(
            msg.DOCUMENTS_MISSING.format(titles=_titles(missing)),
            code="documents_missing",
            status=409,
            fields={"documents": [r.code for r in missing]},
        )
    rejected = [r for r in needed if current[r.code].review_state == ReviewState.REJECTED]
    if rejected:
        raise ApplicationError(
            msg.DOCUMENTS_REJECTED_PENDING.format(titles=_titles(rejected)),
            code="documents_rejected",
            status=409,
            fields={"documents": [r.code for r in rejected]},
        )


def guard_has_rejected_documents(application: Application, actor: Any, data: dict[str, Any]) -> None:
    rejected = {d.pk: d for d in current_documents(application).values() if d.review_state == ReviewState.REJECTED}
    if not rejected:
        raise ApplicationError(msg.NO_REJECTED_DOCUMENTS, code="no_rejected_documents", status=409)
    listed = data.get("documents")
    if listed is None:
        data["documents"] = sorted(rejected)
        return
    ids = _id_list(listed)
    if not set(ids) <= set(rejected):
        raise ApplicationError(
            msg.CORRECTION_DOCUMENT_NOT_REJECTED, fields={"documents": [msg.CORRECTION_DOCUMENT_NOT_REJECTED]}
        )
    data["documents"] = ids


def guard_documents_accepted(application: Application, actor: Any, data: dict[str, Any]) -> None:
    current = current_documents(application)
    pending = [
        r
        for r in required_documents(application)
        if getattr(current.get(r.code), "review_state", None) != ReviewState.ACCEPTED
    ]
    if pending:
        raise ApplicationError(
            msg.DOCUMENTS_NOT_ALL_ACCEPTED.format(titles=_titles(pending)),
            code="documents_not_accepted",
            status=409,
            fields={"documents": [r.code for r in pending]},
        )
    failed = [f"{i.get_kind_display()}: {i.reason}" for i in application.inquiries.filter(status=InquiryStatus.FAILED)]
    if failed:
        raise ApplicationError(
            msg.INQUIRY_FAILED_BLOCKS.format(reasons="؛ ".join(failed)), code="inquiry_failed", status=409
        )


def guard_approvable(application: Application, actor: Any, data: dict[str, Any]) -> None:
    reasons = list(inquiries.inquiry_blockers(application))
    evaluation = case_evaluate(application)
    unmet = [c.id for c in evaluation.conditions if c.result != "pass"]
    if unmet:
        reasons.append(msg.CONDITIONS_NOT_MET.format(ids="، ".join(unmet)))
    if reasons:
        raise ApplicationError(
            msg.APPROVAL_BLOCKED.format(reasons="؛ ".join(reasons)), code="not_approvable", status=409
        )
    # approvals in one district are serialised on its quota row, so two authorities approving
    # at once cannot both take the last place
    CallDistrict.objects.select_for_update().filter(
        call_id=application.call_id, district_id=application.district_id
    ).first()
    standing = district_ranking(application.call, application.district_id)
    mine = next((r for r in standing if r.application_id == application.pk), None)
    if mine is not None and not mine.within_quota:
        raise ApplicationError(
            msg.OUTSIDE_QUOTA.format(rank=persian_number(mine.rank), quota=persian_number(mine.quota)),
            code="outside_quota",
            status=409,
        )


def guard_rejection_justified(application: Application, actor: Any, data: dict[str, Any]) -> None:
    raw_reason = data.get("reason")
    reason = normalize_text(raw_reason) if isinstance(raw_reason, str) else ""
    errors: dict[str, list[str]] = {}
    if len(reason) < 10:
        errors["reason"] = [msg.REASON_REQUIRED]
    cited = data.get("conditions")
    if not isinstance(cited, list) or not cited or not all(isinstance(c, str) for c in cited):
        errors["conditions"] = [msg.REJECT_NEEDS_CONDITIONS]
    else:
        known = {c.id for c in compiled(application.call.rule_set).conditions}
        unknown = [c for c in cited if normalize_text(c) not in known]
        if unknown:
            errors["conditions"] = [msg.UNKNOWN_CONDITIONS.format(ids="، ".join(unknown))]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="rejection_unjustified", fields=errors)
    data["reason"] = reason
    data["conditions"] = sorted({normalize_text(c) for c in cited})  # type: ignore[union-attr]


def guard_expirable(application: Application, actor: Any, data: dict[str, Any]) -> None:
    now = timezone.now()
    late = application.status == Status.CORRECTION_REQUESTED and application.due_at and application.due_at < now
    closed = application.status == Status.DRAFT and not application.call.is_open(now)
    if not (late or closed):
        raise ApplicationError(msg.NOT_EXPIRABLE, code="not_expirable", status=409)


GUARDS: dict[str, Callable[[Application, Any, dict[str, Any]], None]] = {
    "expirable": guard_expirable,
    "documents_complete": guard_documents_complete,
    "has_rejected_documents": guard_has_rejected_documents,
    "documents_accepted": guard_documents_accepted,
    "approvable": guard_approvable,
    "rejection_justified": guard_rejection_justified,
}
for _name, _guard in GUARDS.items():
    CASE.guard(_name)(_guard)


def _id_list(raw: Any) -> list[int]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 500:
        raise ApplicationError(msg.IDS_LIST, fields={"ids": [msg.IDS_LIST]})
    ids = [parse_id(x) for x in raw]
    if None in ids:
        raise ApplicationError(msg.IDS_LIST, fields={"ids": [msg.IDS_LIST]})
    return [i for i in ids if i is not None]


# --- who may move --------------------------------------------------------------------------


def may_take(application: Application, move: Move, actor: Any) -> bool:
    return policy.may_move(actor, move, application)


def actions_available(application: Application, actor: Any) -> list[Move]:
    return CASE.available(application, actor, may=policy.may_move)


# --- the effects of moves -------------------------------------------------------------------


def score_value(raw: Any) -> float:
    """A score of 0 to 100 from a request (``ValueError`` otherwise)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError
    try:
        value = float(raw)
    except OverflowError:
        raise ValueError from None
    if not 0 <= value <= 100:
        raise ValueError
    return value


@dataclass(frozen=True)
class AssessmentVerdict:
    """An exam's or interview's verdict, handed by the assessments app to ``application_move`` as
    a typed command of its own (never a key of the request's ``data``, so the API cannot set
    it). ``score`` is the exam's weighted total or the interview panel's mean; ``pass_mark`` and
    ``rule`` are the session's or panel's copy of the municipality's; ``passed`` is decided by
    the assessments app (e.g. "all must pass"); ``scores`` are the panel members' scores."""

    kind: str  # "exam" | "interview"
    score: float
    pass_mark: float
    rule: str
    passed: bool
    scores: tuple[float, ...] = ()


VERDICT_KIND = {"record_exam": "exam", "record_interview": "interview"}


def _verdict_for(action: str, verdict: AssessmentVerdict | None) -> AssessmentVerdict | None:
    """``verdict`` checked against the move (a mismatch is a programming error, never a user's)."""
    if verdict is not None and VERDICT_KIND.get(action) != verdict.kind:
        raise ValueError(f"a {verdict.kind} verdict cannot move a case by {action}")
    return verdict


def effect_exam(
    application: Application, data: dict[str, Any], verdict: AssessmentVerdict | None = None
) -> tuple[bool, str]:
    if verdict is None:  # one case moved by an examiner (POST …/transitions): judged by the
        verdict = events.ask(VerdictWanted("exam", application, data))  # municipality's marks
    value, mark, passed = verdict.score, verdict.pass_mark, verdict.passed
    application.assessment = {
        **application.assessment,
        "exam": {"score": value, "pass_mark": mark, "rule": verdict.rule, "passed": passed},
    }
    return passed, "" if passed else msg.EXAM_FAILED.format(score=persian_number(value), mark=persian_number(mark))


def effect_interview(
    application: Application, data: dict[str, Any], verdict: AssessmentVerdict | None = None
) -> tuple[bool, str]:
    if verdict is None:  # one case moved by an examiner (POST …/transitions): judged by the
        verdict = events.ask(VerdictWanted("interview", application, data))  # municipality's marks
    mean, mark, passed = verdict.score, verdict.pass_mark, verdict.passed
    application.assessment = {
        **application.assessment,
        "interview": {
            "scores": list(verdict.scores),
            "mean": mean,
            "pass_mark": mark,
            "rule": verdict.rule,
            "passed": passed,
        },
    }
    return passed, "" if passed else msg.INTERVIEW_FAILED.format(score=persian_number(mean), mark=persian_number(mark))


def effect_inspection(application: Application, data: dict[str, Any]) -> tuple[bool, str]:
    measured = ("premises_use", "measured_area_m2", "equipment", "location")
    missing = [name for name in measured if data.get(name) in (None, "")]
    if missing:  # the inspector's measurements, never the applicant's declaration
        raise ApplicationError(
            msg.INSPECTION_INCOMPLETE, fields={name: [msg.INSPECTION_INCOMPLETE] for name in missing}
        )
    raw = {
        "premises_use": data.get("premises_use"),
        "premises_area_m2": data.get("measured_area_m2"),
        "equipment": data.get("equipment"),
        "location": data.get("location"),
    }
    try:
        facts = validate_facts(raw)
    except ApplicationError as exc:
        exc.fields = {
            k.replace("facts.premises_area_m2", "measured_area_m2").replace("facts.", ""): v
            for k, v in exc.fields.items()
        }
        raise
    application.assessment = {**application.assessment, "inspection": {"facts": facts}}
    evaluation = case_evaluate(application)
    rule_set = compiled(application.call.rule_set)
    location = {c.id for c in rule_set.conditions if c.group == "location"}
    failed = [c for c in evaluation.conditions if c.id in location and c.result != "pass"]
    application.assessment["inspection"]["results"] = [
        {"id": c.id, "result": c.result, "reason": c.reason} for c in evaluation.conditions if c.id in location
    ]
    if failed:
        application.failed_conditions = [c.id for c in failed]
        return False, msg.INSPECTION_FAILED.format(reasons="؛ ".join(f"{c.id}: {c.reason}" for c in failed))
    return True, ""


EFFECTS: dict[str, Callable[[Application, dict[str, Any]], tuple[bool, str]]] = {
    "record_exam": effect_exam,
    "record_interview": effect_interview,
    "record_inspection": effect_inspection,
}
FAILED_CONDITION_OF = {"record_exam": ["S10.4"], "record_interview": ["S10.4"]}


@dataclass
class MoveResult:
    application: Application
    action: str
    passed: bool


def application_move(
    *,
    application_id: int,
    action: str,
    actor: Any,
    data: dict[str, Any] | None = None,
    verdict: AssessmentVerdict | None = None,
) -> MoveResult:
    """Take ``action`` on the case (see the module docstring). ``actor`` None is the system.
    ``verdict``: an exam session's or interview panel's decision (``record_exam``,
    ``record_interview``), from the assessments app only."""
    data = dict(data or {})
    verdict = _verdict_for(action, verdict)
    now = timezone.now()
    CASE.get(action)  # an unknown action is refused before anything is locked
    with transaction.atomic():
        application = _locked(application_id)
        move = CASE.check(application, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=data)
        passed, failure = True, ""
        if action == "record_exam":
            passed, failure = effect_exam(application, data, verdict)
        elif action == "record_interview":
            passed, failure = effect_interview(application, data, verdict)
        elif action in EFFECTS:
            passed, failure = EFFECTS[action](application, data)
        note = _apply(application, action, data, now, passed, failure, actor)
        old, new = CASE.enter(application, move, failed=not passed)
        application.status_changed_at = now
        application.updated_at = now
        clocks.on_move(application, old, new, now)
        application.save()
        events.emit(CaseMoved(application, action, old, new, passed, actor))  # e.g. the exam certificate (S12.7)
        _event(application, actor=actor, action=action, old=old, new=new, note=note, data=_public(data))
        _notify(application, action, old, new, note)
        # last: the audit chain's head stays locked from here to the commit, so every writer
        # holds it as briefly as possible (issue 7)
        audit_record(
            actor=actor,
            action=f"application.{action}",
            obj=application,
            municipality=application.municipality,
            data={"from": old, "to": new, **_public(data)},
        )
    return MoveResult(application, action, passed)


def _public(data: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "reason",
        "conditions",
        "documents",
        "score",
        "scores",
        "premises_use",
        "measured_area_m2",
        "equipment",
        "location",
    )
    return {k: data[k] for k in keep if k in data}


def _apply(
    application: Application,
    action: str,
    data: dict[str, Any],
    now: Any,
    passed: bool,
    failure: str,
    actor: Any = None,
) -> str:
    """What a move changes besides the status; returns the note shown on the timeline."""
    if action == "submit":
        if application.tracking_code is None:
            application.tracking_code = _unique_tracking_code()
        if application.submitted_at is None:
            application.submitted_at = now  # the first submission ranks ties (P4)
        _refresh_verdict(application)
        inquiries.inquiries_start(application=application)
        return ""
    if action == "request_correction":
        raw = data.get("reason")
        reason = normalize_text(raw) if isinstance(raw, str) else ""
        if len(reason) < 10:
            raise ApplicationError(msg.REASON_REQUIRED, fields={"reason": [msg.REASON_REQUIRED]})
        data["reason"] = reason
        return reason
    if action == "reject":
        application.decision_reason = data["reason"]
        application.failed_conditions = data["conditions"]
        return data["reason"]
    if action in EFFECTS:
        _refresh_verdict(application)
        if not passed:
            application.decision_reason = failure
            application.failed_conditions = application.failed_conditions or FAILED_CONDITION_OF.get(action, [])
            data["reason"] = failure
            data["conditions"] = application.failed_conditions
        return failure
    if action == "approve":
        application.decision_reason = ""
        return ""
    if action == "expire":
        late = application.status == Status.CORRECTION_REQUESTED
        application.decision_reason = msg.EXPIRED_CORRECTION if late else msg.EXPIRED_DRAFT
        return application.decision_reason
    if action == "issue_licence":
        application.licence_number = _licence_number(application, actor)
        return application.licence_number
    return ""


def _unique_tracking_code() -> str:
    for _ in range(10):
        code = tracking_code_new()
        if not Application.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("no free tracking code after 10 tries")  # 49 bits: practically unreachable


def _licence_number(application: Application, actor: Any) -> str:
    """Issue the licence inside this move's transaction and return its number (the licences
    app handles ``LicenceWanted``: signed payload, history, audit, SMS)."""
    return str(events.ask(LicenceWanted(application=application, actor=actor)))


def _notify(application: Application, action: str, old: str, new: str, note: str) -> None:
    code = application.tracking_code or ""
    if action == "submit":
        _sms(application, msg.SMS_SUBMITTED.format(code=code), "application_submitted")
    elif new == Status.CORRECTION_REQUESTED:
        due = to_jalali(application.due_at, with_time=False) if application.due_at else ""
        _sms(application, msg.SMS_CORRECTION.format(code=code, due=due, reason=note), "application_correction")
    elif action != "withdraw" or old != Status.DRAFT:
        extra = f" {note}" if new == Status.REJECTED and note else ""
        _sms(
            application,
            msg.SMS_STATUS.format(code=code or "پیش‌نویس", status=Status(new).label, extra=extra),
            "application_status",
        )


# --- submission, withdrawal, acknowledgement ------------------------------------------------


def application_submit(*, application_id: int, actor: Any) -> Application:
    return application_move(application_id=application_id, action="submit", actor=actor).application


def application_withdraw(*, application_id: int, actor: Any) -> Application:
    return application_move(application_id=application_id, action="withdraw", actor=actor).application


def applications_acknowledge(*, ids: Any, actor: Any, visible: Any) -> int:
    """Bulk acknowledgement in a staff queue: marks the cases the actor can see as seen."""
    wanted = _id_list(ids)
    now = timezone.now()
    with transaction.atomic():
        chosen = list(visible.filter(pk__in=wanted, acknowledged_at__isnull=True).select_related("municipality"))
        Application.objects.filter(pk__in=[a.pk for a in chosen]).update(acknowledged_at=now, acknowledged_by=actor)
        for application in chosen:
            casecache.case_changed(application.pk)  # .update() sends no signal
            audit_record(
                actor=actor, action="application.acknowledge", obj=application, municipality=application.municipality
            )
    return len(chosen)


# --- quota ranking (P4) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    application_id: int
    tracking_code: str
    score: Decimal | None
    submitted_at: Any
    rank: int
    quota: int
    within_quota: bool


HOLDS_PLACE = (Status.APPROVED, Status.LICENCE_ISSUED)


def district_ranking(call: Call, district_id: int) -> list[Standing]:
    """Cases of one district that passed document review (P4). Approved cases hold their
    places whatever later scores do; the others are ranked by score, ties broken by the first
    submission time, and the top (quota − places held) are within the quota."""
    quota_row = call.districts.filter(district_id=district_id).first()
    quota = quota_row.quota if quota_row else 0
    rows = list(
        Application.objects.filter(call=call, district_id=district_id, status__in=PASSED_REVIEW)
        .order_by(F("score_total").desc(nulls_last=True), "submitted_at", "pk")
        .values_list("pk", "tracking_code", "score_total", "submitted_at", "status")
    )
    held = [r for r in rows if r[4] in HOLDS_PLACE]
    others = [r for r in rows if r[4] not in HOLDS_PLACE]
    free = max(0, quota - len(held))
    ranked = [(r, True) for r in held] + [(r, i < free) for i, r in enumerate(others)]
    return [
        Standing(pk, code or "", total, at, rank, quota, within)
        for rank, ((pk, code, total, at, _status), within) in enumerate(ranked, start=1)
    ]
