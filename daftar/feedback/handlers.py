"""What the feedback app does when a service is delivered below it (``daftar.kernel.events``).

Registered in ``FeedbackConfig.ready``; the ledger and appointments apps never import this app.
Both run inside the recording transaction, in a savepoint of their own: the request and its SMS
commit with the service, and a failure here (an edited text that no longer renders, say) is
logged and leaves the service recorded: the question is optional, the payment is not.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from daftar.appointments.events import AppointmentKept
from daftar.hall.events import TicketServed
from daftar.kernel.events import subscribe
from daftar.ledger.events import ServiceRecorded

from .models import Source
from .services import feedback_request_create

log = logging.getLogger(__name__)


def _ask(**arguments: Any) -> None:
    try:
        with transaction.atomic():
            feedback_request_create(**arguments)
    except Exception:
        log.exception("feedback_request_failed office=%s", arguments["office"].pk)


def service_recorded(event: ServiceRecorded) -> None:
    """A walk-in citizen who left their number is asked; a booked one is asked by the kept
    appointment (``AppointmentKept``), not twice."""
    row = event.transaction
    if event.appointment is not None or row.appointment_code or not event.citizen_mobile:
        return
    _ask(
        office=row.office,
        service=row.service,
        source=Source.SERVICE,
        source_id=row.pk,
        mobile=event.citizen_mobile,
        recipient=None,
        moment=row.performed_at,
    )


def appointment_kept(event: AppointmentKept) -> None:
    appointment = event.appointment
    citizen = appointment.citizen
    _ask(
        office=appointment.office,
        service=appointment.service,
        source=Source.APPOINTMENT,
        source_id=appointment.pk,
        mobile=getattr(citizen, "mobile", "") or "",
        recipient=citizen,
        moment=appointment.marked_at or timezone.now(),
    )


def ticket_served(event: TicketServed) -> None:
    """A walk-in citizen served from the hall queue who left their number is asked (once a day
    per office: the clerk recording the same service with the number asks nobody twice)."""
    ticket = event.ticket
    if not event.citizen_mobile:
        return
    _ask(
        office=ticket.office,
        service=ticket.service,
        source=Source.SERVICE,
        source_id=f"ticket-{ticket.pk}",
        mobile=event.citizen_mobile,
        recipient=None,
        moment=ticket.finished_at or timezone.now(),
    )


def connect() -> None:
    subscribe(ServiceRecorded, service_recorded)
    subscribe(AppointmentKept, appointment_kept)
    subscribe(TicketServed, ticket_served)
