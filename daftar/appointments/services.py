"""Booking, cancelling and marking appointments, and the day-before reminders (S17 «نوبت‌دهی
اینترنتی»). Every change is audited and its SMS goes through the outbox in the same
transaction.

No double booking, ever:
- ``appointment_book`` locks the citizen's row (their limits), then the office's row
  (``select_for_update``), counts the counters busy in ``[start, end)`` and takes the lowest
  free one, all in one transaction: bookings of one office are serialised;
- the database refuses what slips past: a partial unique constraint (one live booking per
  citizen per office per day; one per counter per start) everywhere and, on PostgreSQL, an
  exclusion constraint against any overlap on one counter (migration 0002). Their
  ``IntegrityError`` becomes the same clean 409 as the counted refusal.

Locks are always taken in the order citizen → office → (audit chain head), so two bookings
never wait on each other crosswise.

Weekly limit: at most ``APPOINTMENT_WEEKLY_LIMIT`` live bookings per citizen in one Iranian
week (Saturday to Friday) — the week of the appointment's day, over all offices.
Cancellation: by the citizen, up to ``APPOINTMENT_CANCEL_BEFORE_MINUTES`` before the start.

After booking, the status moves only through the declared lifecycle (``lifecycle.APPOINTMENT``:
its guards and effects are bound here) and who may move it is ``policy.may_move``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import dateparse, timezone

from daftar.audit.services import audit_record
from daftar.catalogue.models import Service
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import parse_datetime, to_jalali
from daftar.kernel.lifecycle import Move
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.services import notify
from daftar.offices.hours import day_hours, office_sanction
from daftar.offices.models import WEEKDAYS, Office, iran_weekday

from . import messages as msg
from . import policy, sms
from .events import AppointmentKept
from .models import Appointment, AppointmentStatus
from .slots import busy_counters, check_day, day_booked, day_slots, offered_service
from .workflow import APPOINTMENT, MARKS

log = logging.getLogger(__name__)

# Appointment codes: 8 symbols without look-alikes (0/O, 1/I/L), about 40 bits: unguessable,
# and short enough to read out at the counter. Shown as «K7QM-3XPA».
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE = re.compile(r"^[2-9A-Z]{4}-?[2-9A-Z]{4}$")


def appointment_code_new() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def clean_code(raw: object) -> str | None:
    """A code as typed (any case, Persian digits, with or without the dash) → stored form."""
    text = normalize_text(str(raw or "")).upper()
    if not _CODE.match(text):
        return None
    text = text.replace("-", "")
    return f"{text[:4]}-{text[4:]}"


def _unique_code() -> str:
    for _ in range(10):
        code = appointment_code_new()
        if not Appointment.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free appointment code after 10 tries")  # 40 bits: practically unreachable


# --- reading input ----------------------------------------------------------------------------

_YEAR = re.compile(r"^([0-9]{4})")


def read_start(raw: object) -> dt.datetime:
    """A start typed as ISO (``2026-11-28T08:30:00+03:30``; without an offset: Tehran time) or
    Jalali (``1405/09/07 08:30``, any digits) → an aware datetime, or a 400 in Persian."""
    if isinstance(raw, dt.datetime):
        return raw if timezone.is_aware(raw) else raw.replace(tzinfo=TEHRAN)
    error = ApplicationError(msg.START_INVALID, code="start_invalid", fields={"start": [msg.START_INVALID]})
    if raw in (None, ""):
        raise ApplicationError(msg.START_REQUIRED, code="start_required", fields={"start": [msg.START_REQUIRED]})
    if not isinstance(raw, str) or len(raw) > 64:
        raise error
    text = normalize_text(raw)
    year = _YEAR.match(text)
    try:
        if year and int(year.group(1)) < 1700:  # Jalali
            return parse_datetime(text.replace("T", " "))
        parsed = dateparse.parse_datetime(text)
    except (ValidationError, ValueError, OverflowError):
        raise error from None
    if parsed is None:
        raise error
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=TEHRAN)


# --- texts ------------------------------------------------------------------------------------


def when_parts(moment: dt.datetime) -> dict[str, str]:
    """«شنبه», «۱۴۰۵/۰۹/۰۸», «۰۸:۳۰» of an aware datetime, in Tehran."""
    local = moment.astimezone(TEHRAN)
    return {
        "weekday": WEEKDAYS[iran_weekday(local.date())],
        "date": to_jalali(local.date()),
        "time": persian_digits(local.strftime("%H:%M")),
    }


def _tell(key: str, appointment: Appointment, **extra: str) -> None:
    """The SMS ``key`` (``sms.py``) to the appointment's citizen, in the words of its office's
    municipality (given by id: no query), with the appointment's office, service, code and time."""
    values: dict[str, Any] = {
        "office": appointment.office.display_name,
        "service": appointment.service.title,
        "code": appointment.code,
        **when_parts(appointment.start),
        **extra,
    }
    notify(key, to=appointment.citizen, municipality=appointment.office.municipality_id, **values)


def _audit(appointment: Appointment, action: str, actor: Any, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=appointment,
        municipality=appointment.office.municipality,
        data={
            "code": appointment.code,
            "office": appointment.office_id,
            "service": appointment.service.code,
            "start": appointment.start.isoformat(),
            "counter": appointment.counter,
            **data,
        },
    )


# --- booking ----------------------------------------------------------------------------------


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Iranian week (Saturday … Friday) holding ``day``."""
    first = day - dt.timedelta(days=iran_weekday(day))
    return first, first + dt.timedelta(days=6)


def _full() -> ApplicationError:
    return ApplicationError(msg.SLOT_FULL, code="slot_full", status=409)


def _one_per_day() -> ApplicationError:
    return ApplicationError(msg.ONE_PER_DAY, code="one_per_day", status=409)


def _not_sanctioned(office: Office, day: dt.date) -> None:
    """A suspended or revoked licence stops its office's bookings on the days it covers (issue 17)."""
    sanction = office_sanction(office, day)
    if sanction is not None:
        raise ApplicationError(
            sanction.no_booking, code=sanction.code, status=409, fields={"start": [sanction.no_booking]}
        )


def appointment_book(*, office: Office, service: Service, start: dt.datetime, citizen: Any) -> Appointment:
    """Book ``start`` (one of ``day_slots``) of ``service`` at ``office`` for ``citizen`` (the
    logged-in user, who is also the actor). Takes the lowest free counter; 409 when none is."""
    if not getattr(citizen, "is_authenticated", False) or not citizen.is_active:
        raise ApplicationError(msg.CITIZEN_ONLY, code="not_authenticated", status=401)
    if not office.active:
        raise ApplicationError(msg.OFFICE_NOT_FOUND, code="not_found", status=404)
    service = offered_service(office, service.code)
    now = timezone.now()
    start = start.astimezone(TEHRAN)
    day = start.date()
    check_day(day, now)
    _not_sanctioned(office, day)
    slot = next((s for s in day_slots(office, service, day, now=now) if s.start == start), None)
    if slot is None:
        raise ApplicationError(msg.SLOT_UNKNOWN, code="slot_unknown", fields={"start": [msg.SLOT_UNKNOWN]})
    end = slot.end
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=citizen.pk).first()
        first, last = week_bounds(day)
        live = Appointment.objects.filter(citizen=citizen, status=AppointmentStatus.BOOKED)
        if live.filter(office=office, day=day).exists():
            raise _one_per_day()
        if live.filter(day__gte=first, day__lte=last).count() >= settings.APPOINTMENT_WEEKLY_LIMIT:
            message = msg.WEEKLY_LIMIT.format(limit=persian_digits(settings.APPOINTMENT_WEEKLY_LIMIT))
            raise ApplicationError(message, code="weekly_limit", status=409)
        locked = Office.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=office.pk)
        # read again under the lock: a closure or new hours committed since the slots were
        # computed (their reconciliation ran before we got the lock) must not let this in
        hours = day_hours(locked, day).intervals
        _not_sanctioned(locked, day)  # a suspension committed since the first look
        if not locked.active or not any(s <= start and end <= e for s, e in hours):
            raise ApplicationError(msg.SLOT_UNKNOWN, code="slot_unknown", fields={"start": [msg.SLOT_UNKNOWN]})
        busy = busy_counters(day_booked(locked, day), start, end)
        counter = next((c for c in range(1, locked.counters + 1) if c not in busy), None)
        if counter is None:
            raise _full()
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    office=locked,
                    service=service,
                    citizen=citizen,
                    start=start,
                    end=end,
                    day=day,
                    counter=counter,
                    code=_unique_code(),
                    created_at=now,
                )
        except IntegrityError as exc:
            text = str(exc)
            log.info("appointment_refused_by_database: %s", text)
            if "one_per_office_day" in text or "citizen_id" in text:
                raise _one_per_day() from None
            raise _full() from None
        _audit(appointment, "appointment.booked", citizen)
        _tell(sms.BOOKED.key, appointment)
    log.info("appointment_booked code=%s office=%s counter=%s", appointment.code, office.pk, counter)
    return appointment


# --- the lifecycle's guards and effects ---------------------------------------------------------


def _now(data: dict[str, Any]) -> dt.datetime:
    now = data.setdefault("now", timezone.now())
    return now  # type: ignore[no-any-return]


@APPOINTMENT.guard("before_cancel_deadline")
def guard_before_cancel_deadline(appointment: Appointment, actor: Any, data: dict[str, Any]) -> None:
    minutes = settings.APPOINTMENT_CANCEL_BEFORE_MINUTES
    if _now(data) > appointment.start - dt.timedelta(minutes=minutes):
        raise ApplicationError(msg.CANCEL_TOO_LATE.format(minutes=persian_digits(minutes)), code="too_late", status=409)


@APPOINTMENT.guard("its_day_has_come")
def guard_its_day_has_come(appointment: Appointment, actor: Any, data: dict[str, Any]) -> None:
    """«Done» from the appointment's day on (a citizen may be served early that day)."""
    if _now(data).astimezone(TEHRAN).date() < appointment.day:
        raise ApplicationError(msg.DONE_TOO_EARLY, code="too_early", status=409)


@APPOINTMENT.guard("its_start_has_passed")
def guard_its_start_has_passed(appointment: Appointment, actor: Any, data: dict[str, Any]) -> None:
    if _now(data) < appointment.start:
        raise ApplicationError(msg.NO_SHOW_TOO_EARLY, code="too_early", status=409)


@APPOINTMENT.effect("cancelled")
def effect_cancelled(appointment: Appointment, actor: Any, data: dict[str, Any]) -> None:
    appointment.cancelled_at = _now(data)
    appointment.save(update_fields=["status", "cancelled_at"])


@APPOINTMENT.effect("marked")
def effect_marked(appointment: Appointment, actor: Any, data: dict[str, Any]) -> None:
    appointment.marked_by = actor
    appointment.marked_at = _now(data)
    appointment.save(update_fields=["status", "marked_by", "marked_at"])
    if appointment.status == AppointmentStatus.DONE:
        events.emit(AppointmentKept(appointment=appointment, actor=actor))  # e.g. the citizen's feedback link


def actions_available(appointment: Appointment, actor: Any, *, now: dt.datetime | None = None) -> list[str]:
    """The moves ``actor`` may take on ``appointment`` now, their guards included (they read
    only the clock): what the API answers in ``actions`` and the pages offer as buttons."""
    data = {"now": now or timezone.now()}
    out = []
    for chosen in APPOINTMENT.available(appointment, actor, may=policy.may_move):
        try:
            if chosen.guard:
                APPOINTMENT.guards[chosen.guard](appointment, actor, data)
        except ApplicationError:
            continue
        out.append(chosen.action)
    return out


def _take(appointment: Appointment, action: str, actor: Any, now: dt.datetime) -> Move:
    """Take ``action`` on the locked ``appointment`` (the effect saves it)."""
    chosen, _old, _new = APPOINTMENT.take(
        appointment, action, actor=actor, may=policy.may_move, refuse=policy.refuse_move, data={"now": now}
    )
    return chosen


# --- cancelling and marking -------------------------------------------------------------------


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("office__municipality", "service", "citizen")
        .get(pk=appointment.pk)
    )


def appointment_cancel(*, appointment: Appointment, actor: Any) -> Appointment:
    """The citizen cancels their own live appointment (the move ``cancel``), up to
    ``APPOINTMENT_CANCEL_BEFORE_MINUTES`` before its start; the counter is free again at once."""
    if not policy.may_move(actor, APPOINTMENT.moves["cancel"], appointment):
        raise policy.not_found()
    with transaction.atomic():
        appointment = _locked(appointment)
        try:
            _take(appointment, "cancel", actor, timezone.now())
        except ApplicationError as exc:
            if exc.code == APPOINTMENT.illegal_code:  # not booked any more: the cancel's own words
                raise ApplicationError(msg.CANCEL_NOT_BOOKED, code="not_booked", status=409) from None
            raise
        _audit(appointment, "appointment.cancelled", actor)
        _tell(sms.CANCELLED.key, appointment)
    return appointment


def appointment_mark(*, appointment: Appointment, status: str, actor: Any) -> Appointment:
    """Office staff (clerk or manager of the appointment's office) record the outcome, the move
    named by ``status``: ``done`` from the appointment's day on (a citizen may be served early
    that day), ``no_show`` only once the start time has passed. Anyone else: 404 (403 for
    readers of the office, such as the municipality's supervisors), and so is a member of the
    office's staff for an appointment they booked themselves."""
    if not policy.may_mark(actor, appointment):
        raise policy.refuse_marking(actor, appointment)
    if status not in MARKS:
        raise ApplicationError(msg.STATUS_INVALID, code="status_invalid", fields={"status": [msg.STATUS_INVALID]})
    with transaction.atomic():
        appointment = _locked(appointment)
        _take(appointment, status, actor, timezone.now())
        _audit(appointment, f"appointment.{status}", actor)
    return appointment


def appointment_served(*, appointment: Appointment, actor: Any, payment_ref: str) -> None:
    """The office recorded a transaction for this appointment's code (S18, review #13): the move
    ``done``, taken by the clerk or manager who recorded it, in the caller's transaction on the
    row the caller holds locked (the office's lock first, then this row's, the order
    ``appointments_reconcile`` uses). An appointment already done stays as it is (the same code
    served twice). For the services app's ``transaction_record``."""
    if appointment.status not in APPOINTMENT.moves["done"].sources:
        return
    _take(appointment, "done", actor, timezone.now())
    _audit(appointment, "appointment.done", actor, payment_ref=payment_ref)


# --- when the office's hours change under bookings (review #4) ---------------------------------


def _inside(appointment: Appointment, intervals: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(start <= appointment.start and appointment.end <= end for start, end in intervals)


def slot_still_open(appointment: Appointment) -> bool:
    """``[start, end)`` still lies inside one of the office's open intervals of its day."""
    if not appointment.office.active:
        return False
    return _inside(appointment, day_hours(appointment.office, appointment.day).intervals)


def appointments_reconcile(
    *, office: Office, days: list[dt.date] | None = None, actor: Any = None
) -> list[Appointment]:
    """Cancel every live booking of ``office`` that has not started yet (on ``days``, or on any
    day) whose ``[start, end)`` no longer lies inside the office's open intervals
    (``day_hours``: an office closure, new weekly hours, a municipality day off, a withdrawn
    extended day) or whose office is no longer active. Each citizen gets an SMS in Persian
    with the office, the Jalali day and time and the reason; each cancellation is audited
    (``appointment.cancelled_by_office``). Runs under the office row lock, in the caller's
    transaction when there is one, so no booking slips in between."""
    now = timezone.now()
    cancelled: list[Appointment] = []
    with transaction.atomic():
        locked = Office.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=office.pk)
        live = Appointment.objects.filter(office=locked, status=AppointmentStatus.BOOKED, start__gt=now)
        if days is not None:
            live = live.filter(day__in=list(days))
        rows = list(live.select_related("service", "citizen").order_by("start", "pk"))
        weekly = list(locked.weekly_hours.all()) if rows else []
        hours: dict[dt.date, Any] = {}
        for row in rows:
            if locked.active:
                if row.day not in hours:
                    hours[row.day] = day_hours(locked, row.day, weekly=weekly)
                day = hours[row.day]
                if _inside(row, day.intervals):
                    continue
                reason = day.closed_reason or msg.REASON_HOURS_CHANGED
            else:
                reason = msg.REASON_OFFICE_INACTIVE
            row.office = locked
            _take(row, "cancel_by_office", None, now)  # the system's move; the audit names who changed the hours
            _audit(row, "appointment.cancelled_by_office", actor, reason=reason)
            _tell(sms.CANCELLED_BY_OFFICE.key, row, reason=reason)
            cancelled.append(row)
    if cancelled:
        log.info("appointments_cancelled_by_office office=%s count=%s", office.pk, len(cancelled))
    return cancelled


def appointments_reconcile_municipality(*, municipality_id: int, day: dt.date) -> int:
    """``appointments_reconcile`` for ``day`` at every office of the municipality (a day off
    declared, an extended day withdrawn or narrowed); past days are left alone."""
    if day < timezone.localdate():
        return 0
    offices = Office.objects.filter(
        municipality_id=municipality_id,
        appointments__day=day,
        appointments__status=AppointmentStatus.BOOKED,
    ).distinct()
    return sum(len(appointments_reconcile(office=o, days=[day])) for o in offices)


# --- reminders --------------------------------------------------------------------------------


def reminders_send(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """SMS every live appointment of tomorrow (Tehran day) not yet reminded, exactly once.

    Only from ``APPOINTMENT_REMINDER_HOUR`` (Tehran) on the day before: a run after midnight
    sends nothing for the next day (review #10). Appointments booked on/after that hour the day
    before are not reminded: their confirmation SMS has just gone out. An appointment whose slot
    is no longer open (the office closed that day, changed its hours, was deactivated) is never
    reminded — ``appointments_reconcile`` cancels those; this is defence in depth.

    Each appointment is claimed with a conditional update (``reminded_at IS NULL`` → now) in the
    same transaction as its outbox row, and candidate rows are read with ``SKIP LOCKED`` on
    PostgreSQL: two workers running this at once send each reminder once."""
    now = now or timezone.now()
    local = now.astimezone(TEHRAN)
    hour = settings.APPOINTMENT_REMINDER_HOUR
    if local.hour < hour:
        return 0
    cutoff = dt.datetime.combine(local.date(), dt.time(hour), tzinfo=TEHRAN)
    tomorrow = local.date() + dt.timedelta(days=1)
    due = Appointment.objects.filter(
        day=tomorrow, status=AppointmentStatus.BOOKED, reminded_at__isnull=True, created_at__lt=cutoff
    )
    sent = 0
    for pk in list(due.order_by("start", "pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = (
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related("office", "service", "citizen")
                .filter(pk=pk)
                .first()
            )
            if row is None:
                continue
            if not slot_still_open(row):
                log.warning("appointment_reminder_skipped_slot_closed code=%s office=%s", row.code, row.office_id)
                continue
            claimed = Appointment.objects.filter(
                pk=pk, status=AppointmentStatus.BOOKED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            _tell(sms.REMINDER.key, row)
            sent += 1
    if sent:
        log.info("appointment_reminders_sent count=%s", sent)
    return sent
