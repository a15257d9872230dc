"""What the applicant needs to do now, in Persian (issue 4 §7): shared by the API and pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from daftar.accounts.selectors import profile_gaps
from daftar.documents.models import Document, ReviewState
from daftar.kernel import events
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.rules.models import DocumentRequirement

from . import messages as msg
from .clocks import stage_limit
from .events import CaseAppointment, CaseAppointmentsWanted
from .models import Application
from .workflow import FINAL, Status


def requirements_for(application: Application) -> list[DocumentRequirement]:
    cached = getattr(application.call, "requirements_cached", None)  # casecache.call_for_new_case
    if cached is not None:
        return list(cached)
    return list(
        DocumentRequirement.objects.filter(
            licence_type_id=application.call.licence_type_id, stage="submission"
        ).order_by("order")
    )


# --- the exam and interview the applicant is to attend (issue 21 §4) ---------------------------

# The stage of the track (``TRACK``) each kind of appointment belongs to.
APPOINTMENT_STAGES = {"exam": Status.EXAM, "interview": Status.INTERVIEW}
# Python's Monday = 0 … Sunday = 6
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")


def appointments_for(applications: Iterable[Application]) -> dict[int, list[dict[str, Any]]]:
    """The exam session and the interview each case's applicant is to attend, by case id, in
    time order: ``{"kind", "title", "starts_at", "place"}``. The apps that set them answer
    ``CaseAppointmentsWanted`` for all the cases at once (a constant number of queries); with
    no such app every case has none."""
    cases = list(applications)
    found: dict[int, list[CaseAppointment]] = {}
    if cases:
        for answer in events.emit(CaseAppointmentsWanted(cases)):
            for item in answer:
                found.setdefault(item.application_id, []).append(item)
    return {
        pk: [
            {
                "kind": a.kind,
                "title": a.title or msg.APPOINTMENT_INTERVIEW,
                "starts_at": a.starts_at,
                "place": a.place,
            }
            for a in sorted(items, key=lambda a: (a.starts_at, a.kind))
        ]
        for pk, items in found.items()
    }


def appointment_when(moment: dt.datetime) -> str:
    """«سه‌شنبه ۱۴۰۵/۰۹/۲۴، ساعت ۰۹:۰۰»: the weekday, Jalali date and time in Tehran."""
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]} {to_jalali(local, with_time=True)}"


def appointment_shown(row: dict[str, Any]) -> dict[str, str]:
    """An appointment as the pages show it: its title, when (``appointment_when``) and where,
    in Persian digits, and the three in one line (``text``)."""
    parts = {
        "kind": str(row["kind"]),
        "title": persian_digits(row["title"]),
        "when": appointment_when(row["starts_at"]),
        "place": persian_digits(row["place"]),
    }
    return {**parts, "text": msg.APPOINTMENT.format(**parts)}


def needed_now(
    application: Application,
    documents: Iterable[Document],
    requirements: list[DocumentRequirement] | None = None,
    appointments: Sequence[dict[str, Any]] = (),
) -> list[str]:
    """What the applicant must do now, in Persian; while the case waits for the municipality,
    the exam or interview they are to attend (``appointments_for``) if one is set."""
    status = application.status
    if status in FINAL:
        return [msg.NEED_NOTHING_FINAL.format(status=application.get_status_display())]
    if appointments and status not in EDITABLE:
        return [msg.NEED_ATTEND.format(appointment=appointment_shown(a)["text"]) for a in appointments]
    if status not in (Status.DRAFT, Status.CORRECTION_REQUESTED):
        due = f"؛ پاسخ شهرداری تا {to_jalali(application.due_at)}" if application.due_at else ""
        return [msg.NEED_WAIT.format(status=application.get_status_display(), due=due)]
    current = {d.doc_type: d for d in documents if d.is_current}
    needed: list[str] = []
    gaps = profile_gaps(application.applicant)
    if gaps:
        needed.append(msg.NEED_PROFILE.format(gaps="، ".join(gaps)))
    for requirement in requirements if requirements is not None else requirements_for(application):
        document = current.get(requirement.code)
        if document is None:
            if requirement.required:
                needed.append(msg.NEED_UPLOAD.format(title=requirement.title))
        elif document.review_state == ReviewState.REJECTED:
            needed.append(msg.NEED_REUPLOAD.format(title=requirement.title, reason=document.review_reason))
    if not needed:
        if status == Status.CORRECTION_REQUESTED:
            needed.append(msg.NEED_RESUBMIT.format(due=to_jalali(application.due_at) if application.due_at else "—"))
        else:
            needed.append(msg.NEED_SUBMIT)
    return needed


# --- the applicant's case as numbered steps (issue 19 §4) -------------------------------------

# The stages a submitted case passes through, in order, as the applicant reads them.
TRACK: tuple[tuple[str, str], ...] = (
    (Status.SUBMITTED, "بررسی اولیه"),
    (Status.DOCUMENT_REVIEW, "بررسی مدارک"),
    (Status.EXAM, "آزمون تخصصی"),
    (Status.INTERVIEW, "مصاحبه"),
    (Status.SITE_INSPECTION, "بازدید از محل"),
    (Status.FINAL_REVIEW, "تصمیم نهایی"),
)
STEP_TITLES = ("اطلاعات", "مدارک", "بازبینی و ثبت", "پیگیری")
STEP_STATE_LABELS = {"done": "انجام شد", "current": "گام کنونی", "waiting": "در انتظار"}
EDITABLE = (Status.DRAFT, Status.CORRECTION_REQUESTED)


def missing_documents(
    application: Application, documents: Iterable[Document], requirements: list[DocumentRequirement]
) -> list[DocumentRequirement]:
    """The required documents with no current version, or whose current one was rejected."""
    current = {d.doc_type: d for d in documents if d.is_current}
    return [
        r
        for r in requirements
        if r.required and (r.code not in current or current[r.code].review_state == ReviewState.REJECTED)
    ]


def case_steps(application: Application, missing: list[DocumentRequirement]) -> list[dict[str, object]]:
    """The four steps (facts, documents, review and confirm, tracking) with their state."""
    editable = application.status in EDITABLE
    if editable:
        states = ["done", "current" if missing else "done", "waiting" if missing else "current", "waiting"]
    else:
        states = ["done", "done", "done", "done" if application.status in FINAL else "current"]
    anchors = ("step-facts", "step-documents", "step-confirm", "step-tracking")
    return [
        {
            "no": i + 1,
            "title": STEP_TITLES[i],
            "state": state,
            "state_label": STEP_STATE_LABELS[state],
            "anchor": anchors[i],
        }
        for i, state in enumerate(states)
    ]


def stages_ahead(
    application: Application, clocks: list[dict[str, object]], appointments: Sequence[dict[str, Any]] = ()
) -> list[dict[str, object]]:
    """The track of a case: each stage with its legal limit, its due date when its clock runs,
    whether it is done, current or still ahead, and the exam or interview set for it
    (``appointments_for``) while it is not done."""
    by_stage = {str(c["stage"]): c for c in clocks}
    set_for: dict[str, list[dict[str, str]]] = {}
    for row in appointments:
        kind = str(row["kind"])
        if kind in APPOINTMENT_STAGES:
            set_for.setdefault(APPOINTMENT_STAGES[kind], []).append(appointment_shown(row))
    order = [stage for stage, _ in TRACK]
    status = application.status
    if status == Status.CORRECTION_REQUESTED:
        status = Status.DOCUMENT_REVIEW
    position = (
        order.index(status) if status in order else (len(order) if status in FINAL or status == Status.APPROVED else -1)
    )
    rows = []
    for i, (stage, label) in enumerate(TRACK):
        clock = by_stage.get(stage)
        if application.status in FINAL and application.status != Status.LICENCE_ISSUED and clock is None:
            state = "skipped"
        elif i < position or (clock is not None and clock.get("finished_at")):
            state = "done"
        elif i == position:
            state = "current"
        else:
            state = "waiting"
        rows.append(
            {
                "stage": stage,
                "label": label,
                "state": state,
                "limit_days": clock["limit_days"] if clock else stage_limit(application, stage),
                "due_at": clock.get("due_at") if clock and state == "current" else None,
                "appointments": set_for.get(stage, []) if state in ("current", "waiting") else [],
            }
        )
    return rows


def next_step(
    application: Application, missing: list[DocumentRequirement], appointments: Sequence[dict[str, Any]] = ()
) -> str:
    """The applicant's next step in words (the dashboard and «پرونده‌های من»): the first exam or
    interview to attend (``appointments_for``) while the case waits for the municipality."""
    if application.status in FINAL:
        return msg.NEED_NOTHING_FINAL.format(status=application.get_status_display())
    if application.status in EDITABLE:
        if missing:
            return msg.NEXT_DOCUMENTS.format(count=persian_digits(len(missing)))
        return msg.NEXT_CONFIRM
    if appointments:
        return msg.NEED_ATTEND.format(appointment=appointment_shown(appointments[0])["text"])
    due = f"؛ پاسخ شهرداری تا {to_jalali(application.due_at)}" if application.due_at else ""
    return msg.NEED_WAIT.format(status=application.get_status_display(), due=due)
