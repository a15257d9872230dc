"""Who may do what to an appointment: the one place that decides it (issue 16; S17).

Used by the appointments' services, API views and pages alike, and built from the primitives of
``daftar.accounts.policy`` and the office policy (``daftar.offices.policy``):

- the citizen who booked it cancels it; to anyone else it does not exist (404);
- the office's clerk or manager records its outcome, but never of an appointment they booked
  themselves (nobody acts on their own appointment): that is refused like a code that does not
  exist (404), as it is to strangers; the municipality's readers of the office, who see the
  office's records, get 403;
- the system (``actor=None``) cancels it when the office is no longer open at that time.
"""

from __future__ import annotations

from typing import Any

from daftar.accounts.policy import is_person
from daftar.kernel.errors import ApplicationError
from daftar.kernel.lifecycle import SYSTEM, Move
from daftar.offices import policy as offices

from . import messages as msg
from .workflow import APPOINTMENT, CITIZEN, OFFICE_STAFF


def is_citizen(actor: Any, appointment: Any) -> bool:
    return is_person(actor) and actor.pk == appointment.citizen_id


def _staff_role(actor: Any, appointment: Any) -> str | None:
    """The actor's role at the appointment's (active) office, if they work there (asked once
    per office object: a day's list shares one)."""
    office = appointment.office
    if not office.active or not is_person(actor):
        return None
    asked: dict[int, str | None] = office.__dict__.setdefault("_staff_role_of", {})
    if actor.pk not in asked:
        row = offices.staff_row(office, actor)
        asked[actor.pk] = row.role if row is not None else None
    return asked[actor.pk]


def may_move(actor: Any, move: Move, appointment: Any) -> bool:
    """``actor`` (``None`` for the system) may take ``move`` on ``appointment`` now."""
    if SYSTEM in move.roles:
        return actor is None
    if CITIZEN in move.roles:
        return is_citizen(actor, appointment)
    return not is_citizen(actor, appointment) and _staff_role(actor, appointment) in move.roles


def may_mark(actor: Any, appointment: Any) -> bool:
    """Works the appointment's office and may record its outcome (whatever its state now)."""
    return any(may_move(actor, m, appointment) for m in APPOINTMENT.moves.values() if m.roles == OFFICE_STAFF)


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def refuse_move(actor: Any, move: Move, appointment: Any) -> ApplicationError:
    """The answer to a move ``actor`` may not take: 403 to the office's municipal readers for a
    staff move, else "not found" (the citizen's own appointment is not in their staff list)."""
    staff_move = not move.roles & {CITIZEN, SYSTEM}
    if staff_move and not is_citizen(actor, appointment) and offices.is_municipal_reader(actor, appointment.office):
        return ApplicationError(msg.NOT_STAFF, code="permission_denied", status=403)
    return not_found()


def refuse_marking(actor: Any, appointment: Any) -> ApplicationError:
    """``refuse_move`` for "record the outcome", before the body says which outcome."""
    return refuse_move(actor, APPOINTMENT.moves["done"], appointment)
