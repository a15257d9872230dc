"""The states of a walk-in ticket (issue 22 §3), declared once with the kernel's lifecycle.

waiting → called (a counter calls it) → done or no_show (the counter marks it). A waiting ticket
may be cancelled by the office's staff (the citizen left); at the end of the office's day the
system expires what is still waiting or called. A ticket of a booked appointment (the citizen
checked in on arrival) follows the same moves; a counter's «done» marks the appointment done, its
«no show» marks it so once the appointment's start has passed. Cancelling or expiring the ticket
leaves the appointment to the office's day list (the system may not mark a no-show). Who may
take a move is ``policy.may_move``; the diagram is ``docs/lifecycles/ticket.md``.
"""

from __future__ import annotations

from django.db import models

from daftar.kernel.lifecycle import SYSTEM, Lifecycle, move
from daftar.offices.models import StaffRole

from . import messages as msg


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "در انتظار"
    CALLED = "called", "فراخوانده‌شده"
    DONE = "done", "انجام شد"
    NO_SHOW = "no_show", "حاضر نشد"
    CANCELLED = "cancelled", "لغوشده"
    EXPIRED = "expired", "پایان روز کاری"


OFFICE_STAFF = frozenset({StaffRole.MANAGER, StaffRole.TECHNICAL, StaffRole.CLERK})
LIVE = frozenset({TicketStatus.WAITING, TicketStatus.CALLED})

TICKET = Lifecycle.declare(
    name="ticket",
    title="a walk-in ticket in an office's hall queue (Ticket.status)",
    states=TicketStatus,
    initial={TicketStatus.WAITING},
    illegal_message=msg.ILLEGAL,
    moves=(
        move("call", "فراخواندن", {TicketStatus.WAITING}, TicketStatus.CALLED, OFFICE_STAFF, effect="called"),
        move("done", "انجام شد", {TicketStatus.CALLED}, TicketStatus.DONE, OFFICE_STAFF, effect="ended"),
        move("no_show", "حاضر نشد", {TicketStatus.CALLED}, TicketStatus.NO_SHOW, OFFICE_STAFF, effect="ended"),
        move("cancel", "لغو نوبت", {TicketStatus.WAITING}, TicketStatus.CANCELLED, OFFICE_STAFF, effect="ended"),
        move("expire", "پایان روز کاری", set(LIVE), TicketStatus.EXPIRED, {SYSTEM}, effect="ended"),
    ),
)
