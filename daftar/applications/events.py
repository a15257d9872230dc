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
    (the licences app) issues it in this transaction and answers its number. ``tell_holder``:
    whether the licence's own SMS goes out (a deemed approval sends its own, naming the law)."""

    application: Any
    actor: Any
    tell_holder: bool = True


@dataclass(frozen=True)
class CaseFactsWanted:
    """Facts about the case that other apps settle (S10.3: training courses the municipality
    recorded); each handler answers a dict that overrides what the applicant declared."""

    application: Any


@dataclass(frozen=True)
class CaseFactsPrefetch:
    """Many cases' facts are about to be asked for (a preview judging every open case): the
    handlers load what they settle for all of them at once, so that ``CaseFactsWanted`` then
    asks nothing more per case."""

    applications: Any  # a list of Application


@dataclass(frozen=True)
class VerdictWanted:
    """An examiner moved one case by its exam or interview through the case's own transitions
    (not in a session): the one handler (the assessments app) judges the request's score(s) by
    the municipality's assessment policy and answers an ``AssessmentVerdict`` (S10.4)."""

    kind: str  # "exam" | "interview"
    application: Any
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseAppointment:
    """When and where an applicant is to appear for the stage their case is in: the exam session
    they are seated in (its title) or their interview (no title)."""

    application_id: int
    kind: str  # "exam" | "interview"
    title: str
    starts_at: Any  # an aware datetime
    place: str


@dataclass(frozen=True)
class CaseAppointmentsWanted:
    """The appointments set for these cases (issue 21 §4: the exam seat, the interview's time
    and place), for the applicant's case page, API, list of cases and dashboard: each handler
    (the assessments app) answers a list of ``CaseAppointment`` for all of the cases at once, in
    a constant number of queries however many there are. With no handler the cases have none."""

    applications: Any  # a list of Application
