"""The guards of the case's moves, bound here to ``workflow.CASE`` by the names its table uses.

A draft is submitted while its call is open (S7), a correction before its deadline (P1), with
the profile complete and every required document of the licence type present and none
rejected (S12). A correction is asked for rejected documents only; the documents are accepted
when every required one is accepted and no inquiry to an outside body failed; approval needs
every inquiry passed, every condition met and a place within the district's quota (P4); a
rejection cites a reason and at least one condition of the case's rule set (P1). A case
expires when its correction is late, or while a draft when its call has closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from daftar.accounts.selectors import profile_gaps
from daftar.calls import messages as call_msg
from daftar.calls.models import Call, CallDistrict
from daftar.documents.models import Document, ReviewState
from daftar.inquiries import services as inquiries
from daftar.inquiries.models import InquiryStatus
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_number
from daftar.rules.models import DocumentRequirement
from daftar.rules.selectors import compiled

from .. import messages as msg
from ..models import Application
from ..workflow import CASE, Status
from .drafts import parse_id
from .facts import case_evaluate
from .ranking import district_ranking


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


def _call_held(application: Application) -> None:
    """Hold the call row against a cancellation until this submission commits, and read its
    state afresh. A shared lock on PostgreSQL (FOR SHARE): submissions to one call do not wait
    for each other, but ``call_cancel`` (FOR UPDATE) waits for them and then counts them, and a
    submission that comes after a cancellation sees it. SQLite's write transactions are
    serialised already (BEGIN IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Call._meta.db_table)
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [application.call_id])  # noqa: S608
    application.call.refresh_from_db(fields=["cancelled", "opens_at", "closes_at"])


def submission_window_check(application: Application, now: dt.datetime | None = None) -> None:
    """A draft is submitted while its call is open; a correction before its deadline."""
    now = now or timezone.now()
    if application.status == Status.DRAFT:
        _call_held(application)
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


def _title_of(application: Application) -> dict[str, str]:
    """Document type → title, in the licence's list order."""
    requirements = DocumentRequirement.objects.filter(licence_type_id=application.call.licence_type_id)
    return {r.code: r.title for r in requirements.order_by("order", "code")}


def guard_documents_accepted(application: Application, actor: Any, data: dict[str, Any]) -> None:
    """Every current document reviewed (optional ones too), none of the required ones rejected
    (a rejection goes back to the applicant by ``request_correction``), every required one
    accepted, and no failed inquiry (docs/decisions/0034-reviewer-viewer.md)."""
    current = current_documents(application)
    titles = _title_of(application)
    order = list(titles)
    unreviewed = sorted(
        (c for c, d in current.items() if d.review_state == ReviewState.PENDING),
        key=lambda c: (order.index(c) if c in order else len(order), c),
    )
    if unreviewed:
        raise ApplicationError(
            msg.DOCUMENTS_UNREVIEWED.format(titles="، ".join(titles.get(c, c) for c in unreviewed)),
            code="documents_unreviewed",
            status=409,
            fields={"documents": unreviewed},
        )
    rejected = [
        r
        for r in required_documents(application)
        if r.code in current and current[r.code].review_state == ReviewState.REJECTED
    ]
    if rejected:
        raise ApplicationError(
            msg.DOCUMENTS_REJECTED_NEED_CORRECTION.format(titles=_titles(rejected)),
            code="documents_rejected",
            status=409,
            fields={"documents": [r.code for r in rejected]},
        )
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
    unmet = {c.id for c in evaluation.conditions if c.result != "pass"}
    if unmet:  # named by their text: the ids (S9.1 …) are for code and data, not for people
        texts = [f"«{s.text or s.id}»" for s in compiled(application.call.rule_set).conditions if s.id in unmet]
        reasons.append(msg.CONDITIONS_NOT_MET.format(conditions="، ".join(texts)))
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
            errors["conditions"] = [msg.UNKNOWN_CONDITIONS.format(count=persian_number(len(unknown)))]
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
