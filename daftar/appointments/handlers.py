"""What the appointments app does when the office below it changes (``daftar.kernel.events``).

Registered in ``AppointmentsConfig.ready``; the offices app never imports this app.
"""

from __future__ import annotations

from django.utils import timezone

from daftar.kernel.events import subscribe
from daftar.licences.events import LicenceSanctioned
from daftar.offices.events import CountersInUse, HoursChanged
from daftar.offices.models import Office

from .models import Appointment, AppointmentStatus
from .services import appointments_reconcile


def reconcile(event: HoursChanged) -> None:
    appointments_reconcile(office=event.office, days=event.days, actor=event.actor)


def sanctioned(event: LicenceSanctioned) -> None:
    """A suspension or revocation: the office's future bookings on the days it covers are
    cancelled, each citizen told by SMS with the sanction as the reason (issue 17)."""
    for office in Office.objects.filter(licence=event.licence):
        appointments_reconcile(office=office, actor=event.actor)


def bookings_on_counters(event: CountersInUse) -> int:
    return Appointment.objects.filter(
        office=event.office, status=AppointmentStatus.BOOKED, end__gt=timezone.now(), counter__gt=event.above
    ).count()


def connect() -> None:
    subscribe(HoursChanged, reconcile)
    subscribe(LicenceSanctioned, sanctioned)
    subscribe(CountersInUse, bookings_on_counters)
