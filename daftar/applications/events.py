"""What happens to a case that other apps act on (issue 16: effects without upward imports).

The case emits these inside the move's transaction (``daftar.kernel.events``); the apps above
it (assessments, licences) handle them, registering in their ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseMoved:
    """A move was taken (the status is set, the row not yet saved)."""

    application: Any
    action: str
    old: str
    new: str
    passed: bool
    actor: Any


@dataclass(frozen=True)
class LicenceWanted:
    """The licensing authority issues the licence of an approved case (S15.7): the one handler
    (the licences app) issues it in this transaction and answers its number."""

    application: Any
    actor: Any


@dataclass(frozen=True)
class CaseFactsWanted:
    """Facts about the case that other apps settle (S10.3: training courses the municipality
    recorded); each handler answers a dict that overrides what the applicant declared."""

    application: Any
