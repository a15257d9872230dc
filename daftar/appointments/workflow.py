"""The appointment's lifecycle, declared once with the kernel (issue 16; S17).

``APPOINTMENT`` is the one table of what may happen to a booking: the citizen cancels it before
the cancellation deadline; the office's staff record that it was served or that the citizen did
not come; the system cancels it when the office is no longer open at that time (its hours or
the municipality's days off changed, or the office was deactivated). Who may take a move is
answered by ``policy.may_move``; the guards and effects are bound in ``services``. Nothing else
changes ``Appointment.status``: the field is a ``StatusField``.

Booking is not a move: it creates the row in ``booked`` (the lifecycle's initial state).
"""

from __future__ import annotations

from django.db import models

from daftar.kernel.lifecycle import SYSTEM, Lifecycle, move
from daftar.offices.models import StaffRole

from . import messages as msg


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "رزروشده"
    CANCELLED = "cancelled", "لغوشده"
    NO_SHOW = "no_show", "حاضر نشد"
    DONE = "done", "انجام شد"


CITIZEN = "citizen"  # the appointment's own citizen, not a municipal role
OFFICE_STAFF = frozenset({StaffRole.MANAGER, StaffRole.TECHNICAL, StaffRole.CLERK})  # of the appointment's office

APPOINTMENT = Lifecycle.declare(
    name="appointment",
    title="an appointment at an office (Appointment.status)",
    states=AppointmentStatus,
    initial={AppointmentStatus.BOOKED},
    illegal_message=msg.STATUS_NOT_BOOKED,
    illegal_code="not_booked",
    moves=(
        move(
            "cancel",
            "لغو نوبت",
            {AppointmentStatus.BOOKED},
            AppointmentStatus.CANCELLED,
            {CITIZEN},
            guard="before_cancel_deadline",
            effect="cancelled",
        ),
        move(
            "done",
            "انجام شد",
            {AppointmentStatus.BOOKED},
            AppointmentStatus.DONE,
            OFFICE_STAFF,
            guard="its_day_has_come",
            effect="marked",
        ),
        move(
            "no_show",
            "حاضر نشد",
            {AppointmentStatus.BOOKED},
            AppointmentStatus.NO_SHOW,
            OFFICE_STAFF,
            guard="its_start_has_passed",
            effect="marked",
        ),
        move(
            "cancel_by_office",
            "لغو نوبت به سبب بسته بودن دفتر",
            {AppointmentStatus.BOOKED},
            AppointmentStatus.CANCELLED,
            {SYSTEM},
            effect="cancelled",
        ),
    ),
)
# The moves the office's staff record from the day's list (``POST …/status`` ``{"status"}``).
MARKS = tuple(a for a, m in APPOINTMENT.moves.items() if m.roles == OFFICE_STAFF)
