"""Writes of the services app (S5, S18, P6): tariffs, tariff revisions, transactions and daily
closings. Each function takes the acting user, checks who may act, writes in one
``transaction.atomic`` block with its audit entry (``services.<action>``) and returns the object.

Rules written down here (docs/tariffs.md repeats them with example figures):

* A tariff row takes effect on ``effective_from`` (Tehran calendar day) and stays until the next
  row of the same service (P6). Rows in force are never edited; a future row may be changed or
  deleted (by hand) until its day comes.
* A revision multiplies every service's amount in force the day before its date by
  ``1 + percent/100`` and rounds to the nearest multiple of ``rounding_step``, **halves up**
  (``round_to_step``), never below one step.
* A transaction snapshots the tariff in force on its Tehran day. An amount above the tariff is
  refused **and** reported to supervision as an ``overcharging`` violation (S18, P5); the report
  is committed in its own transaction so that the refusal does not roll it back.
* A day is closed by the office's **manager** (access.py: the manager runs the day's closing);
  closed days accept no more transactions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.scoping import has_role
from daftar.audit.services import audit_record
from daftar.catalogue.models import RevisionStatus, Service, Tariff, TariffRevision
from daftar.core.errors import ApplicationError
from daftar.core.jalali import jalali_year_month, parse_date, parse_datetime, to_jalali
from daftar.core.normalize import normalize_text, persian_digits
from daftar.ledger.models import DailyClosing, Transaction
from daftar.municipalities.models import Municipality
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.access import OfficeAccess, office_access
from daftar.offices.hours import is_open_at
from daftar.offices.models import Office, OfficeService

from . import messages as msg
from .tariffs import tariff_in_force, tariff_table

# A sane ceiling for one service's tariff (example figure: ten billion rials); a setting may
# lower or raise it.
MAX_AMOUNT = 10_000_000_000
MAX_STEP = 100_000_000
PERCENT_MIN, PERCENT_MAX = Decimal(-50), Decimal(200)
PAYMENT_REF = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,63}$")
# a clock skew allowance for "performed in the future"
FUTURE_TOLERANCE = dt.timedelta(minutes=2)


def max_amount() -> int:
    return int(getattr(settings, "TARIFF_MAX_AMOUNT", MAX_AMOUNT))


def default_step() -> int:
    return int(getattr(settings, "TARIFF_ROUNDING_STEP", 10_000))


def today() -> dt.date:
    """Today in Tehran."""
    return timezone.now().astimezone(TEHRAN).date()


def rials(value: int) -> str:
    """``1234500`` → ``۱٬۲۳۴٬۵۰۰`` (Persian digits, Persian thousands separator)."""
    return persian_digits(f"{int(value):,}".replace(",", "٬"))


# --- input parsing (shared by forms and the API) ----------------------------------------------


def parse_amount(raw: object, *, field_name: str = "amount") -> int:
    """A positive integer number of rials typed by a person: any digits, thousands separators
    (``,`` ``٬`` ``،`` and spaces) allowed; decimals, signs and words refused."""
    if isinstance(raw, bool):
        raise _invalid(msg.AMOUNT_INVALID, field_name)
    if isinstance(raw, int):
        value = raw
    else:
        text = normalize_text(str(raw if raw is not None else ""))
        text = re.sub(r"[,\u066c\u060c\s\u200c]", "", text)
        if not re.fullmatch(r"[0-9]{1,20}", text):
            raise _invalid(msg.AMOUNT_INVALID, field_name)
        value = int(text)
    if value <= 0:
        raise _invalid(msg.AMOUNT_INVALID, field_name)
    if value > max_amount():
        raise _invalid(msg.AMOUNT_TOO_LARGE.format(limit=rials(max_amount())), field_name, code="amount_too_large")
    return value


def parse_percent(raw: object) -> Decimal:
    """``15``, ``۱۵``, ``+15``, ``-10``, ``12.5``, ``۱۲٫۵`` → Decimal within −50..+200."""
    text = normalize_text(str(raw if raw is not None else "")).replace("٫", ".").replace("%", "").replace("٪", "")
    if not re.fullmatch(r"[+-]?[0-9]{1,3}(\.[0-9]{1,2})?", text.strip()):
        raise _invalid(msg.PERCENT_INVALID, "percent")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise _invalid(msg.PERCENT_INVALID, "percent") from None
    if not PERCENT_MIN <= value <= PERCENT_MAX:
        raise _invalid(msg.PERCENT_INVALID, "percent")
    return value


def parse_step(raw: object) -> int:
    message = msg.STEP_INVALID.format(limit=rials(MAX_STEP))
    if isinstance(raw, bool):
        raise _invalid(message, "rounding_step")
    text = re.sub(r"[,\u066c\s]", "", normalize_text(str(raw if raw is not None else "")))
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise _invalid(message, "rounding_step")
    value = int(text)
    if not 1 <= value <= MAX_STEP:
        raise _invalid(message, "rounding_step")
    return value


def parse_day(raw: object, *, field_name: str = "day") -> dt.date:
    if raw in (None, ""):
        raise _invalid(msg.DAY_REQUIRED, field_name, code="required")
    try:
        return parse_date(raw)
    except ValidationError as exc:
        raise _invalid(exc.messages[0], field_name, code="date_invalid") from None


def _invalid(message: str, field_name: str, *, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field_name: [message]})


def _forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def service_by_code(raw: object) -> Service:
    if isinstance(raw, Service):
        return raw
    code = normalize_text(str(raw or "")).lower()
    if not code:
        raise _invalid(msg.SERVICE_REQUIRED, "service", code="required")
    found = Service.objects.filter(code=code[:40], active=True).first()
    if found is None:
        raise _invalid(msg.SERVICE_UNKNOWN, "service", code="service_unknown")
    return found


def is_tariff_admin(actor: Any, municipality: Municipality | int) -> bool:
    """The municipality administrator sets tariffs (DOMAIN «Roles»); a superuser may too."""
    mid = municipality if isinstance(municipality, int) else municipality.pk
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(actor.is_superuser or has_role(actor, Role.MUNICIPALITY_ADMIN, mid))


# --- tariffs ---------------------------------------------------------------------------------


def tariff_day_error(municipality_id: int, service_id: int, day: dt.date) -> ApplicationError | None:
    """Why a hand-set row may not start on ``day`` (None when it may; review #1). A row must
    start **after today**: from today, it would change today's tariff after charges were made at
    the old one (and turn them into false overcharges). Today is allowed only when the service
    has no tariff in force today in that municipality (nothing in force is changed)."""
    if day < today():
        return _invalid(msg.TARIFF_DATE_PAST, "effective_from", code="date_past")
    if day == today() and tariff_in_force(municipality_id, service_id, day) is not None:
        return _invalid(msg.TARIFF_TODAY_IN_FORCE, "effective_from", code="date_not_future")
    return None


def revision_after(municipality_id: int, day: dt.date) -> TariffRevision | None:
    """The first scheduled revision taking effect on or after ``day`` (review #2): its amounts
    were computed from the tariffs in force the day before its date, so a hand-set row on or
    before that date would leave them computed from a stale base."""
    return (
        TariffRevision.objects.filter(
            municipality_id=municipality_id, status=RevisionStatus.SCHEDULED, effective_from__gte=day
        )
        .order_by("effective_from", "pk")
        .first()
    )


def revision_error(municipality_id: int, day: dt.date) -> ApplicationError | None:
    revision = revision_after(municipality_id, day)
    if revision is None:
        return None
    message = msg.TARIFF_BEFORE_REVISION.format(date=to_jalali(revision.effective_from))
    return ApplicationError(message, code="revision_scheduled", status=409, fields={"effective_from": [message]})


def _check_tariff_day(municipality_id: int, service_id: int, day: dt.date) -> None:
    """Call under the municipality's row lock (revision_schedule takes it too)."""
    error = tariff_day_error(municipality_id, service_id, day)
    if error is not None:
        raise error


def tariff_conflict(municipality_id: int, service_id: int, day: dt.date, *, exclude_pk: int | None = None) -> str:
    """Why a hand-set row may not be put on ``day`` ("" when it may): a scheduled revision's
    row is there, or a row already in force. (A future hand-set row there is replaced; a
    cancelled revision's row gives way.)"""
    rows = Tariff.objects.select_related("revision").filter(
        municipality_id=municipality_id, service_id=service_id, effective_from=day
    )
    existing = (rows.exclude(pk=exclude_pk) if exclude_pk is not None else rows).first()
    if existing is None:
        return ""
    if existing.revision_id and existing.revision.status == RevisionStatus.SCHEDULED:  # type: ignore[union-attr]
        return msg.TARIFF_DAY_TAKEN_BY_REVISION
    if not existing.revision_id and (existing.effective_from <= today() or exclude_pk is not None):
        return msg.TARIFF_IN_FORCE_LOCKED if existing.effective_from <= today() else msg.TARIFF_DAY_TAKEN
    return ""


def _refuse_conflict(municipality_id: int, service_id: int, day: dt.date, *, exclude_pk: int | None = None) -> None:
    reason = tariff_conflict(municipality_id, service_id, day, exclude_pk=exclude_pk)
    if reason:
        raise ApplicationError(reason, code="tariff_day_taken", status=409, fields={"effective_from": [reason]})


def _refuse_before_revision(municipality_id: int, day: dt.date) -> None:
    error = revision_error(municipality_id, day)
    if error is not None:
        raise error


def tariff_set(
    *, municipality: Municipality, service: Service, amount: object, effective_from: object, actor: Any
) -> Tariff:
    """Set one service's tariff from a day after today (today only for a service with no tariff
    in force today). A hand-set row already on that day (not yet in force) is replaced; a
    scheduled revision on that day or later refuses it (cancel the revision first); a cancelled
    revision's row on that day gives way."""
    if not is_tariff_admin(actor, municipality):
        raise _forbidden()
    value = parse_amount(amount)
    day = parse_day(effective_from, field_name="effective_from")
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        _check_tariff_day(municipality.pk, service.pk, day)
        _refuse_conflict(municipality.pk, service.pk, day)
        _refuse_before_revision(municipality.pk, day)
        existing = Tariff.objects.filter(municipality=municipality, service=service, effective_from=day).first()
        previous = existing.amount if existing else None
        if existing is not None:
            existing.delete()  # a future hand-set row, or a cancelled revision's row
        tariff = Tariff.objects.create(
            municipality=municipality,
            service=service,
            amount=value,
            effective_from=day,
            created_by=actor if actor.is_authenticated else None,
        )
        audit_record(
            actor=actor,
            action="services.tariff_set",
            obj=tariff,
            municipality=municipality,
            data={"service": service.code, "amount": value, "effective_from": day.isoformat(), "replaced": previous},
        )
    return tariff


def _editable(tariff: Tariff) -> None:
    if tariff.revision_id:
        raise ApplicationError(msg.TARIFF_OF_REVISION, code="tariff_of_revision", status=409)
    if tariff.effective_from <= today():
        raise ApplicationError(msg.TARIFF_IN_FORCE_LOCKED, code="tariff_in_force", status=409)


def tariff_update(*, tariff: Tariff, amount: object, effective_from: object, actor: Any) -> Tariff:
    """Change a future hand-set row (amount and/or day)."""
    if not is_tariff_admin(actor, tariff.municipality_id):
        raise _forbidden()
    _editable(tariff)
    value = parse_amount(amount)
    day = parse_day(effective_from, field_name="effective_from")
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=tariff.municipality_id).first()
        _check_tariff_day(tariff.municipality_id, tariff.service_id, day)
        _refuse_conflict(tariff.municipality_id, tariff.service_id, day, exclude_pk=tariff.pk)
        _refuse_before_revision(tariff.municipality_id, day)
        Tariff.objects.filter(
            municipality_id=tariff.municipality_id, service_id=tariff.service_id, effective_from=day
        ).exclude(pk=tariff.pk).delete()  # only a cancelled revision's row can be left there
        before = {"amount": tariff.amount, "effective_from": tariff.effective_from.isoformat()}
        tariff.amount, tariff.effective_from = value, day
        tariff.save(update_fields=["amount", "effective_from"])
        audit_record(
            actor=actor,
            action="services.tariff_update",
            obj=tariff,
            municipality=Municipality.objects.get(pk=tariff.municipality_id),
            data={"before": before, "amount": value, "effective_from": day.isoformat()},
        )
    return tariff


def tariff_delete(*, tariff: Tariff, actor: Any) -> None:
    """Delete a future hand-set row."""
    if not is_tariff_admin(actor, tariff.municipality_id):
        raise _forbidden()
    _editable(tariff)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="services.tariff_delete",
            obj=tariff,
            municipality=Municipality.objects.get(pk=tariff.municipality_id),
            data={"amount": tariff.amount, "effective_from": tariff.effective_from.isoformat()},
        )
        tariff.delete()


# --- revisions (P6) --------------------------------------------------------------------------


def round_to_step(value: Decimal, step: int) -> int:
    """The nearest multiple of ``step``, halves up (1_150_000 at step 100_000 → 1_200_000;
    1_149_999 → 1_100_000); never below one step (a tariff is > 0)."""
    steps = (value / Decimal(step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(int(steps) * step, step)


@dataclass
class RevisionLine:
    service: Service
    current: Tariff | None
    new_amount: int | None = None
    skipped: str = ""  # why the service is left out (Persian), empty when it is revised

    @property
    def current_amount(self) -> int | None:
        return self.current.amount if self.current else None

    @property
    def difference(self) -> int | None:
        if self.new_amount is None or self.current is None:
            return None
        return self.new_amount - self.current.amount


@dataclass
class RevisionPreview:
    municipality: Municipality
    percent: Decimal
    rounding_step: int
    effective_from: dt.date
    lines: list[RevisionLine] = field(default_factory=list)

    @property
    def revised(self) -> list[RevisionLine]:
        return [line for line in self.lines if not line.skipped]

    @property
    def skipped(self) -> list[RevisionLine]:
        return [line for line in self.lines if line.skipped]


def _revision_inputs(percent: object, rounding_step: object, effective_from: object) -> tuple[Decimal, int, dt.date]:
    pct = parse_percent(percent)
    step = parse_step(rounding_step if rounding_step not in (None, "") else default_step())
    day = parse_day(effective_from, field_name="effective_from")
    if day <= today():
        raise _invalid(msg.REVISION_DATE_NOT_FUTURE, "effective_from", code="date_not_future")
    return pct, step, day


def revision_preview(
    municipality: Municipality, percent: object, rounding_step: object, effective_from: object
) -> RevisionPreview:
    """What a revision would do (reads only): per active service, the amount in force the day
    before ``effective_from``, the new amount and the difference; services without a current
    tariff, or with a hand-set row on that very day, are listed as skipped."""
    pct, step, day = _revision_inputs(percent, rounding_step, effective_from)
    preview = RevisionPreview(municipality, pct, step, day)
    factor = 1 + pct / Decimal(100)
    on_day = set(
        Tariff.objects.filter(municipality=municipality, effective_from=day)
        .exclude(revision__status=RevisionStatus.CANCELLED)
        .values_list("service_id", flat=True)
    )
    for line in tariff_table(municipality.pk, day - dt.timedelta(days=1)):
        row = RevisionLine(line.service, line.tariff)
        if line.tariff is None:
            row.skipped = msg.SKIP_NO_TARIFF
        elif line.service.pk in on_day:
            row.skipped = msg.SKIP_SET_BY_HAND
        else:
            row.new_amount = round_to_step(Decimal(line.tariff.amount) * factor, step)
            if row.new_amount > max_amount():
                message = msg.REVISION_TOO_LARGE.format(service=line.service.title, limit=rials(max_amount()))
                raise _invalid(message, "percent", code="amount_too_large")
        preview.lines.append(row)
    return preview


def revision_schedule(
    *,
    municipality: Municipality,
    percent: object,
    rounding_step: object,
    effective_from: object,
    actor: Any,
    resolution: str = "",
) -> TariffRevision:
    """Schedule a revision: the ``TariffRevision`` and one ``Tariff`` row per revised service,
    effective from its date (refused: a date not after today, a percent outside −50..+200, a
    step below 1, a second scheduled revision on the same day). The preview is recomputed here,
    under the municipality's row lock, so what is stored is what the rules give now."""
    if not is_tariff_admin(actor, municipality):
        raise _forbidden()
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        preview = revision_preview(municipality, percent, rounding_step, effective_from)
        day = preview.effective_from
        if TariffRevision.objects.filter(
            municipality=municipality, effective_from=day, status=RevisionStatus.SCHEDULED
        ).exists():
            raise ApplicationError(msg.REVISION_SAME_DAY, code="revision_same_day", status=409)
        if not preview.revised:
            raise ApplicationError(msg.REVISION_NOTHING, code="revision_empty")
        # rows of an earlier, cancelled revision on the same day give way (the unique day)
        Tariff.objects.filter(
            municipality=municipality, effective_from=day, revision__status=RevisionStatus.CANCELLED
        ).delete()
        user = actor if actor.is_authenticated else None
        revision = TariffRevision.objects.create(
            municipality=municipality,
            percent=preview.percent,
            rounding_step=preview.rounding_step,
            effective_from=day,
            resolution=normalize_text(str(resolution or ""))[:100],
            created_by=user,
        )
        Tariff.objects.bulk_create(
            Tariff(
                municipality=municipality,
                service=line.service,
                amount=line.new_amount or 0,  # revised lines always have one
                effective_from=day,
                revision=revision,
                created_by=user,
            )
            for line in preview.revised
        )
        audit_record(
            actor=actor,
            action="services.revision_schedule",
            obj=revision,
            municipality=municipality,
            data={
                "percent": str(preview.percent),
                "rounding_step": preview.rounding_step,
                "effective_from": day.isoformat(),
                "lines": [
                    {"service": li.service.code, "old": li.current_amount, "new": li.new_amount}
                    for li in preview.revised
                ],
                "skipped": [li.service.code for li in preview.skipped],
            },
        )
    return revision


def revision_cancel(*, revision: TariffRevision, actor: Any) -> TariffRevision:
    """Cancel a scheduled revision before its day; its rows stop counting (tariffs.py)."""
    if not is_tariff_admin(actor, revision.municipality_id):
        raise _forbidden()
    with transaction.atomic():
        locked = TariffRevision.objects.select_for_update().select_related("municipality").get(pk=revision.pk)
        if locked.status != RevisionStatus.SCHEDULED or locked.effective_from <= today():
            raise ApplicationError(msg.REVISION_NOT_CANCELLABLE, code="illegal_state", status=409)
        locked.status = RevisionStatus.CANCELLED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="services.revision_cancel",
            obj=locked,
            municipality=locked.municipality,
            data={"percent": str(locked.percent), "effective_from": locked.effective_from.isoformat()},
        )
    return locked


# --- transactions (S18) ----------------------------------------------------------------------


class Recorded(NamedTuple):
    transaction: Transaction
    created: bool  # False: the same payment reference and data were recorded before


def normalize_payment_ref(raw: object) -> str:
    """Persian/Arabic digits → Latin, upper case, spaces and ZWNJ dropped; required."""
    text = re.sub(r"[\s\u200c\u200f\u200e]", "", normalize_text(str(raw if raw is not None else ""))).upper()
    if not text:
        raise _invalid(msg.PAYMENT_REF_REQUIRED, "payment_ref", code="required")
    if not PAYMENT_REF.fullmatch(text):
        raise _invalid(msg.PAYMENT_REF_INVALID, "payment_ref")
    return text


def _access(office: Office | OfficeAccess, actor: Any) -> OfficeAccess:
    if isinstance(office, OfficeAccess):
        return office
    return office_access(actor, office.pk)


def _performed(raw: object) -> dt.datetime:
    if raw in (None, ""):
        return timezone.now()
    try:
        moment = parse_datetime(raw)
    except ValidationError as exc:
        raise _invalid(exc.messages[0], "performed_at", code="datetime_invalid") from None
    if moment > timezone.now() + FUTURE_TOLERANCE:
        raise _invalid(msg.PERFORMED_IN_FUTURE, "performed_at", code="performed_in_future")
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
        raise _invalid(message, "performed_at", code="performed_too_old")
    last = DailyClosing.objects.filter(office=office).order_by("-day").values_list("day", flat=True).first()
    if last is not None and day <= last:
        if DailyClosing.objects.filter(office=office, day=day).exists():
            raise ApplicationError(msg.DAY_CLOSED.format(date=to_jalali(day)), code="day_closed", status=409)
        raise ApplicationError(msg.DAY_BEFORE_LAST_CLOSED.format(date=to_jalali(last)), code="day_closed", status=409)


def _appointment_code(raw: object) -> str:
    """The code as stored on appointments (``K7QM-3XPA``) or "" when none was given."""
    text = normalize_text(str(raw or "")).strip()
    if not text:
        return ""
    from daftar.appointments.services import clean_code

    code = clean_code(text)
    if code is None:
        raise _invalid(msg.APPOINTMENT_NOT_MATCHING, "appointment_code", code="appointment_invalid")
    return code


def _appointment(office: Office, code: str, day: dt.date, *, lock: bool = False) -> Any:
    """The office's booked or done appointment with that code on ``day`` (review #13); another
    office's code and a made-up one are refused with the same message."""
    from daftar.appointments.models import Appointment, AppointmentStatus

    rows = Appointment.objects.filter(
        office=office, code=code, day=day, status__in=[AppointmentStatus.BOOKED, AppointmentStatus.DONE]
    )
    found = (rows.select_for_update(of=("self",)) if lock else rows).select_related("service").first()
    if found is None:
        raise _invalid(msg.APPOINTMENT_NOT_MATCHING, "appointment_code", code="appointment_invalid")
    return found


def _appointment_done(appointment: Any, office: Office, actor: Any, ref: str) -> None:
    """Mark a booked appointment done with the transaction that served it (same transaction;
    the caller holds the office lock, then this row's: the order appointments' reconcile uses)."""
    from daftar.appointments.models import AppointmentStatus

    if appointment.status != AppointmentStatus.BOOKED:
        return
    appointment.status = AppointmentStatus.DONE
    appointment.marked_by = actor
    appointment.marked_at = timezone.now()
    appointment.save(update_fields=["status", "marked_by", "marked_at"])
    audit_record(
        actor=actor,
        action="appointment.done",
        obj=appointment,
        municipality=office.municipality,
        data={
            "code": appointment.code,
            "office": office.pk,
            "service": appointment.service.code,
            "start": appointment.start.isoformat(),
            "counter": appointment.counter,
            "payment_ref": ref,
        },
    )


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
    actor: Any,
) -> Recorded:
    """The office's clerk or manager records a service delivered (S18). ``office`` is the Office
    (access is checked here: others get 404, municipality readers 403) or an ``OfficeAccess``
    already obtained. Returns the row and whether it was created now (a repeat with the same
    payment reference and the same data returns the existing row).

    ``performed_at`` may be at most ``TRANSACTION_BACKDATE_DAYS`` days back and after the
    office's last closed day. ``appointment_code``, when given, must be a booked or done
    appointment of this office on the same Tehran day; a booked one is marked done.

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
    explicit = performed_at not in (None, "")
    moment = _performed(performed_at)
    day = moment.astimezone(TEHRAN).date()

    existing = Transaction.objects.filter(office=the_office, payment_ref=ref).first()
    if existing is not None:
        return _repeat(existing, svc, value, code, moment if explicit else None)
    if not OfficeService.objects.filter(office=the_office, service=svc).exists():
        message = msg.SERVICE_NOT_OFFERED.format(service=svc.title)
        raise ApplicationError(message, code="service_not_offered", fields={"service": [message]})
    _check_day_open(the_office, day)
    if code:
        _appointment(the_office, code, day)
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
            appointment = _appointment(the_office, code, day, lock=True) if code else None
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
            if appointment is not None:
                _appointment_done(appointment, the_office, actor, ref)
    except IntegrityError:
        # a concurrent request with the same payment reference won
        existing = Transaction.objects.filter(office=the_office, payment_ref=ref).first()
        if existing is None:
            raise
        return _repeat(existing, svc, value, code, moment if explicit else None)
    return Recorded(row, True)


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
        f"تلاش برای دریافت {rials(amount)} ریال بابت «{service.title}» در دفتر «{office.name}» "
        f"(تعرفهٔ مصوب: {rials(tariff.amount)} ریال)؛ سامانه تراکنش را نپذیرفت."
    )
    from daftar.audit.models import AuditEntry
    from daftar.supervision.services import violation_record_system

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
        raise _invalid(msg.DAY_FUTURE, "day", code="day_future")
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
        audit_record(
            actor=actor,
            action="services.day_close",
            obj=closing,
            municipality=the_office.municipality,
            data={"office": the_office.pk, "day": when.isoformat(), "count": closing.count, "total": closing.total},
        )
    return closing
