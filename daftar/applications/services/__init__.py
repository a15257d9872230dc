"""Every change to an application case goes through here (API.md «Calls and applications»).

A move (``workflow.MOVES``) is taken by ``application_move``: the row is locked, the actor's
right and the state are checked against the table, the guard runs, the move's effect is
applied, the legal clocks move (``clocks.py``), and an audit row, a timeline event and an SMS
through the outbox are written, all in one transaction. An exception anywhere leaves the case,
its clocks and the audit chain as they were.

The package, by concept, each module importing only those before it: ``facts`` (what a case is
judged on and the verdict kept on it), ``drafts`` (creating and editing a draft, tracking
codes), ``ranking`` (a district's quota ranking, P4), ``guards`` (the moves' guards, bound to
``workflow.CASE``), ``verdicts`` (the assessments' verdicts and the moves' effects) and
``moves`` (taking a move, submission, withdrawal, acknowledgement, who may move).
"""

from .drafts import application_create, application_update, parse_id, tracking_code_new
from .facts import PROFILE_FACTS, case_evaluate, case_facts
from .guards import submission_window_check
from .moves import (
    MoveResult,
    actions_available,
    application_move,
    application_submit,
    application_withdraw,
    applications_acknowledge,
    may_take,
    move_refusal,
)
from .ranking import Standing, district_ranking
from .verdicts import AssessmentVerdict, score_value

__all__ = [
    "PROFILE_FACTS",
    "AssessmentVerdict",
    "MoveResult",
    "Standing",
    "actions_available",
    "application_create",
    "application_move",
    "application_submit",
    "application_update",
    "application_withdraw",
    "applications_acknowledge",
    "case_evaluate",
    "case_facts",
    "district_ranking",
    "may_take",
    "move_refusal",
    "parse_id",
    "score_value",
    "submission_window_check",
    "tracking_code_new",
]
