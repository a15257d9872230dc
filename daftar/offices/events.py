"""What happens to an office that other apps act on (issue 16: effects without upward imports).

The office emits these inside its service's transaction (``daftar.kernel.events``); the
appointments app above it handles them, registering in its ``AppConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HoursChanged:
    """The office's hours changed (weekly hours, a closure): bookings that no longer fit are
    cancelled and their citizens told (S18). ``days`` None means every future day."""

    office: Any
    days: list[dt.date] | None
    actor: Any


@dataclass(frozen=True)
class CountersInUse:
    """How many live bookings not yet over hold a counter above ``above`` (a manager lowering the
    number of counters, S18); each handler answers a count."""

    office: Any
    above: int


@dataclass(frozen=True)
class CrowdWanted:
    """How crowded ``offices`` are at ``now`` (issue 22 §4: the finder shows each open office's
    wait and sorts by it). The hall queue's app answers ``{office_id: crowd}``, a crowd having
    ``waiting`` (people) and ``wait_minutes`` (the estimate for a walk-in taking a ticket now)."""

    offices: list[Any]
    now: dt.datetime
