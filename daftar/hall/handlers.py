"""What the hall queue answers for the apps below it (``daftar.kernel.events``)."""

from __future__ import annotations

from typing import Any

from daftar.kernel.events import subscribe
from daftar.offices.events import CrowdWanted

from .selectors import current_waits


def crowd_wanted(event: CrowdWanted) -> dict[int, Any]:
    return dict(current_waits(event.offices, now=event.now))


def connect() -> None:
    subscribe(CrowdWanted, crowd_wanted)
