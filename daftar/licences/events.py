"""What happens to a licence that apps above act on (``daftar.kernel.events``).

Emitted inside the move's transaction; the appointments app handles it (registered in its
``AppConfig.ready``); this app never imports it.
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
