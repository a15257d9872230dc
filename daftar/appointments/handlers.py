"""What the appointments app does when the office below it changes (``daftar.kernel.events``).

Registered in ``AppointmentsConfig.ready``; the offices app never imports this app.
"""

from __future__ import annotations

from django.utils import timezone

from daftar.kernel.events import subscribe
from daftar.offices.events import CountersInUse, HoursChanged

from .models import Appointment, AppointmentStatus
from .services import appointments_reconcile


def reconcile(event: HoursChanged) -> None:
    appointments_reconcile(office=event.office, days=event.days, actor=event.actor)


def bookings_on_counters(event: CountersInUse) -> int:
    return Appointment.objects.filter(
        office=event.office, status=AppointmentStatus.BOOKED, end__gt=timezone.now(), counter__gt=event.above
    ).count()


def connect() -> None:
    subscribe(HoursChanged, reconcile)
    subscribe(CountersInUse, bookings_on_counters)
