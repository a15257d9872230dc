"""Reads of the hall queue (issue 22 §3): the live queue of an office in the order it will be
called, each ticket's position and estimated wait, the measured service times, and the
statistics of a day or a period.

**The order** (``arrange``): tickets with priority (elderly, disabled) first, by number; then the
office's rule (``MixRule``) for the rest:
- ``appointments_first``: an arrived appointment goes before the walk-ins once its start is at
  most ``HALL_APPOINTMENT_EARLY_MINUTES`` away (by start); one that arrived earlier waits its turn
  by arrival, like a walk-in;
- ``alternate``: one arrived appointment after every ``walkins_per_appointment`` walk-ins
  (counting those already called today since the last appointment);
- ``arrival``: by arrival only.

**The estimated wait** of a place is the service time of everyone ahead of it, divided by the
counters working now (those that called someone in the last hour; all the office's counters
before the first call). A service's time is its average at this office over the last
``HALL_MEASURE_DAYS`` days (called → marked done) once it has ``MIN_SAMPLES`` tickets, else the
office's average over all services, else the catalogue's duration for the service.

A queue, a finder page of offices and a day's statistics each cost a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F
from django.utils import timezone

from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office

from .config import config_for
from .models import Channel, MixRule, Ticket, TicketStatus

WALKIN_CHANNELS = (Channel.CLERK, Channel.KIOSK)
MIN_SAMPLES = 3
WORKING_WINDOW = dt.timedelta(hours=1)
NEXT_SHOWN = 6  # numbers the hall display lists as coming next


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(TEHRAN).date()


# --- the order --------------------------------------------------------------------------------


def _due(ticket: Ticket, now: dt.datetime) -> bool:
    early = dt.timedelta(minutes=settings.HALL_APPOINTMENT_EARLY_MINUTES)
    return ticket.appointment is not None and ticket.appointment.start - early <= now


def _start(ticket: Ticket) -> tuple[dt.datetime, int]:
    appointment = ticket.appointment
    assert appointment is not None
    return appointment.start, ticket.number


def arrange(
    waiting: Sequence[Ticket], *, rule: str, ratio: int, since_appointment: int, now: dt.datetime
) -> list[Ticket]:
    """``waiting`` in the order the counters will call it (see the module docstring)."""
    by_number = sorted(waiting, key=lambda t: t.number)
    first = [t for t in by_number if t.priority]
    rest = [t for t in by_number if not t.priority]
    if rule == MixRule.ARRIVAL:
        return first + rest
    if rule == MixRule.ALTERNATE:
        booked = sorted((t for t in rest if t.appointment_id), key=_start)
        walkins = [t for t in rest if not t.appointment_id]
        out: list[Ticket] = []
        count = since_appointment
        while booked or walkins:
            if booked and (count >= ratio or not walkins):
                out.append(booked.pop(0))
                count = 0
            else:
                out.append(walkins.pop(0))
                count += 1
        return first + out
    due = sorted((t for t in rest if _due(t, now)), key=_start)
    return first + due + [t for t in rest if not _due(t, now)]


# --- service times ----------------------------------------------------------------------------


def _service_span() -> ExpressionWrapper:
    return ExpressionWrapper(F("finished_at") - F("called_at"), output_field=DurationField())


def _minutes(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 60
    return float(value) / 60_000_000  # microseconds, where the database answers a number


@dataclass
class ServiceTimes:
    """Measured minutes per (office, service) and per office, for the offices asked about."""

    by_service: dict[tuple[int, int], float] = field(default_factory=dict)
    by_office: dict[int, float] = field(default_factory=dict)

    def of(self, ticket: Ticket) -> float:
        found = self.by_service.get((ticket.office_id, ticket.service_id))
        if found is None:
            found = self.by_office.get(ticket.office_id)
        if found is None:
            found = float(ticket.service.duration_minutes or 10)
        return found


def service_times(office_ids: Iterable[int], now: dt.datetime) -> ServiceTimes:
    """The offices' measured service times (one query)."""
    since = _today(now) - dt.timedelta(days=settings.HALL_MEASURE_DAYS)
    rows = (
        Ticket.objects.filter(
            office_id__in=list(office_ids),
            status=TicketStatus.DONE,
            day__gte=since,
            called_at__isnull=False,
            finished_at__isnull=False,
        )
        .values("office_id", "service_id")
        .annotate(n=Count("pk"), avg=Avg(_service_span()))
    )
    out = ServiceTimes()
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        minutes = max(0.5, _minutes(row["avg"]))
        if row["n"] >= MIN_SAMPLES:
            out.by_service[(row["office_id"], row["service_id"])] = minutes
        totals[row["office_id"]][0] += minutes * row["n"]
        totals[row["office_id"]][1] += row["n"]
    for office_id, (weighted, count) in totals.items():
        if count >= MIN_SAMPLES:
            out.by_office[office_id] = weighted / count
    return out


def working_counters(offices: Sequence[Office], now: dt.datetime) -> dict[int, int]:
    """Counters that called someone in the last hour, per office (one query); before any call,
    all of the office's counters."""
    seen: dict[int, set[int]] = defaultdict(set)
    rows = Ticket.objects.filter(
        office_id__in=[o.pk for o in offices],
        day=_today(now),
        called_at__gte=now - WORKING_WINDOW,
        counter__isnull=False,
    ).values_list("office_id", "counter")
    for office_id, counter in rows:
        if counter is not None:
            seen[office_id].add(counter)
    return {o.pk: max(1, min(o.counters, len(seen[o.pk]) or o.counters)) for o in offices}


# --- one office's queue -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    ticket: Ticket
    position: int  # 1: the next to be called
    wait_minutes: int


@dataclass
class QueueState:
    office: Office
    now: dt.datetime
    order: list[Place]
    serving: list[Ticket]  # called today and not yet marked, by counter
    last_called: Ticket | None
    wait_minutes: int  # for a walk-in taking a ticket now
    counters_working: int

    @property
    def waiting(self) -> int:
        return len(self.order)

    def place_of(self, ticket: Ticket) -> Place | None:
        return next((p for p in self.order if p.ticket.pk == ticket.pk), None)

    def next_numbers(self, count: int = NEXT_SHOWN) -> list[int]:
        return [p.ticket.number for p in self.order[:count]]


def _since_appointment(called_today: Sequence[Ticket]) -> int:
    """Walk-ins called since the last appointment (newest first), for the rule «alternate»."""
    count = 0
    for ticket in called_today:
        if ticket.appointment_id:
            return count
        count += 1
    return count


def queue_state(office: Office, *, now: dt.datetime | None = None, times: ServiceTimes | None = None) -> QueueState:
    """The office's queue of today (five queries)."""
    now = now or timezone.now()
    cfg = config_for(office)
    today = _today(now)
    live = list(
        Ticket.objects.filter(office=office, day=today, status__in=[TicketStatus.WAITING, TicketStatus.CALLED])
        .select_related("service", "appointment")
        .order_by("number")
    )
    waiting = [t for t in live if t.status == TicketStatus.WAITING]
    serving = sorted((t for t in live if t.status == TicketStatus.CALLED), key=lambda t: t.counter or 0)
    recent = list(
        Ticket.objects.filter(office=office, day=today, called_at__isnull=False)
        .only("pk", "number", "counter", "called_at", "appointment_id")
        .order_by("-called_at", "-pk")[:12]
    )
    ordered = arrange(
        waiting,
        rule=cfg.rule,
        ratio=cfg.walkins_per_appointment,
        since_appointment=_since_appointment(recent),
        now=now,
    )
    times = times or service_times([office.pk], now)
    counters = working_counters([office], now)[office.pk]
    places = []
    ahead = 0.0
    for index, ticket in enumerate(ordered, start=1):
        places.append(Place(ticket, index, math.ceil(ahead / counters)))
        ahead += times.of(ticket)
    return QueueState(
        office=office,
        now=now,
        order=places,
        serving=serving,
        last_called=recent[0] if recent else None,
        wait_minutes=math.ceil(ahead / counters),
        counters_working=counters,
    )


def queue_body(state: QueueState) -> dict[str, Any]:
    """``GET /api/v1/offices/{id}/queue`` and the hall display: how many wait, the estimate for a
    new walk-in, the number last called (``now_serving``), every counter's number, and the next."""
    last = state.last_called
    return {
        "office": state.office.pk,
        "waiting": state.waiting,
        "estimated_wait_minutes": state.wait_minutes,
        "now_serving": last.number if last is not None else None,
        "now_serving_counter": last.counter if last is not None else None,
        "counters": [{"counter": t.counter, "number": t.number} for t in state.serving],
        "next": state.next_numbers(),
        "counters_working": state.counters_working,
        "updated_at": state.now.isoformat(),
    }


def ticket_body(ticket: Ticket, state: QueueState) -> dict[str, Any]:
    place = state.place_of(ticket)
    return {
        "number": ticket.number,
        "service": ticket.service.code,
        "service_title": ticket.service.title,
        "status": ticket.status,
        "status_display": ticket.get_status_display(),
        "position": place.position if place else None,
        "ahead": place.position - 1 if place else None,
        "estimated_wait_minutes": place.wait_minutes if place else None,
        "counter": ticket.counter,
        "day": ticket.day.isoformat(),
        "now_serving": state.last_called.number if state.last_called else None,
    }


# --- many offices (the finder, issue 22 §4) ----------------------------------------------------


@dataclass(frozen=True)
class Crowd:
    waiting: int
    wait_minutes: int


def current_waits(offices: Sequence[Office], *, now: dt.datetime | None = None) -> dict[int, Crowd]:
    """How many wait at each office now and the estimate for a new walk-in (three queries for
    any number of offices). The order of the queue does not change its total, so the estimate
    is the service time of everyone waiting over the counters working. Only offices that gave a
    ticket today are answered: for the others «no queue» would be a guess."""
    now = now or timezone.now()
    if not offices:
        return {}
    ids = [o.pk for o in offices]
    times = service_times(ids, now)
    counters = working_counters(offices, now)
    totals: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    known: set[int] = set()
    rows = (
        Ticket.objects.filter(office_id__in=ids, day=_today(now))
        .values("office_id", "service_id", "service__duration_minutes", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        office_id, service_id, n = row["office_id"], row["service_id"], row["n"]
        known.add(office_id)
        if row["status"] != TicketStatus.WAITING:
            continue
        minutes = times.by_service.get((office_id, service_id)) or times.by_office.get(office_id)
        totals[office_id] += n * (minutes or float(row["service__duration_minutes"] or 10))
        counts[office_id] += n
    # an office that gave no ticket today (it may not keep its queue here, or not yet today)
    # has no figure: «no queue» would be a guess
    return {pk: Crowd(counts[pk], math.ceil(totals[pk] / counters[pk])) for pk in ids if pk in known}


# --- statistics -------------------------------------------------------------------------------


def median_waits(office_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[int, float]:
    """Median minutes from taking a walk-in ticket to being called, per office, over the days
    ``first``..``last`` (inclusive). Offices with no called walk-in ticket are absent."""
    rows = (
        Ticket.objects.filter(
            office_id__in=list(office_ids),
            day__gte=first,
            day__lte=last,
            channel__in=WALKIN_CHANNELS,
            called_at__isnull=False,
        )
        .values_list("office_id", "issued_at", "called_at")
        .iterator(chunk_size=5000)
    )
    waits: dict[int, list[float]] = defaultdict(list)
    for office_id, issued, called in rows:
        if called is None:
            continue
        waits[office_id].append(max(0.0, (called - issued).total_seconds() / 60))
    return {pk: round(statistics.median(v), 1) for pk, v in waits.items()}


@dataclass
class DayStats:
    day: dt.date
    issued: int = 0
    walkins: int = 0
    appointments: int = 0
    priority: int = 0
    done: int = 0
    no_show: int = 0
    cancelled: int = 0
    expired: int = 0
    waiting: int = 0
    median_wait: float | None = None
    longest_wait: float | None = None
    median_service: float | None = None
    by_hour: dict[int, int] = field(default_factory=dict)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def queue_stats(office: Office, first: dt.date, last: dt.date) -> list[DayStats]:
    """The office's queue per day, ``first``..``last`` (one query; at most a day's tickets per
    day, bounded by ``HALL_DAY_MAX``): tickets issued by kind, their ends, the median and
    longest wait to be called, the median service time and the tickets issued per hour."""
    days: dict[dt.date, DayStats] = {}
    waits: dict[dt.date, list[float]] = defaultdict(list)
    spans: dict[dt.date, list[float]] = defaultdict(list)
    rows = (
        Ticket.objects.filter(office=office, day__gte=first, day__lte=last)
        .values_list("day", "status", "channel", "priority", "issued_at", "called_at", "finished_at")
        .order_by("day", "number")
    )
    for day, status, channel, priority, issued, called, finished in rows.iterator(chunk_size=5000):
        s = days.setdefault(day, DayStats(day))
        s.issued += 1
        if channel == Channel.APPOINTMENT:
            s.appointments += 1
        else:
            s.walkins += 1
        s.priority += 1 if priority else 0
        if status == TicketStatus.DONE:
            s.done += 1
        elif status == TicketStatus.NO_SHOW:
            s.no_show += 1
        elif status == TicketStatus.CANCELLED:
            s.cancelled += 1
        elif status == TicketStatus.EXPIRED:
            s.expired += 1
        else:
            s.waiting += 1
        hour = issued.astimezone(TEHRAN).hour
        s.by_hour[hour] = s.by_hour.get(hour, 0) + 1
        if called is not None:
            waits[day].append(max(0.0, (called - issued).total_seconds() / 60))
            if status == TicketStatus.DONE and finished is not None:
                spans[day].append(max(0.0, (finished - called).total_seconds() / 60))
    for day, s in days.items():
        s.median_wait = _median(waits[day])
        s.longest_wait = round(max(waits[day]), 1) if waits[day] else None
        s.median_service = _median(spans[day])
    return [days[d] for d in sorted(days, reverse=True)]


def ticket_by_token(raw: object) -> Ticket | None:
    text = str(raw or "")
    if not 10 <= len(text) <= 24 or not all(ch.isalnum() or ch in "-_" for ch in text):
        return None
    return (
        Ticket.objects.select_related("office__municipality", "office__district", "service", "appointment")
        .filter(token=text)
        .first()
    )
