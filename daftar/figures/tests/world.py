"""Cases and licences of Tehran seeded straight into the tables, with their timeline and legal
clocks, in the period Jalali 1403/02 – 1403/04 (2024-04-20 … 2024-07-21), long before the demo
data's own cases, so only what a test seeds is counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from daftar.applications.models import Application, CaseEvent, StageClock
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.kernel.jalali import TEHRAN
from daftar.licences.models import LicenceStatus
from daftar.licences.tests.factories import LicenceFactory
from daftar.municipalities.models import District

FROM, TO = "1403/02", "1403/04"  # Jalali months: 2024-04-20 … 2024-07-21
BEFORE = dt.datetime(2024, 3, 25, 10, 0, tzinfo=TEHRAN)  # before the period
AFTER = dt.datetime(2024, 8, 10, 10, 0, tzinfo=TEHRAN)  # after it


def at(day: int, month: int = 5, hour: int = 10) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, 0, tzinfo=TEHRAN)


def district(number: int) -> District:
    return District.objects.get(municipality__slug="tehran", number=number)


def case(
    *,
    submitted: dt.datetime,
    path: list[tuple[dt.datetime, str]],
    late_stage: str | None = None,
    failed: list[str] | None = None,
) -> Application:
    """A case submitted at ``submitted`` that then moved to each ``(when, status)`` of ``path``;
    each municipality stage gets its legal clock, finished when the case left it, due a week
    after it started, or due before it finished when it is ``late_stage``."""
    last = path[-1][1] if path else Status.SUBMITTED
    application = ApplicationFactory.create(
        submitted=True, submitted_at=submitted, status=last, failed_conditions=failed or []
    )
    events: list[CaseEvent] = []
    clocks: list[StageClock] = []
    moments: list[tuple[dt.datetime, str, str]] = [(submitted, Status.DRAFT, Status.SUBMITTED)]
    previous: str = Status.SUBMITTED
    when_prev = submitted
    for when, status in path:
        moments.append((when, previous, status))
        if previous != Status.CORRECTION_REQUESTED:
            due = when - dt.timedelta(hours=1) if previous == late_stage else when_prev + dt.timedelta(days=90)
            clocks.append(
                StageClock(
                    application=application,
                    stage=previous,
                    limit_days=10,
                    started_at=when_prev,
                    due_at=due,
                    finished_at=when,
                )
            )
        previous, when_prev = status, when
    for when, old, new in moments:
        events.append(CaseEvent(application=application, at=when, action="move", from_status=old, to_status=new))
    CaseEvent.objects.bulk_create(events)
    StageClock.objects.bulk_create(clocks)
    return application


def licence(number: int, *, issued: dt.datetime, status: str = LicenceStatus.ACTIVE) -> Any:
    return LicenceFactory(district=district(number), issued_at=issued, status=status)


def approved(day: int, *, late: bool = False, review_days: int = 1) -> Application:
    """Submitted on 2024-05-<day> (a Saturday gives clean counts), reviewed, approved."""
    start = at(day)
    return case(
        submitted=start,
        path=[
            (start + dt.timedelta(days=1), Status.DOCUMENT_REVIEW),
            (start + dt.timedelta(days=1 + review_days), Status.FINAL_REVIEW),
            (start + dt.timedelta(days=2 + review_days), Status.APPROVED),
        ],
        late_stage=Status.DOCUMENT_REVIEW if late else None,
    )


def refused(day: int, failed: list[str], *, late: bool = False) -> Application:
    start = at(day)
    return case(
        submitted=start,
        path=[(start + dt.timedelta(days=1), Status.DOCUMENT_REVIEW), (start + dt.timedelta(days=3), Status.REJECTED)],
        late_stage=Status.DOCUMENT_REVIEW if late else None,
        failed=failed,
    )


def seed() -> None:
    """The cases and licences every figure test counts (the numbers in the comments)."""
    # approved: document review of 1, 1, 2, 3, 3 and 3 working days (Thursday 16 May is off);
    # one overran its clock
    for days, late in [(1, False), (1, False), (2, False), (3, False), (3, True), (4, False)]:
        approved(11, review_days=days, late=late)
    # refused: S9.1 failed by all seven, S10.2 by five, S11.1 by two; one overran its clock
    for i in range(7):
        failed = ["S9.1"] + (["S10.2"] if i < 5 else []) + (["S11.1"] if i < 2 else [])
        refused(11, failed, late=i == 0)
    # two at the exam stage and then the interview (a stage with two stays)
    for _ in range(2):
        case(
            submitted=at(18),
            path=[(at(19), Status.DOCUMENT_REVIEW), (at(20), Status.EXAM), (at(21), Status.INTERVIEW)],
        )
    # submitted before the period, decided in it: decided, not received
    case(
        submitted=BEFORE,
        path=[
            (BEFORE + dt.timedelta(days=1), Status.DOCUMENT_REVIEW),
            (at(12), Status.FINAL_REVIEW),
            (at(13), Status.APPROVED),
        ],
    )
    for number, count in [(1, 7), (2, 6), (3, 2)]:
        for _ in range(count):
            licence(number, issued=at(20))
    licence(1, issued=at(20), status=LicenceStatus.SUSPENDED)  # not active
    licence(1, issued=AFTER)  # issued after the period
