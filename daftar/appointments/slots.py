"""Appointment slots of an office (S17 «نوبت‌دهی اینترنتی»).

For one office, one Tehran day and one bookable service the office offers, a slot starts at
each open interval's start (``offices.hours.day_hours``: holidays, Fridays, the municipality's
days off, the office's closures and extended days are handled there) and every
``service.duration_minutes`` after it, as long as start + duration ≤ the interval's end.
Its capacity is ``office.counters``; it is free on a counter that has no live (``booked``)
appointment overlapping ``[start, end)``, whatever service that appointment is for: a
counter is busy whatever it serves. Slots that have begun (start ≤ now) are not offered, and
days outside the booking horizon (``bookable_days``) are refused.

The day's appointments are read with one query, whatever the number of slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from daftar.catalogue.models import Service
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import parse_date
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.hours import DayHours, day_hours
from daftar.offices.models import Office, OfficeService

from . import messages as msg
from .models import Appointment, AppointmentStatus


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    service: str  # the service code
    capacity: int
    free: int
    free_counters: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "service": self.service,
            "capacity": self.capacity,
            "free": self.free,
        }


def tehran_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(TEHRAN).date()


def bookable_days(now: dt.datetime | None = None) -> list[dt.date]:
    """Today and the following days: ``APPOINTMENT_HORIZON_DAYS`` days in all (today included)."""
    today = tehran_today(now)
    return [today + dt.timedelta(days=n) for n in range(max(1, settings.APPOINTMENT_HORIZON_DAYS))]


def horizon_error() -> ApplicationError:
    message = msg.DATE_OUT_OF_RANGE.format(days=persian_digits(settings.APPOINTMENT_HORIZON_DAYS))
    return ApplicationError(message, code="date_out_of_range", fields={"date": [message]})


def check_day(day: dt.date, now: dt.datetime | None = None) -> None:
    days = bookable_days(now)
    if not days[0] <= day <= days[-1]:
        raise horizon_error()


def read_day(raw: object) -> dt.date:
    """A date typed as ISO or Jalali (any digits) → a date, or a 400 in Persian."""
    if raw in (None, ""):
        raise ApplicationError(msg.DATE_REQUIRED, code="date_required", fields={"date": [msg.DATE_REQUIRED]})
    try:
        return parse_date(raw)
    except (ValidationError, OverflowError, ValueError):
        raise ApplicationError(msg.DATE_INVALID, code="date_invalid", fields={"date": [msg.DATE_INVALID]}) from None


def bookable_services(office: Office) -> list[Service]:
    """The office's services that citizens may book, in catalogue order."""
    return [
        row.service
        for row in OfficeService.objects.filter(office=office, service__bookable=True, service__active=True)
        .select_related("service")
        .order_by("service__position", "service__pk")
    ]


def offered_service(office: Office, raw: object) -> Service:
    """The bookable service with code ``raw`` that ``office`` offers, or a 400 in Persian."""
    code = normalize_text(str(raw)) if raw not in (None, "") else ""
    if not code:
        raise ApplicationError(
            msg.SERVICE_REQUIRED, code="service_required", fields={"service": [msg.SERVICE_REQUIRED]}
        )
    found = next((s for s in bookable_services(office) if s.code == code), None)
    if found is None:
        raise ApplicationError(
            msg.SERVICE_NOT_OFFERED, code="service_not_offered", fields={"service": [msg.SERVICE_NOT_OFFERED]}
        )
    return found


def starts(hours: DayHours, minutes: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every ``[start, start + minutes)`` that fits inside one of the day's open intervals."""
    step = dt.timedelta(minutes=minutes)
    out = []
    for begin, finish in hours.intervals:
        at = begin
        while at + step <= finish:
            out.append((at, at + step))
            at += step
    return out


def busy_counters(
    booked: Iterable[tuple[int, dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> set[int]:
    """Counters holding a live appointment that overlaps ``[start, end)``."""
    return {counter for counter, b_start, b_end in booked if b_start < end and start < b_end}


def day_booked(office: Office, day: dt.date) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """The day's live appointments of the office as (counter, start, end): one query."""
    return list(
        Appointment.objects.filter(office=office, day=day, status=AppointmentStatus.BOOKED).values_list(
            "counter", "start", "end"
        )
    )


def day_slots(
    office: Office, service: Service, day: dt.date, *, now: dt.datetime | None = None, hours: DayHours | None = None
) -> list[Slot]:
    """The slots of ``service`` at ``office`` on ``day`` that have not begun by ``now``."""
    now = now or timezone.now()
    hours = hours or day_hours(office, day)
    candidates = [(s, e) for s, e in starts(hours, service.duration_minutes) if s > now]
    if not candidates:
        return []
    booked = day_booked(office, day)
    counters = range(1, office.counters + 1)
    out = []
    for start, end in candidates:
        busy = busy_counters(booked, start, end)
        free = tuple(c for c in counters if c not in busy)
        out.append(Slot(start, end, service.code, office.counters, len(free), free))
    return out
