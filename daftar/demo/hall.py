"""The demo's hall queue (issue 22 §3): the first demo office (the demo clerk's) gave walk-in
tickets on each of its last ten working days, so its report has figures and its wait estimates
come from measured service times; and, when the demo is loaded while the office is open, a few
citizens wait in the hall now, one of them at counter 1. Rows are written directly, as the
demo's transactions are: they are the office's past, not SMS sent now. Nothing is created twice.
The figures are examples."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.utils import timezone

from daftar.catalogue.models import Service
from daftar.hall.models import Channel, Priority, Ticket
from daftar.hall.workflow import TICKET, TicketStatus
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.hours import is_open_at
from daftar.offices.models import FRIDAY, THURSDAY, Office, OfficeService, iran_weekday
from daftar.runtime.inserts import insert_rows

PAST_DAYS = 10
PER_DAY = 14
WAITING_NOW = 4


def _ticket(
    office: Office, service: Service, day: dt.date, number: int, issued: dt.datetime, **extra: object
) -> Ticket:
    row = Ticket(
        office=office,
        service=service,
        day=day,
        number=number,
        token=secrets.token_urlsafe(12),
        issued_at=issued,
        **extra,  # type: ignore[arg-type]
    )
    return row


def demo_hall_load(office: Office) -> None:
    if Ticket.objects.filter(office=office).exists():
        return
    services = [row.service for row in OfficeService.objects.filter(office=office).select_related("service")]
    if not services:
        return
    rng = random.Random(office.pk)  # noqa: S311 (example figures, not a secret)
    now = timezone.now().astimezone(TEHRAN)
    rows: list[Ticket] = []
    day = now.date()
    worked = 0
    while worked < PAST_DAYS:
        day -= dt.timedelta(days=1)
        if iran_weekday(day) in (THURSDAY, FRIDAY):
            continue
        worked += 1
        moment = dt.datetime.combine(day, dt.time(8, 5), tzinfo=TEHRAN)
        for number in range(1, PER_DAY + 1):
            moment += dt.timedelta(minutes=rng.randint(8, 22))
            called = moment + dt.timedelta(minutes=rng.randint(2, 24))
            finished = called + dt.timedelta(minutes=rng.randint(4, 11))
            row = _ticket(
                office,
                rng.choice(services),
                day,
                number,
                moment,
                channel=Channel.KIOSK if number % 3 == 0 else Channel.CLERK,
                priority=Priority.ELDERLY if number % 7 == 0 else "",
                called_at=called,
                counter=1 + number % office.counters,
                finished_at=finished,
            )
            TICKET.force(row, TicketStatus.NO_SHOW if number % 9 == 0 else TicketStatus.DONE)
            rows.append(row)
    if is_open_at(office, now):
        start = now - dt.timedelta(minutes=30)
        for number in range(1, WAITING_NOW + 2):
            issued = start + dt.timedelta(minutes=5 * number)
            row = _ticket(office, rng.choice(services), now.date(), number, issued, channel=Channel.CLERK)
            if number == 1:
                row.called_at, row.counter = issued + dt.timedelta(minutes=3), 1
                TICKET.force(row, TicketStatus.CALLED)
            rows.append(row)
    insert_rows(*rows)
