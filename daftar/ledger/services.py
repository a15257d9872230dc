"""Writes of the offices' books (S18): transactions and daily closings. Each function takes the
acting user, checks who may act (``daftar.offices.policy``), writes in one
``transaction.atomic`` block with its audit entry (``services.<action>``, the codes kept from
before the split) and returns the object.

Rules written down here (docs/tariffs.md repeats them with example figures):

* A transaction snapshots the tariff in force on its Tehran day. An amount above the tariff is
  refused **and** reported to supervision as an ``overcharging`` violation (S18, P5); the report
  is committed in its own transaction so that the refusal does not roll it back.
* A day is closed by the office's **manager** (access.py: the manager runs the day's closing);
  closed days accept no more transactions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from daftar.appointments import policy as appointment_policy
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_served, clean_code
from daftar.audit.models import AuditEntry
from daftar.audit.services import audit_record
from daftar.catalogue.inputs import invalid, parse_amount, parse_day, rials, today
from daftar.catalogue.models import Service, Tariff
from daftar.catalogue.services import service_by_code
from daftar.catalogue.tariffs import tariff_in_force
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_year_month, parse_datetime, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.kernel.validators import normalize_mobile
from daftar.licences.models import Licence
from daftar.licences.sanctions import sanction_on
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.hours import day_hours, interval_text, is_open_at
from daftar.offices.models import Office, OfficeService
from daftar.offices.policy import OfficeAccess, office_access
from daftar.runtime import pagecache
from daftar.supervision.services import outside_hours_detect, violation_record_system

from . import messages as msg
from .events import ServiceRecorded
from .models import DailyClosing, Transaction

PAYMENT_REF = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,63}$")
# a clock skew allowance for "performed in the future"
FUTURE_TOLERANCE = dt.timedelta(minutes=2)


# --- transactions (S18) ----------------------------------------------------------------------


class Recorded(NamedTuple):
    transaction: Transaction
    created: bool  # False: the same payment reference and data were recorded before


def normalize_payment_ref(raw: object) -> str:
    """Persian/Arabic digits → Latin, upper case, spaces and ZWNJ dropped; required."""
    text = re.sub(r"[\s\u200c\u200f\u200e]", "", normalize_text(str(raw if raw is not None else ""))).upper()
    if not text:
        raise invalid(msg.PAYMENT_REF_REQUIRED, "payment_ref", code="required")
    if not PAYMENT_REF.fullmatch(text):
        raise invalid(msg.PAYMENT_REF_INVALID, "payment_ref")
    return text


def _access(office: Office | OfficeAccess, actor: Any) -> OfficeAccess:
    if isinstance(office, OfficeAccess):
        return office
    return office_access(actor, office.pk)


def _citizen_mobile(raw: object) -> str:
    """The walk-in citizen's mobile in its canonical form, or "" when none was given."""
    text = normalize_text(str(raw or "")).strip()
    if not text:
        return ""
    try:
        return normalize_mobile(text)
    except ValidationError as exc:
        message = msg.CITIZEN_MOBILE_INVALID
        raise ApplicationError(message, code="citizen_mobile_invalid", fields={"citizen_mobile": [message]}) from exc


def _performed(raw: object) -> dt.datetime:
    if raw in (None, ""):
        return timezone.now()
    try:
        moment = parse_datetime(raw)
    except ValidationError as exc:
        raise invalid(exc.messages[0], "performed_at", code="datetime_invalid") from None
    if moment > timezone.now() + FUTURE_TOLERANCE:
        raise invalid(msg.PERFORMED_IN_FUTURE, "performed_at", code="performed_in_future")
    return moment


def backdate_days() -> int:
    """How many days before today (Tehran) a transaction may be dated (review #7)."""
    return max(int(getattr(settings, "TRANSACTION_BACKDATE_DAYS", 3)), 0)


def _check_day_open(office: Office, day: dt.date) -> None:
    """Refuse a day too far back (``TRANSACTION_BACKDATE_DAYS``) or on/before the office's last
    closed day (review #7): a closing locks that day and every day before it."""
    limit = backdate_days()
    if day < today() - dt.timedelta(days=limit):
        message = msg.PERFORMED_TOO_OLD.format(days=persian_digits(limit))
        raise invalid(message, "performed_at", code="performed_too_old")
    last = DailyClosing.objects.filter(office=office).order_by("-day").values_list("day", flat=True).first()
    if last is not None and day <= last:
        if DailyClosing.objects.filter(office=office, day=day).exists():
            raise ApplicationError(msg.DAY_CLOSED.format(date=to_jalali(day)), code="day_closed", status=409)
        raise ApplicationError(msg.DAY_BEFORE_LAST_CLOSED.format(date=to_jalali(last)), code="day_closed", status=409)


def _check_not_sanctioned(office: Office, day: dt.date, *, fresh: bool = False) -> None:
    """A suspended or revoked licence stops its office's services on the days it covers (issue
    17): refused with the sanction named. ``fresh`` reads the licence again (under the office
    lock, so a decision committed since the first look counts)."""
    if office.licence_id is None:
        return
    licence = Licence.objects.filter(pk=office.licence_id).first() if fresh else office.licence
    sanction = sanction_on(licence, day)
    if sanction is not None:
        raise ApplicationError(sanction.no_transaction, code=sanction.code, status=409)


def _appointment_code(raw: object) -> str:
    """The code as stored on appointments (``K7QM-3XPA``) or "" when none was given."""
    text = normalize_text(str(raw or "")).strip()
    if not text:
        return ""

    code = clean_code(text)
    if code is None:
        raise invalid(msg.APPOINTMENT_NOT_MATCHING, "appointment_code", code="appointment_invalid")
    return code


def _appointment(office: Office, code: str, day: dt.date, actor: Any, *, lock: bool = False) -> Any:
    """The office's booked or done appointment with that code on ``day`` (review #13); another
    office's code, a made-up one and one's own appointment (nobody serves themselves: the
    appointment's ``done`` move is not theirs) are refused with the same message."""
    rows = Appointment.objects.filter(
        office=office, code=code, day=day, status__in=[AppointmentStatus.BOOKED, AppointmentStatus.DONE]
    )
    found = (rows.select_for_update(of=("self",)) if lock else rows).select_related("service").first()
    if found is None or appointment_policy.is_citizen(actor, found):
        raise invalid(msg.APPOINTMENT_NOT_MATCHING, "appointment_code", code="appointment_invalid")
    return found


def _same(row: Transaction, service: Service, amount: int, code: str, performed: dt.datetime | None) -> bool:
    same = row.service_id == service.pk and row.amount == amount and row.appointment_code == code
    return same and (performed is None or row.performed_at == performed)


def transaction_record(
    *,
    office: Office | OfficeAccess,
    service: Service | str,
    amount: object,
    payment_ref: object,
    performed_at: object = None,
    appointment_code: object = "",
    citizen_mobile: object = "",
    actor: Any,
) -> Recorded:
    """The office's clerk or manager records a service delivered (S18). ``office`` is the Office
    (access is checked here: others get 404, municipality readers 403) or an ``OfficeAccess``
    already obtained. Returns the row and whether it was created now (a repeat with the same
    payment reference and the same data returns the existing row).

    ``performed_at`` may be at most ``TRANSACTION_BACKDATE_DAYS`` days back and after the
    office's last closed day. ``appointment_code``, when given, must be a booked or done
    appointment of this office on the same Tehran day; a booked one is marked done.
    ``citizen_mobile``, optional, is the walk-in citizen's number for the link asking how they
    were served (issue 22 §1): checked here, kept nowhere on the row (``ServiceRecorded``).

    Must not be called inside an outer ``transaction.atomic`` block when the amount may be above
    the tariff: the overcharging report is committed in its own transaction *after* the refusal
    (the API's idempotency wrapper therefore turns that refusal into a response, not an
    exception). It is reported once per payment reference of the office."""
    access = _access(office, actor)
    access.require_staff()
    the_office = access.office
    svc = service_by_code(service)
    value = parse_amount(amount)
    ref = normalize_payment_ref(payment_ref)
    code = _appointment_code(appointment_code)
    mobile = _citizen_mobile(citizen_mobile)
    explicit = performed_at not in (None, "")
    moment = _performed(performed_at)
    day = moment.astimezone(TEHRAN).date()

    existing = Transaction.objects.filter(office=the_office, payment_ref=ref).first()
    if existing is not None:
        return _repeat(existing, svc, value, code, moment if explicit else None)
    _check_not_sanctioned(the_office, day)
    if not OfficeService.objects.filter(office=the_office, service=svc).exists():
        message = msg.SERVICE_NOT_OFFERED.format(service=svc.title)
        raise ApplicationError(message, code="service_not_offered", fields={"service": [message]})
    _check_day_open(the_office, day)
    if code:
        _appointment(the_office, code, day, actor)
    tariff = tariff_in_force(the_office.municipality_id, svc.pk, day)
    if tariff is None:
        message = msg.NO_TARIFF.format(service=svc.title, date=to_jalali(day))
        raise ApplicationError(message, code="no_tariff", status=409, fields={"service": [message]})
    if value > tariff.amount:
        overcharge_report(
            office=the_office, service=svc, amount=value, tariff=tariff, moment=moment, payment_ref=ref, actor=actor
        )
        message = msg.ABOVE_TARIFF.format(amount=rials(value), service=svc.title, tariff=rials(tariff.amount))
        raise ApplicationError(message, code="above_tariff", status=409, fields={"amount": [message]})

    outside = not is_open_at(the_office, moment)
    jyear, jmonth = jalali_year_month(day)
    try:
        with transaction.atomic():
            # the office row serialises recording against the day's closing
            Office.objects.select_for_update().filter(pk=the_office.pk).first()
            _check_day_open(the_office, day)
            _check_not_sanctioned(the_office, day, fresh=True)
            appointment = _appointment(the_office, code, day, actor, lock=True) if code else None
            row = Transaction.objects.create(
                office=the_office,
                municipality_id=the_office.municipality_id,
                district_id=the_office.district_id,
                service=svc,
                tariff=tariff,
                tariff_amount=tariff.amount,
                amount=value,
                payment_ref=ref,
                performed_at=moment,
                day=day,
                jyear=jyear,
                jmonth=jmonth,
                outside_hours=outside,
                appointment_code=code,
                recorded_by=actor,
            )
            audit_record(
                actor=actor,
                action="services.transaction_record",
                obj=row,
                municipality=the_office.municipality,
                data={
                    "office": the_office.pk,
                    "service": svc.code,
                    "amount": value,
                    "tariff": tariff.amount,
                    "payment_ref": ref,
                    "outside_hours": outside,
                    "appointment_code": code,
                },
            )
            if outside:
                _outside_hours_report(the_office, row, svc)
            if appointment is not None:
                # its done move, in this transaction (the office lock first, then this row's)
                appointment_served(appointment=appointment, actor=actor, payment_ref=ref)
            events.emit(ServiceRecorded(transaction=row, citizen_mobile=mobile, appointment=appointment, actor=actor))
    except IntegrityError:
        # a concurrent request with the same payment reference won
        existing = Transaction.objects.filter(office=the_office, payment_ref=ref).first()
        if existing is None:
            raise
        return _repeat(existing, svc, value, code, moment if explicit else None)
    return Recorded(row, True)


def _outside_hours_report(office: Office, row: Transaction, service: Service) -> None:
    """Work outside the approved hours, reported to supervision in the transaction's own
    transaction (S17): the office's first such transaction of its Tehran day records a system
    violation of its licence, the later ones join that violation's evidence
    (``supervision.services.outside_hours_detect``). Nothing when the office has no licence, or
    none under supervision."""
    if office.licence_id is None:
        return
    local = row.performed_at.astimezone(TEHRAN)
    hours = day_hours(office, row.day).intervals
    approved = [[f"{start.astimezone(TEHRAN):%H:%M}", f"{end.astimezone(TEHRAN):%H:%M}"] for start, end in hours]
    shown = " و ".join(interval_text(start, end) for start, end in hours) if hours else msg.NO_HOURS_THAT_DAY
    description = msg.OUTSIDE_HOURS_DESCRIPTION.format(
        office=office.display_name,
        service=service.title,
        time=persian_digits(f"{local:%H:%M}"),
        date=to_jalali(row.day),
        hours=persian_digits(shown),
    )
    outside_hours_detect(
        office.licence,  # type: ignore[arg-type]
        day=row.day,
        observed_at=row.performed_at,
        description=description,
        evidence={
            "kind": "outside_hours",
            "office": {"id": office.pk, "name": office.display_name},
            "day": row.day.isoformat(),
            "hours": approved,
        },
        item={
            "id": row.pk,
            "at": row.performed_at.isoformat(),
            "service": service.code,
            "service_title": service.title,
            "amount": row.amount,
            "payment_ref": row.payment_ref,
        },
    )


def _repeat(existing: Transaction, svc: Service, value: int, code: str, moment: dt.datetime | None) -> Recorded:
    if _same(existing, svc, value, code, moment):
        return Recorded(existing, False)
    raise ApplicationError(
        msg.PAYMENT_REF_USED, code="payment_ref_used", status=409, fields={"payment_ref": [msg.PAYMENT_REF_USED]}
    )


def overcharge_report(
    *,
    office: Office,
    service: Service,
    amount: int,
    tariff: Tariff,
    moment: dt.datetime,
    actor: Any,
    payment_ref: str = "",
) -> bool:
    """Record the refused overcharge for supervision (S18, P5): an ``overcharging`` violation of
    the office's licence (when it has one under supervision) and, always, an audit entry —
    committed on their own, whatever happens to the refused request.

    At most once per (office, payment reference) (review #6): a retried or double-submitted
    request finds the audit entry of the first one, under the office's row lock, and reports
    nothing more. A day closed meanwhile is refused as closed, without a report. Returns whether
    a report was made now."""
    description = (
        f"تلاش برای دریافت {rials(amount)} ریال بابت «{service.title}» در دفتر «{office.display_name}» "
        f"(تعرفهٔ مصوب: {rials(tariff.amount)} ریال)؛ سامانه تراکنش را نپذیرفت."
    )

    day = moment.astimezone(TEHRAN).date()
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        _check_day_open(office, day)
        if (
            payment_ref
            and AuditEntry.objects.filter(
                action="services.overcharge_refused",
                object_type=office._meta.label_lower,
                object_id=str(office.pk),
                data__payment_ref=payment_ref,
            ).exists()
        ):
            return False
        violation = None
        if office.licence_id:
            violation = violation_record_system(
                office.licence,  # type: ignore[arg-type]
                type_code="overcharging",
                description=description,
                observed_at=moment,
                evidence={
                    "kind": "overcharge",
                    "service": service.code,
                    "service_title": service.title,
                    "amount": amount,
                    "tariff": tariff.amount,
                    "payment_ref": payment_ref,
                    "office": {"id": office.pk, "name": office.display_name},
                    "performed_at": moment.isoformat(),
                },
            )
        audit_record(
            actor=actor,
            action="services.overcharge_refused",
            obj=office,
            municipality=office.municipality,
            data={
                "service": service.code,
                "amount": amount,
                "tariff": tariff.amount,
                "payment_ref": payment_ref,
                "violation": violation.pk if violation else None,
                "no_violation_reason": "" if violation else ("no_licence" if not office.licence_id else "not_recorded"),
            },
        )
    return True


# --- daily closing ---------------------------------------------------------------------------


def day_close(*, office: Office | OfficeAccess, day: object, actor: Any) -> DailyClosing:
    """The office's manager closes a day (today or earlier, once): the day's transactions are
    linked to the closing, whose count and total are stored; recording on it is refused after."""
    access = _access(office, actor)
    access.require_staff()
    access.require_manager()
    the_office = access.office
    when = parse_day(day)
    if when > today():
        raise invalid(msg.DAY_FUTURE, "day", code="day_future")
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=the_office.pk).first()
        if DailyClosing.objects.filter(office=the_office, day=when).exists():
            raise ApplicationError(msg.DAY_ALREADY_CLOSED.format(date=to_jalali(when)), code="day_closed", status=409)
        rows = Transaction.objects.filter(office=the_office, day=when, closing__isnull=True)
        totals = rows.aggregate(count=Count("pk"), total=Sum("amount"))
        closing = DailyClosing.objects.create(
            office=the_office,
            day=when,
            count=totals["count"] or 0,
            total=totals["total"] or 0,
            closed_by=actor,
        )
        rows.update(closing=closing)
        pagecache.changed("ledger", office=closing.office_id)  # .update() sends no signal
        audit_record(
            actor=actor,
            action="services.day_close",
            obj=closing,
            municipality=the_office.municipality,
            data={"office": the_office.pk, "day": when.isoformat(), "count": closing.count, "total": closing.total},
        )
    return closing
