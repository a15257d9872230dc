"""What the hall queue tells the apps above it (``daftar.kernel.events``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TicketServed:
    """A walk-in ticket was marked served at a counter. ``citizen_mobile`` is the number the
    citizen left with the ticket ("" for none), already erased from the ticket itself: the
    feedback app asks them how they were served."""

    ticket: Any
    citizen_mobile: str
    actor: Any
