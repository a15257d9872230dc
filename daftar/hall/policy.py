"""Who may do what in an office's hall queue: the one place that decides it (issue 22 §3).

- The office's own staff (manager, technical manager, clerk; ``daftar.offices.policy``) issue
  tickets, check arrived appointments in, call the next ticket and mark it. The manager also
  keeps the queue's settings and the kiosk's link.
- The municipality's readers of the office (supervisor, licensing authority, administrator) read
  the queue's statistics; any change is 403 to them.
- Nobody acts on their own ticket: a member of the staff whose own appointment is in the queue
  cannot call or mark it (404, like a ticket that does not exist), as for appointments.
- Anyone else: the staff pages and actions do not exist (404). The queue's state (how many wait,
  the numbers being served) is public, as is a ticket's own page to whoever holds its link, and
  the kiosk page to whoever holds the kiosk's link.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.policy import is_person
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Move
from daftar.offices import policy as offices
from daftar.offices.models import Office
from daftar.offices.policy import OfficeAccess

from . import messages as msg
from .models import Ticket


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_STAFF, code="permission_denied", status=403)


def staff_access(user: Any, pk: Any) -> OfficeAccess:
    """The office ``pk`` for one who works its hall: 404 for strangers, 403 for its readers."""
    access = offices.office_access(user, pk)
    if not access.is_staff:
        raise forbidden()
    return access


def manager_access(user: Any, pk: Any) -> OfficeAccess:
    access = offices.office_access(user, pk)
    if not access.is_manager:
        raise forbidden() if access.is_staff or access.level == offices.Access.MUNICIPALITY else offices.not_found()
    return access


def is_own(actor: Any, ticket: Ticket) -> bool:
    """The ticket is the actor's own: their booked appointment, checked in."""
    if not is_person(actor) or ticket.appointment_id is None:
        return False
    appointment = ticket.appointment
    return appointment is not None and appointment.citizen_id == actor.pk


def _role(actor: Any, office: Office) -> str | None:
    if not office.active or not is_person(actor):
        return None
    asked: dict[int, str | None] = office.__dict__.setdefault("_hall_role_of", {})
    if actor.pk not in asked:
        row = offices.staff_row(office, actor)
        asked[actor.pk] = row.role if row is not None else None
    return asked[actor.pk]


def may_move(actor: Any, move: Move, ticket: Ticket) -> bool:
    if SYSTEM in move.roles:
        return actor is None
    return not is_own(actor, ticket) and _role(actor, ticket.office) in move.roles


def refuse_move(actor: Any, move: Move, ticket: Ticket) -> ApplicationError:
    if SYSTEM not in move.roles and not is_own(actor, ticket) and offices.is_municipal_reader(actor, ticket.office):
        return forbidden()
    return not_found()
