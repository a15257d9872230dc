"""Taking a move on a case (``workflow.MOVES``), and who may take which (S15, P1).

``application_move`` locks the row, checks the actor's right and the state against the table,
runs the guard (``guards``), applies the move's effect (``verdicts``) and what else it changes
(the tracking code and the first submission time on submission, P4; the reason and the failed
conditions of a rejection, P1; the licence number, S15.7), moves the legal clocks (P1), and
writes a timeline event, an SMS through the outbox and an audit row, all in one transaction.
Submission, withdrawal and the staff's bulk acknowledgement are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.documents.models import Document
from daftar.inquiries import services as inquiries
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text
from daftar.notifications.services import notify
from daftar.notifications.texts import Text

from .. import casecache, clocks, policy, sms
from .. import messages as msg
from ..events import CaseMoved, LicenceWanted
from ..models import Application, CaseEvent
from ..workflow import CASE, Move, Status
from .drafts import _locked, tracking_code_new
from .facts import _refresh_verdict
from .guards import _id_list, _title_of
from .verdicts import EFFECTS, FAILED_CONDITION_OF, VERDICT_KIND, AssessmentVerdict, effect_exam, effect_interview

LIST_MAX = 300  # characters of a list of documents or conditions in one SMS; the case page has all


def may_take(application: Application, move: Move, actor: Any) -> bool:
    return policy.may_move(actor, move, application)


def actions_available(application: Application, actor: Any) -> list[Move]:
    return CASE.available(application, actor, may=policy.may_move)


def move_refusal(application: Application, action: str, actor: Any) -> ApplicationError | None:
    """Why ``actor`` could not take ``action`` (a move without input) on the case now, or
    ``None``: the policy, the state and the guard, as ``application_move`` asks them. Run in a
    transaction, so a guard's locks end with it; nothing is changed."""
    try:
        with transaction.atomic():
            CASE.check(application, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data={})
    except ApplicationError as exc:
        return exc
    return None


@dataclass
class MoveResult:
    application: Application
    action: str
    passed: bool


def _verdict_for(action: str, verdict: AssessmentVerdict | None) -> AssessmentVerdict | None:
    """``verdict`` checked against the move (a mismatch is a programming error, never a user's)."""
    if verdict is not None and VERDICT_KIND.get(action) != verdict.kind:
        raise ValueError(f"a {verdict.kind} verdict cannot move a case by {action}")
    return verdict


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
        _notify(application, action, old, new, note, data)
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
        "law",
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
    if action == "deemed_approval":  # P1: silence past the legal time is approval
        application.decision_reason = msg.DEEMED_APPROVAL_NOTE
        # one SMS: the deemed approval's own, with the law and the number (``_notify``)
        application.licence_number = _licence_number(application, actor, tell_holder=False)
        return msg.DEEMED_APPROVAL_NOTE
    return ""


def _unique_tracking_code() -> str:
    for _ in range(10):
        code = tracking_code_new()
        if not Application.objects.filter(tracking_code=code).exists():
            return code
    raise RuntimeError("no free tracking code after 10 tries")  # 49 bits: practically unreachable


def _licence_number(application: Application, actor: Any, *, tell_holder: bool = True) -> str:
    """Issue the licence inside this move's transaction and return its number (the licences
    app handles ``LicenceWanted``: signed payload, history, audit, SMS)."""
    return str(events.ask(LicenceWanted(application=application, actor=actor, tell_holder=tell_holder)))


def _notify(application: Application, action: str, old: str, new: str, note: str, data: dict[str, Any]) -> None:
    """The applicant's SMS of a move (declared in ``sms.py``), in the case municipality's words."""
    values = {"code": application.tracking_code or msg.NO_CODE_YET, "municipality_name": application.municipality.name}
    if action == "submit":
        _sms(application, sms.SUBMITTED, due=_due(application), **values)
    elif action == "deemed_approval":  # P1: the law, named
        _sms(application, sms.DEEMED_APPROVAL, number=application.licence_number, **values)
    elif new == Status.CORRECTION_REQUESTED:  # what to correct, and by when
        documents = _documents_to_correct(application, data.get("documents"))
        _sms(application, sms.CORRECTION, documents=documents, reason=note, due=_due(application), **values)
    elif new == Status.REJECTED:  # P1: the unmet condition and the reason, stated
        reason = application.decision_reason or note
        _sms(application, sms.REJECTED, conditions=_unmet_conditions(application), reason=reason, **values)
    elif new == Status.APPROVED:
        _sms(application, sms.APPROVED, **values)
    elif new == Status.LICENCE_ISSUED:
        pass  # the licences app's «licence_issued» says it, with the number and validity: one SMS
    elif action != "withdraw" or old != Status.DRAFT:
        _sms(application, sms.STATUS_CHANGED, status=Status(new).label, **values)


def _sms(application: Application, text: Text, **values: Any) -> None:
    notify(text.key, to=application.applicant, municipality=application.municipality, **values)


def _due(application: Application) -> str:
    """The running legal deadline as a Jalali date (the case page shows it when there is none)."""
    return to_jalali(application.due_at, with_time=False) if application.due_at else msg.ON_CASE_PAGE


def _clipped(text: str) -> str:
    """A list short enough for one SMS; the case page has it whole."""
    return text if len(text) <= LIST_MAX else text[: LIST_MAX - 1].rstrip("؛، ") + "…"


def _documents_to_correct(application: Application, ids: Any) -> str:
    """The documents of a correction request by title, each with the reviewer's reason."""
    titles = _title_of(application)
    order = {code: i for i, code in enumerate(titles)}
    wanted = [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []
    rows = sorted(
        Document.objects.filter(application=application, pk__in=wanted).only("doc_type", "review_reason"),
        key=lambda d: (order.get(d.doc_type, len(order)), d.pk),
    )
    parts = []
    for document in rows:
        title = titles.get(document.doc_type) or msg.A_DOCUMENT
        reason = document.review_reason.strip()
        parts.append(msg.DOCUMENT_WITH_REASON.format(title=title, reason=reason) if reason else title)
    return _clipped("؛ ".join(parts)) or msg.ON_CASE_PAGE


def _unmet_conditions(application: Application) -> str:
    """The failed conditions of a refusal by their text, never their ids (issue 19 §1)."""
    cited = [c for c in application.failed_conditions or [] if isinstance(c, str)]
    if not cited:
        return msg.ON_CASE_PAGE
    texts = dict(application.call.rule_set.conditions.filter(cid__in=cited).values_list("cid", "text"))
    return _clipped("؛ ".join(texts[c] for c in cited if texts.get(c))) or msg.ON_CASE_PAGE


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
