"""Legal clocks in Iranian working days (P1), one per stage.

* Entering a clocked stage starts its clock with the licence type's limit for that stage
  (``LicenceType.stage_days``; Fridays, official holidays and, per municipality, Thursdays off).
* Asking the applicant for a correction **pauses** the municipality's running clock (the days
  already spent are kept in ``used_days``) and starts the applicant's own correction clock.
* Resubmission ends the applicant's clock and **resumes** the paused clock at once with the days
  that were left; the review stage that follows continues that clock instead of starting anew.
* The case keeps the running deadline in ``Application.due_at`` for index-backed queues.
"""

from __future__ import annotations

import datetime as dt

from daftar.municipalities.workdays import MAX_DAYS, calendar_for
from daftar.rules.models import DEFAULT_STAGE_DAYS

from .models import Application, StageClock
from .workflow import CLOCKED, Status

# The stage whose clock is paused by a correction and resumed by the resubmission.
REVIEW_STAGE = Status.DOCUMENT_REVIEW


def _limit(application: Application, stage: str) -> int | None:
    """The stage's limit; a missing or unusable entry falls back to the example default, so a
    slip in the admin never switches a legal clock off."""
    configured = application.call.licence_type.stage_days
    days = configured.get(stage) if isinstance(configured, dict) else None
    if isinstance(days, int) and not isinstance(days, bool) and 0 <= days <= MAX_DAYS:
        return days
    return DEFAULT_STAGE_DAYS.get(stage)


def stage_limit(application: Application, stage: str) -> int | None:
    """The legal limit of ``stage`` in working days, as a clock entering it would get it."""
    return _limit(application, stage)


def _running(application: Application) -> StageClock | None:
    return (
        StageClock.objects.filter(application=application, finished_at__isnull=True, paused_at__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


def on_move(application: Application, old: str, new: str, now: dt.datetime) -> None:
    """Move the clocks for ``old`` → ``new`` (called by ``application_move`` under its lock)."""
    calendar = calendar_for(application.municipality)
    running = _running(application)
    if running is not None:
        if new == Status.CORRECTION_REQUESTED and running.party == StageClock.Party.MUNICIPALITY:
            running.used_days = min(
                running.limit_days,
                running.used_days + calendar.working_days_between(running.resumed_at or running.started_at, now),
            )
            running.paused_at = now
            running.save(update_fields=["used_days", "paused_at"])
        elif not (new == REVIEW_STAGE and running.stage == REVIEW_STAGE):
            running.finished_at = now
            running.save(update_fields=["finished_at"])
    running = None if running is None or running.finished_at or running.paused_at else running
    paused = StageClock.objects.filter(
        application=application, finished_at__isnull=True, paused_at__isnull=False
    ).first()
    if new in (Status.WITHDRAWN, Status.REJECTED, Status.EXPIRED, Status.LICENCE_ISSUED) and paused is not None:
        paused.finished_at = now
        paused.save(update_fields=["finished_at"])
        paused = None
    if new == Status.CORRECTION_REQUESTED:
        _start(application, new, StageClock.Party.APPLICANT, now, calendar)
    elif old == Status.CORRECTION_REQUESTED and new == Status.SUBMITTED and paused is not None:
        remaining = max(0, paused.limit_days - paused.used_days)
        paused.paused_at = None
        paused.resumed_at = now
        paused.due_at = calendar.add_working_days(now, remaining)
        paused.save(update_fields=["paused_at", "resumed_at", "due_at"])
        running = paused
    elif running is None and new in CLOCKED:
        running = _start(application, new, StageClock.Party.MUNICIPALITY, now, calendar)
    current = running if running is not None and not running.finished_at else _running(application)
    previous_due = application.due_at
    application.due_at = current.due_at if current else None
    if application.due_at != previous_due:
        # a new or resumed deadline: not overdue until the sweep says so (and escalates it)
        application.overdue = False


def _start(application: Application, stage: str, party: str, now: dt.datetime, calendar: object) -> StageClock | None:
    days = _limit(application, stage)
    if days is None:
        return None
    return StageClock.objects.create(
        application=application,
        stage=stage,
        party=party,
        limit_days=days,
        started_at=now,
        due_at=calendar.add_working_days(now, days),  # type: ignore[attr-defined]
    )


def clock_summary(application: Application, now: dt.datetime) -> list[dict[str, object]]:
    """Each clock with what the applicant and staff need to read: stage, whose clock, due,
    paused or not, working days used/left."""
    clocks = list(application.clocks.all())
    calendar = calendar_for(application.municipality) if clocks else None
    rows = []
    for clock in clocks:
        if clock.finished_at:
            state, used = "finished", None
        elif clock.paused_at:
            state, used = "paused", clock.used_days
        else:
            assert calendar is not None
            used = clock.used_days + calendar.working_days_between(clock.resumed_at or clock.started_at, now)
            state = "overdue" if clock.due_at < now else "running"
        rows.append(
            {
                "stage": clock.stage,
                "party": clock.party,
                "limit_days": clock.limit_days,
                "started_at": clock.started_at,
                "due_at": None if clock.paused_at else clock.due_at,
                "state": state,
                "used_days": used,
                "remaining_days": None if used is None else max(0, clock.limit_days - used),
                "finished_at": clock.finished_at,
            }
        )
    return rows
