"""Read queries of appointments. Lists cost a fixed number of queries however many rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from django.db.models import QuerySet
from django.utils import timezone

from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office

from .models import Appointment, AppointmentStatus
from .services import clean_code

PAST_SHOWN = 100  # a citizen's list shows every upcoming appointment and this many past ones


def _rich(qs: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return qs.select_related("office", "service", "citizen")


def my_appointments(citizen: Any, *, now: dt.datetime | None = None) -> list[Appointment]:
    """The citizen's appointments: live upcoming ones first (soonest first), then the rest
    (cancelled, marked or past), latest first."""
    if not getattr(citizen, "is_authenticated", False):
        return []
    now = now or timezone.now()
    mine = _rich(Appointment.objects.filter(citizen=citizen))
    upcoming = mine.filter(status=AppointmentStatus.BOOKED, end__gt=now).order_by("start", "pk")
    rest = mine.exclude(pk__in=upcoming.values("pk")).order_by("-start", "-pk")[:PAST_SHOWN]
    return [*upcoming, *rest]


def own_appointment(citizen: Any, raw_code: object) -> Appointment | None:
    """The citizen's appointment with this code; ``None`` for a missing one and for someone
    else's alike (the callers answer both with the same 404)."""
    code = clean_code(raw_code)
    if code is None or not getattr(citizen, "is_authenticated", False):
        return None
    return _rich(Appointment.objects.filter(code=code, citizen=citizen)).first()


def appointment_by_code(raw_code: object) -> Appointment | None:
    code = clean_code(raw_code)
    if code is None:
        return None
    return _rich(Appointment.objects.filter(code=code)).first()


def office_day(office: Office, day: dt.date) -> list[Appointment]:
    """An office's appointments of one Tehran day, every status, by start and counter. Each row
    holds ``office`` itself, so that what the caller may do at the office is asked once
    (``policy``) however many rows there are."""
    rows = list(
        Appointment.objects.filter(office=office, day=day)
        .select_related("service", "citizen")
        .order_by("start", "counter", "pk")
    )
    for row in rows:
        row.office = office
    return rows


def start_jalali(moment: dt.datetime) -> str:
    """``1405/09/08 08:30`` (Latin digits, Tehran time): the ``_jalali`` twin of an API time."""
    local = moment.astimezone(TEHRAN)
    return jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M")


def bookings_cancelled_since(licence: Any, since: dt.datetime) -> int:
    """How many bookings of ``licence``'s office were cancelled from ``since`` on: after a
    sanction, what it really cancelled (a booking made or cancelled between the confirmation
    and the act changes the count the confirmation gave)."""
    return Appointment.objects.filter(
        office__licence=licence, status=AppointmentStatus.CANCELLED, cancelled_at__gte=since
    ).count()


def bookings_a_sanction_cancels(
    licence: Any, *, since: dt.date, until: dt.date | None, now: dt.datetime | None = None
) -> int:
    """How many live bookings of ``licence``'s office a sanction from ``since`` to ``until``
    (inclusive; ``None``: for good, a revocation) would cancel: those ``appointments_reconcile``
    cancels when ``LicenceSanctioned`` arrives (``handlers.sanctioned``): booked, not started
    yet, on a day the sanction covers. Asked before the sanction is taken, to say what it will do."""
    now = now or timezone.now()
    rows = Appointment.objects.filter(
        office__licence=licence, status=AppointmentStatus.BOOKED, start__gt=now, day__gte=since
    )
    if until is not None:
        rows = rows.filter(day__lte=until)
    return rows.count()
