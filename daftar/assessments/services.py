"""Exam sessions and interview panels (S10.3, S10.4, P7). Every change is one transaction with
an audit row; verdicts move the case through ``applications.services.application_move`` as a
typed command (``AssessmentVerdict``: the score, the session's or panel's pass mark and rule, and
whether it passed), never as keys of the move's data.
Every function asks ``policy`` who may act: nobody seats, scores or decides their own case.

Pass rules and marks are the municipality's (``AssessmentPolicy``, set by its administrator;
without one, the system's example defaults): a new session or interview panel copies them when
it is created and keeps its copy. A request never sets them: one that sends any of them is
refused (``refuse_pass_rule``; docs/decisions/0026-assessment-pass-marks.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from daftar.applications.models import Application
from daftar.applications.services import AssessmentVerdict, application_move
from daftar.applications.workflow import Status
from daftar.audit.services import audit_record
from daftar.calls.models import Call
from daftar.documents.throttle import upload_throttle
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import parse_date, parse_datetime, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.notifications.services import notify

from . import messages as msg
from . import policy, sms
from .models import (
    ExamSeat,
    ExamSession,
    InterviewPanel,
    InterviewScore,
    PanelRule,
    PassRule,
    TrainingCredit,
    policy_for,
)

PARTS = ("general", "specialised")
MAX_IMPORT_ROWS = 5000


def _score(raw: Any) -> float:
    """A score 0–100 from JSON, a form or a spreadsheet cell; ValueError otherwise."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError
    value = float(normalize_text(raw) if isinstance(raw, str) else raw)
    if math.isnan(value) or not 0 <= value <= 100:
        raise ValueError
    return value


# --- sessions and seats ---------------------------------------------------------------------


# The request fields that would set a pass rule or mark (refused: they are the municipality's).
SESSION_RULE_FIELDS = (
    "pass_rule",
    "fixed_pass_mark",
    "relative_share",
    "top_share",
    "weights",
    "weight_general",
    "weight_specialised",
)
PANEL_RULE_FIELDS = ("rule", "pass_mark")


def refuse_pass_rule(data: Any, names: tuple[str, ...]) -> None:
    """Refuse (400, nothing changes) a request that sends a pass rule or mark (any of ``names``
    with a value): the municipality's assessment policy sets them, never a scorer."""
    sent = [name for name in names if hasattr(data, "get") and data.get(name) not in (None, "")]
    if sent:
        message = msg.MARKS_FROM_POLICY.format(fields="، ".join(sent))
        raise ApplicationError(message, code="pass_rule_from_policy", fields={name: [message] for name in sent})


def session_create(
    *, call: Call, title: str, starts_at: dt.datetime, place: str, seats: int, actor: Any
) -> ExamSession:
    """A session of the call's exam, with a copy of the municipality's pass rule, its figures
    and weights (``AssessmentPolicy``, else the system's example defaults)."""
    rules = policy_for(call.municipality_id)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise ApplicationError(msg.SEATS, fields={"seats": [msg.SEATS]})
    session = ExamSession(
        municipality_id=call.municipality_id,
        call=call,
        title=normalize_text(title),
        starts_at=starts_at,
        place=normalize_text(place),
        seats=seats,
        pass_rule=rules.exam_pass_rule,
        fixed_pass_mark=rules.fixed_pass_mark,
        relative_share=rules.relative_share,
        top_share=rules.top_share,
        weights=rules.weights,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        session.save()
        audit_record(
            actor=actor,
            action="exam_session.create",
            obj=session,
            municipality=session.municipality,
            data={
                "call": call.pk,
                "seats": seats,
                "pass_rule": session.pass_rule,
                "fixed_pass_mark": session.fixed_pass_mark,
                "relative_share": session.relative_share,
                "top_share": session.top_share,
                "weights": session.weights,
                "policy": rules.pk,
            },
        )
    return session


def _locked_session(session: ExamSession) -> ExamSession:
    locked = ExamSession.objects.select_for_update().select_related("municipality").get(pk=session.pk)
    if locked.decided_at is not None:
        raise ApplicationError(msg.SESSION_DECIDED, code="session_decided", status=409)
    return locked


def seat_assign(*, session: ExamSession, application: Application, actor: Any) -> ExamSeat:
    """Seat a case that is in status ``exam`` (same call), within the session's capacity, and
    invite the applicant by SMS with the Jalali date-time and the place."""
    with transaction.atomic():
        session = _locked_session(session)
        application = Application.objects.select_related("applicant").get(pk=application.pk)
        if not policy.may_assess(actor, application):
            raise policy.refuse(actor, application)
        code = application.tracking_code or str(application.pk)
        if application.call_id != session.call_id:
            raise ApplicationError(msg.OTHER_CALL.format(code=code), code="other_call", status=409)
        if application.status != Status.EXAM:
            raise ApplicationError(msg.NOT_IN_EXAM.format(code=code), code="illegal_state", status=409)
        if ExamSeat.objects.filter(session=session, application=application).exists():
            raise ApplicationError(msg.ALREADY_SEATED.format(code=code), code="already_seated", status=409)
        if ExamSeat.objects.filter(session=session).count() >= session.seats:
            raise ApplicationError(
                msg.SESSION_FULL.format(seats=persian_digits(session.seats)), code="session_full", status=409
            )
        seat = ExamSeat.objects.create(session=session, application=application)
        audit_record(
            actor=actor,
            action="exam_seat.assign",
            obj=seat,
            municipality=session.municipality,
            data={"session": session.pk, "application": application.pk},
        )
        notify(
            sms.EXAM_INVITATION.key,
            to=application.applicant,
            municipality=session.municipality,
            code=code,
            title=session.title,
            when=to_jalali(session.starts_at, with_time=True),
            place=session.place,
        )
    return seat


def weighted_total(session: ExamSession, parts: dict[str, float]) -> float:
    return round(sum(float(session.weights[k]) * parts[k] for k in PARTS), 2)


def _clean_parts(raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise ApplicationError(msg.PART_RANGE.format(part=PARTS[0]))
    parts = {}
    for part in PARTS:
        try:
            parts[part] = _score(raw.get(part))
        except (TypeError, ValueError):
            raise ApplicationError(
                msg.PART_RANGE.format(part=part), fields={part: [msg.PART_RANGE.format(part=part)]}
            ) from None
    return parts


def _store(seat: ExamSeat, session: ExamSession, parts: dict[str, float], now: dt.datetime) -> None:
    seat.parts = parts
    seat.total = weighted_total(session, parts)
    seat.recorded_at = now
    seat.save(update_fields=["parts", "total", "recorded_at"])


def score_record(*, seat: ExamSeat, parts: Any, actor: Any) -> ExamSeat:
    if not policy.may_assess(actor, seat.application):
        raise policy.refuse(actor, seat.application)
    clean = _clean_parts(parts)
    with transaction.atomic():
        session = _locked_session(seat.session)
        seat = ExamSeat.objects.select_for_update().get(pk=seat.pk)
        _store(seat, session, clean, timezone.now())
        audit_record(
            actor=actor,
            action="exam_seat.score",
            obj=seat,
            municipality=session.municipality,
            data={"application": seat.application_id, "parts": clean, "total": seat.total},
        )
    return seat


# --- bulk import ----------------------------------------------------------------------------


def _read_rows(file: Any) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of a CSV or XLSX upload; row 1 is the header."""
    raw = file.read()
    name = (getattr(file, "name", "") or "").lower()
    rows: list[list[Any]]
    try:
        if raw[:2] == b"PK" or name.endswith(".xlsx"):
            from openpyxl import load_workbook  # heavy, and only an XLSX upload needs it

            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        else:
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    except Exception:  # a damaged workbook or a non-UTF-8 text: both are the uploader's error
        raise ApplicationError(msg.IMPORT_FILE, code="bad_file") from None
    header = [normalize_text(str(c or "")).lower() for c in (rows[0] if rows else [])]
    if header[:3] != ["tracking_code", *PARTS]:
        raise ApplicationError(msg.IMPORT_FILE, code="bad_file")
    out = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in r)]
    if len(out) > MAX_IMPORT_ROWS:
        raise ApplicationError(msg.IMPORT_FILE, code="bad_file")
    return out


@dataclass
class ImportResult:
    session: ExamSession
    imported: int


def scores_import(*, session: ExamSession, actor: Any, file: Any = None, rows: Any = None) -> ImportResult:
    """Scores for many seats, from a CSV/XLSX ``file`` or a JSON list ``rows`` of
    ``{"tracking_code", "general", "specialised"}``. Every row is checked first; one bad row
    and nothing is recorded, the error naming every bad row."""
    if file is not None:
        upload_throttle(actor)  # a score sheet is an upload too (issue 17)
        numbered = _read_rows(file)
    elif isinstance(rows, list) and all(isinstance(r, dict) for r in rows):
        numbered = [(i, [r.get("tracking_code"), *(r.get(p) for p in PARTS)]) for i, r in enumerate(rows, start=1)]
    else:
        raise ApplicationError(msg.SCORES_LIST, fields={"scores": [msg.SCORES_LIST]})
    if not numbered:
        raise ApplicationError(msg.IMPORT_EMPTY, code="empty")
    with transaction.atomic():
        session = _locked_session(session)
        codes = [normalize_text(str(cells[0] or "")).upper() if cells else "" for _, cells in numbered]
        # the importer's own case is not theirs to score: its code reads as unknown (policy)
        own = getattr(actor, "pk", None)
        cases = Application.objects.filter(tracking_code__in=codes).exclude(applicant_id=own)
        known = set(cases.values_list("tracking_code", flat=True))
        seats = {
            s.application.tracking_code: s
            for s in ExamSeat.objects.select_for_update(of=("self",))
            .select_related("application")
            .filter(session=session, application__tracking_code__in=codes)
            .exclude(application__applicant_id=own)
        }
        errors: list[str] = []
        seen: dict[str, int] = {}
        accepted: list[tuple[ExamSeat, dict[str, float]]] = []
        for (row, cells), code in zip(numbered, codes, strict=True):
            row_fa = persian_digits(row)
            cells = list(cells) + [None] * (3 - len(cells))
            if code not in known:
                errors.append(msg.ROW_UNKNOWN.format(row=row_fa, code=code))
                continue
            if code not in seats:
                errors.append(msg.ROW_NOT_SEATED.format(row=row_fa, code=code))
                continue
            if code in seen:
                errors.append(msg.ROW_DUPLICATE.format(row=row_fa, code=code, first=persian_digits(seen[code])))
                continue
            seen[code] = row
            parts: dict[str, float] = {}
            for part, cell in zip(PARTS, cells[1:3], strict=True):
                try:
                    value = float(normalize_text(cell) if isinstance(cell, str) else cell)
                except (TypeError, ValueError):
                    errors.append(msg.ROW_NUMBER.format(row=row_fa, part=part))
                    continue
                if isinstance(cell, bool) or math.isnan(value) or not 0 <= value <= 100:
                    errors.append(msg.ROW_RANGE.format(row=row_fa, part=part))
                    continue
                parts[part] = value
            if len(parts) == len(PARTS):
                accepted.append((seats[code], parts))
        if errors:
            raise ApplicationError(
                msg.IMPORT_FAILED.format(errors="؛ ".join(errors)), code="import_invalid", fields={"rows": errors}
            )
        now = timezone.now()
        for seat, parts in accepted:
            _store(seat, session, parts, now)
        audit_record(
            actor=actor,
            action="exam_scores.import",
            obj=session,
            municipality=session.municipality,
            data={"rows": len(accepted), "source": "file" if file is not None else "json"},
        )
    return ImportResult(session, len(accepted))


# --- the verdict ----------------------------------------------------------------------------


def pass_mark(session: ExamSession, totals: list[float]) -> float:
    """Fixed: the session's mark. Relative (P7): ``relative_share`` × the mean weighted total of
    the top ``top_share`` of seats (at least one seat)."""
    if session.pass_rule == PassRule.FIXED:
        return float(session.fixed_pass_mark)
    ranked = sorted(totals, reverse=True)
    count = max(1, math.ceil(round(session.top_share * len(ranked), 9)))
    top = ranked[:count]
    return round(session.relative_share * sum(top) / len(top), 2)


def session_decide(*, session: ExamSession, actor: Any) -> ExamSession:
    """Compute every seat's weighted total and the pass mark, and move each case by
    ``record_exam`` (to ``interview`` or ``rejected``); all or nothing."""
    with transaction.atomic():
        session = _locked_session(session)
        seats = list(session.seat_set.select_related("application").order_by("pk"))
        if not policy.may_decide_session(actor, session, {s.application.applicant_id for s in seats}):
            raise policy.not_found() if policy.is_examiner(actor, session.municipality_id) else policy.forbidden()
        if not seats:
            raise ApplicationError(msg.NO_SEATS, code="no_seats", status=409)
        missing = [s.application.tracking_code or str(s.application_id) for s in seats if s.recorded_at is None]
        if missing:
            raise ApplicationError(msg.UNSCORED.format(codes="، ".join(missing)), code="unscored", status=409)
        for seat in seats:  # recomputed from the parts: the weights are the session's
            seat.total = weighted_total(session, {k: float(seat.parts[k]) for k in PARTS})
            seat.save(update_fields=["total"])
        mark = pass_mark(session, [float(s.total or 0) for s in seats])
        for seat in seats:
            if seat.application.status != Status.EXAM:  # withdrawn meanwhile: nothing to decide
                continue
            total = float(seat.total or 0)
            application_move(
                application_id=seat.application_id,
                action="record_exam",
                actor=actor,
                data={"score": seat.total},
                verdict=AssessmentVerdict("exam", total, mark, session.pass_rule, total >= mark),
            )
        session.pass_mark = mark
        session.decided_at = timezone.now()
        session.save(update_fields=["pass_mark", "decided_at"])
        audit_record(
            actor=actor,
            action="exam_session.decide",
            obj=session,
            municipality=session.municipality,
            data={
                "rule": session.pass_rule,
                "pass_mark": mark,
                "passed": [s.application_id for s in seats if float(s.total or 0) >= mark],
            },
        )
    return session


# --- interviews -----------------------------------------------------------------------------


def _open_panel(application: Application) -> InterviewPanel:
    """The case's panel (locked), opened when first needed by a schedule or a score with a copy of
    the municipality's interview rule and pass mark (``AssessmentPolicy``, else the system's
    example defaults)."""
    rules = policy_for(application.municipality_id)
    panel, _ = InterviewPanel.objects.select_for_update().get_or_create(
        application=application, defaults={"rule": rules.interview_rule, "pass_mark": rules.interview_pass_mark}
    )
    return panel


def interview_score(*, application: Application, examiner: Any, score: Any) -> InterviewScore:
    """One panel member's score (a member may correct theirs until the decision). The panel's
    rule and pass mark are a copy of the municipality's taken with the first score (decision
    0026): a panel opened earlier by its schedule takes its copy again then."""
    try:
        value = _score(score)
    except (TypeError, ValueError):
        raise ApplicationError(msg.INTERVIEW_SCORE, fields={"score": [msg.INTERVIEW_SCORE]}) from None
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("municipality").get(pk=application.pk)
        if not policy.may_assess(examiner, locked):
            raise policy.refuse(examiner, locked)
        if locked.status != Status.INTERVIEW:
            raise ApplicationError(msg.NOT_IN_INTERVIEW, code="illegal_state", status=409)
        panel = _open_panel(locked)
        if not panel.scores.exists():
            rules = policy_for(locked.municipality_id)
            panel.rule, panel.pass_mark = rules.interview_rule, rules.interview_pass_mark
            panel.save(update_fields=["rule", "pass_mark"])
        row, _ = InterviewScore.objects.update_or_create(
            panel=panel, examiner=examiner, defaults={"score": value, "recorded_at": timezone.now()}
        )
        audit_record(
            actor=examiner,
            action="interview.score",
            obj=locked,
            municipality=locked.municipality,
            data={"score": value, "rule": panel.rule, "pass_mark": panel.pass_mark},
        )
    return row


def interview_slot(starts_at: Any, place: Any) -> tuple[dt.datetime, str]:
    """The interview's time and place from a form or a request, or a Persian ``ApplicationError``
    naming each bad field: a Jalali (or ISO) date-time in the future, at most
    ``INTERVIEW_SCHEDULE_HORIZON_DAYS`` ahead (an example setting), and a place of 3–200
    characters (digits and letters normalised, white space collapsed, as the SMS shows it)."""
    errors: dict[str, list[str]] = {}
    when: dt.datetime | None = None
    if starts_at not in (None, "") and not isinstance(starts_at, bool):
        try:
            when = parse_datetime(starts_at)
        except (ValidationError, TypeError, ValueError, OverflowError):
            when = None
    if when is None:
        errors["starts_at"] = [msg.INTERVIEW_STARTS_AT]
    else:
        now = timezone.now()
        horizon = int(settings.INTERVIEW_SCHEDULE_HORIZON_DAYS)
        if when <= now:
            errors["starts_at"] = [msg.INTERVIEW_PAST]
        elif when > now + dt.timedelta(days=horizon):
            errors["starts_at"] = [msg.INTERVIEW_TOO_FAR.format(days=persian_digits(horizon))]
    where = " ".join(normalize_text(place).split()) if isinstance(place, str) else ""
    if not 3 <= len(where) <= 200:
        errors["place"] = [msg.INTERVIEW_PLACE]
    if errors or when is None:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    return when, where


def interview_schedule(*, application: Application, starts_at: Any, place: Any, actor: Any) -> InterviewPanel:
    """Set, or change until the panel decides, when and where the applicant is interviewed
    (S10.4: the examiners schedule and score the interview). The applicant is sent
    ``interview_invitation`` the first time and ``interview_rescheduled`` after, with the Jalali
    date-time and the place; each change is audited with the time and place before and after.
    A bad time or place, a case outside the interview stage or a decided panel changes nothing
    and sends nothing."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("municipality", "applicant")
            .get(pk=application.pk)
        )
        if not policy.may_schedule_interview(actor, locked):
            raise policy.refuse(actor, locked)
        panel = InterviewPanel.objects.select_for_update().filter(application=locked).first()
        if panel is not None and panel.decided_at is not None:
            raise ApplicationError(msg.INTERVIEW_DECIDED, code="panel_decided", status=409)
        if locked.status != Status.INTERVIEW:
            raise ApplicationError(msg.NOT_IN_INTERVIEW, code="illegal_state", status=409)
        when, where = interview_slot(starts_at, place)
        if panel is not None and panel.starts_at == when and panel.place == where:
            raise ApplicationError(msg.INTERVIEW_UNCHANGED, code="unchanged", status=409)
        panel = panel or _open_panel(locked)
        before = {"starts_at": panel.starts_at.isoformat(), "place": panel.place} if panel.starts_at else None
        panel.starts_at, panel.place = when, where
        panel.save(update_fields=["starts_at", "place"])
        audit_record(
            actor=actor,
            action="interview.schedule",
            obj=locked,
            municipality=locked.municipality,
            data={"before": before, "after": {"starts_at": when.isoformat(), "place": where}},
        )
        notify(
            (sms.INTERVIEW_RESCHEDULED if before else sms.INTERVIEW_INVITATION).key,
            to=locked.applicant,
            municipality=locked.municipality,
            code=locked.tracking_code or str(locked.pk),
            when=to_jalali(when, with_time=True),
            place=where,
        )
    return panel


def interview_passed(rule: str, mark: float, scores: list[float]) -> bool:
    if rule == PanelRule.ALL_PASS:
        return all(s >= mark for s in scores)
    return round(sum(scores) / len(scores), 2) >= mark


def interview_decide(*, application: Application, actor: Any) -> Application:
    if not policy.may_assess(actor, application):
        raise policy.refuse(actor, application)
    with transaction.atomic():
        panel = InterviewPanel.objects.select_for_update().filter(application_id=application.pk).first()
        scores = [s.score for s in panel.scores.order_by("pk")] if panel else []
        if panel is None or not scores:
            raise ApplicationError(msg.NO_INTERVIEW_SCORES, code="no_scores", status=409)
        passed = interview_passed(panel.rule, panel.pass_mark, scores)
        mean = round(sum(scores) / len(scores), 2)
        result = application_move(
            application_id=application.pk,
            action="record_interview",
            actor=actor,
            data={"scores": scores},
            verdict=AssessmentVerdict("interview", mean, panel.pass_mark, panel.rule, passed, tuple(scores)),
        )
        panel.decided_at = timezone.now()
        panel.save(update_fields=["decided_at"])
        audit_record(
            actor=actor,
            action="interview.decide",
            obj=result.application,
            municipality=result.application.municipality,
            data={"scores": scores, "rule": panel.rule, "pass_mark": panel.pass_mark, "passed": passed},
        )
    return result.application


def training_credit_add(
    *, application: Application, course_title: Any, hours: Any, approving_body: Any, certificate_date: Any, actor: Any
) -> TrainingCredit:
    """A training course the municipality approves (S10.3), recorded by staff from its certificate;
    the case's S10.3 condition and its score read the credits (``applications.services.case_facts``)."""
    if not policy.may_credit(actor, application):
        raise policy.refuse(actor, application, policy.CREDIT_ROLES)
    errors: dict[str, list[str]] = {}
    title = normalize_text(course_title) if isinstance(course_title, str) else ""
    body = normalize_text(approving_body) if isinstance(approving_body, str) else ""
    if not 3 <= len(title) <= 200:
        errors["course_title"] = [msg.CREDIT_TITLE]
    if not 3 <= len(body) <= 200:
        errors["approving_body"] = [msg.CREDIT_BODY]
    try:
        value = int(str(hours).strip()) if not isinstance(hours, bool) else -1
    except ValueError:
        value = -1
    if not 1 <= value <= 2000:
        errors["hours"] = [msg.CREDIT_HOURS]
    try:
        day = parse_date(certificate_date)
        if day > timezone.localdate():
            raise ValueError
    except Exception:  # any unreadable or future date is the same Persian error
        errors["certificate_date"] = [msg.CREDIT_DATE]
        day = None
    if errors or day is None:
        raise ApplicationError(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        credit = TrainingCredit.objects.create(
            application=application, course_title=title, hours=value, approving_body=body, certificate_date=day
        )
        audit_record(
            actor=actor,
            action="training_credit.add",
            obj=credit,
            municipality=application.municipality,
            data={"application": application.pk, "hours": value, "approving_body": body},
        )
    return credit
