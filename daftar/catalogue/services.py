"""Writes of the catalogue (S5, P6): each municipality's tariffs. Each function takes the acting
user, checks who may act, writes in one ``transaction.atomic`` block with its audit entry
(``services.<action>``, the codes kept from before the split) and returns the object.
Revisions of a whole table are in ``revisions.py``.

Rules written down here (docs/tariffs.md repeats them with example figures):

* A tariff row takes effect on ``effective_from`` (Tehran calendar day) and stays until the next
  row of the same service (P6). Rows in force are never edited; a future row may be changed or
  deleted (by hand) until its day comes.
* A row set by hand must start after today (today only for a service with no tariff in force
  today) and may not start on or before a scheduled revision's date (its amounts were computed
  from the rows before it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import Municipality

from . import messages as msg
from .inputs import forbidden, invalid, parse_amount, parse_day, today
from .models import RevisionStatus, Service, Tariff, TariffRevision
from .policy import is_tariff_admin
from .tariffs import tariff_in_force


def service_by_code(raw: object) -> Service:
    if isinstance(raw, Service):
        return raw
    code = normalize_text(str(raw or "")).lower()
    if not code:
        raise invalid(msg.SERVICE_REQUIRED, "service", code="required")
    found = Service.objects.filter(code=code[:40], active=True).first()
    if found is None:
        raise invalid(msg.SERVICE_UNKNOWN, "service", code="service_unknown")
    return found


# --- tariffs ---------------------------------------------------------------------------------


def tariff_day_error(municipality_id: int, service_id: int, day: dt.date) -> ApplicationError | None:
    """Why a hand-set row may not start on ``day`` (None when it may; review #1). A row must
    start **after today**: from today, it would change today's tariff after charges were made at
    the old one (and turn them into false overcharges). Today is allowed only when the service
    has no tariff in force today in that municipality (nothing in force is changed)."""
    if day < today():
        return invalid(msg.TARIFF_DATE_PAST, "effective_from", code="date_past")
    if day == today() and tariff_in_force(municipality_id, service_id, day) is not None:
        return invalid(msg.TARIFF_TODAY_IN_FORCE, "effective_from", code="date_not_future")
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
        raise forbidden()
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
        raise forbidden()
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
        raise forbidden()
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
