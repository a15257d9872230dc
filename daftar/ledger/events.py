"""What happens to an office's ledger that other apps act on (``daftar.kernel.events``).

Emitted inside ``transaction_record``'s transaction; an app above (the citizens' feedback,
issue 22 §1) handles it, registering in its ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceRecorded:
    """A service delivered was recorded (S18). ``citizen_mobile`` is the canonical number the
    clerk typed for a walk-in citizen who wants to be asked how they were served ("" if none);
    ``appointment`` is the booking it served, if any (its own ``AppointmentKept`` follows)."""

    transaction: Any
    citizen_mobile: str
    appointment: Any
    actor: Any
