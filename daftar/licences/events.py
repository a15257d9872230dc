"""What happens to a licence that apps above act on (``daftar.kernel.events``).

Emitted inside the caller's transaction; the apps above handle them (registered in their
``AppConfig.ready``); this app never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LicenceSanctioned:
    """The licence was suspended or revoked (``action``; ``reapply`` from the hourly sweep): its
    office's future bookings on the days the sanction covers are cancelled and their citizens
    told by SMS (issue 17)."""

    licence: Any
    action: str
    actor: Any


@dataclass(frozen=True)
class LicenceManagersWanted:
    """Who runs the licence's office, told with the holder of the renewal window's opening and
    of the approaching end of validity (``reminders.py``): each handler answers a list of people
    (the offices app: the active managers of the licence's office). No handler: the holder alone."""

    licence: Any
