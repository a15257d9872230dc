"""What happens to an appointment that other apps act on (``daftar.kernel.events``).

Emitted inside the appointments' service transaction; an app above (the citizens' feedback,
issue 22 §1) handles it, registering in its ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AppointmentKept:
    """The citizen came and was served: the appointment moved to ``done`` (marked by the
    office, or by recording a transaction with its code)."""

    appointment: Any
    actor: Any
