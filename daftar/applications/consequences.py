"""Deadlines with consequences (issue 21 §2, P1; docs/deadlines.md, decision 0046).

Driven by the clock sweep (``deadlines.clocks_tick``), in this order:

1. **Outages** (``outages_apply``): every ended ``core.Outage`` not yet applied extends each
   clock that was running through it by the working time lost (the part of the outage on the
   municipality's working days), once (``OutageExtension``).
2. **Reminders** (``reminders_send``): before a running clock's end, at the municipality's
   working-day offsets (``DeadlineSettings``, set on the administrator's page and checked by
   ``deadline_settings``; example defaults in ``settings.DEADLINE_REMINDERS``),
   an SMS to the responsible staff (the role that works the stage in that municipality, or the
   one who acknowledged the case if they hold it) and then to the head. Each once per clock,
   person and offset (``SentReminder``, unique).
3. **The consequence** (``deadline_passed``): when a municipality clock ran out, the
   municipality's ``DeadlineConsequence`` for the licence type: deemed approval (the system
   issues the licence, the audit entry names the law) or, by default, escalation to the head,
   who must decide within ``settings.DEADLINE_ESCALATION_DAYS`` (7, P1) working days on a new
   clock. The applicant is told by SMS either way.

The head of a municipality is the person set in its ``DeadlineSettings.head`` when that person
holds the licensing authority role there; otherwise every licensing authority of it.
Each case or clock is handled in its own transaction under its row lock, taken with
``skip_locked``: two sweeps at once never handle the same row twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from daftar.accounts.constants import Role
from daftar.accounts.policy import people_holding
from daftar.audit.services import audit_record
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.workdays import TEHRAN, WorkCalendar, calendar_for
from daftar.notifications.services import notify
from daftar.runtime.models import Outage

from . import casecache, sms
from . import messages as msg
from .deadline_settings import MAX_DAYS_BEFORE, effective
from .models import (
    Application,
    CaseEvent,
    DeadlineConsequence,
    OutageExtension,
    SentReminder,
    StageClock,
)
from .selectors import ROLE_STATUSES
from .services import application_move
from .workflow import CLOCKED

log = logging.getLogger(__name__)
BATCH = 500  # cases or clocks handled per sweep and kind (the next sweep takes the rest)
SCAN = 5000  # clocks near their end read per sweep to find the reminders due


# -- who -----------------------------------------------------------------------------------------


def _reminder_days(municipality_id: int) -> tuple[list[int], list[int], int | None]:
    """The municipality's staff and head offsets (ascending) and its head, as set on its
    administrator's page (``deadline_settings.effective``: the example defaults when unset)."""
    rules = effective(municipality_id)
    return sorted(rules.staff_days), sorted(rules.head_days), rules.head_id


def heads(application: Application) -> list[Any]:
    """The head of the case's municipality (module docstring), never the applicant."""
    holders = people_holding({Role.LICENSING_AUTHORITY}, [application.municipality_id]).exclude(
        pk=application.applicant_id
    )
    chosen = _reminder_days(application.municipality_id)[2]
    if chosen is not None and holders.filter(pk=chosen).exists():
        holders = holders.filter(pk=chosen)
    return list(holders.order_by("pk"))


def responsible(application: Application) -> list[Any]:
    """The staff who work the case's stage in its municipality; only the one who acknowledged
    the case when they hold that role (the case is theirs then)."""
    roles = {role for role, statuses in ROLE_STATUSES.items() if application.status in statuses}
    people = people_holding(roles, [application.municipality_id]).exclude(pk=application.applicant_id)
    if application.acknowledged_by_id and people.filter(pk=application.acknowledged_by_id).exists():
        people = people.filter(pk=application.acknowledged_by_id)
    return list(people.order_by("pk"))


# -- outages -------------------------------------------------------------------------------------


def working_overlap(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The part of ``start``–``end`` that falls on the calendar's working days (Tehran days)."""
    lost = dt.timedelta()
    cursor = start.astimezone(TEHRAN)
    end = end.astimezone(TEHRAN)
    while cursor < end:
        next_day = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time.min, tzinfo=TEHRAN)
        stop = min(next_day, end)
        if calendar.is_working_day(cursor.date()):
            lost += stop - cursor
        cursor = stop
    return lost


def add_working_time(calendar: WorkCalendar, moment: dt.datetime, lost: dt.timedelta) -> dt.datetime:
    """``moment`` moved on by ``lost`` counted on working days only (a day off adds nothing), so
    a deadline moved by an outage keeps the working time it lost and never lands on a day off."""
    cursor = moment.astimezone(TEHRAN)
    while True:
        if calendar.is_working_day(cursor.date()):
            next_day = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time.min, tzinfo=TEHRAN)
            if cursor + lost < next_day:
                return cursor + lost
            lost -= next_day - cursor
            cursor = next_day
        else:
            cursor = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time.min, tzinfo=TEHRAN)


def outages_apply(now: dt.datetime) -> int:
    """Extend the running clocks by each ended outage not applied yet; the clocks extended."""
    done = 0
    pending = Outage.objects.filter(ended_at__lte=now).exclude(pk__in=OutageExtension.objects.values("outage_id"))
    for outage_id in list(pending.order_by("started_at").values_list("pk", flat=True)[:10]):
        try:
            done += _outage_apply(outage_id)
        except Exception:  # one bad row never stops the sweep
            log.exception("outage %s: clocks not extended", outage_id)
    return done


def _uncovered(outage: Outage) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of ``outage`` that no outage applied before it covers: the same night recorded
    by the heartbeat and by an administrator extends the clocks once, not twice."""
    applied = (
        Outage.objects.filter(
            pk__in=OutageExtension.objects.values("outage_id"),
            started_at__lt=outage.ended_at,
            ended_at__gt=outage.started_at,
        )
        .exclude(pk=outage.pk)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
    )
    spans, cursor = [], outage.started_at
    for start, end in applied:
        if start > cursor:
            spans.append((cursor, min(start, outage.ended_at)))
        cursor = max(cursor, end)
        if cursor >= outage.ended_at:
            break
    if cursor < outage.ended_at:
        spans.append((cursor, outage.ended_at))
    return spans


def _outage_apply(outage_id: int) -> int:
    with transaction.atomic():
        outage = Outage.objects.select_for_update(skip_locked=True).filter(pk=outage_id).first()
        if outage is None or OutageExtension.objects.filter(outage=outage).exists():
            return 0  # another sweep has it
        spans = _uncovered(outage)
        running = StageClock.objects.filter(
            finished_at__isnull=True,
            paused_at__isnull=True,
            started_at__lt=outage.ended_at,
            due_at__gt=outage.started_at,  # still running when the outage began
        )
        # the cases first, then their clocks: the order a case's move takes them (no deadlock)
        list(
            Application.objects.select_for_update()
            .filter(pk__in=running.values("application_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        clocks = running.select_for_update(of=("self",)).select_related("application__municipality")
        calendars: dict[int, WorkCalendar] = {}
        changed_clocks, changed_cases = [], []
        for clock in clocks.iterator(chunk_size=1000):
            case = clock.application
            calendar = calendars.get(case.municipality_id)
            if calendar is None:
                calendar = calendars[case.municipality_id] = calendar_for(case.municipality)
            began = clock.resumed_at or clock.started_at
            lost = sum(
                (working_overlap(calendar, max(start, began), end) for start, end in spans if end > max(start, began)),
                dt.timedelta(0),
            )
            if not lost:
                continue
            old_due = clock.due_at
            clock.due_at = add_working_time(calendar, old_due, lost)
            changed_clocks.append(clock)
            if case.due_at == old_due:  # the case mirrors its running clock
                case.due_at = clock.due_at
                changed_cases.append(case)
        StageClock.objects.bulk_update(changed_clocks, ["due_at"], batch_size=1000)
        Application.objects.bulk_update(changed_cases, ["due_at"], batch_size=1000)
        for case in changed_cases:
            casecache.case_changed(case.pk)  # bulk_update sends no signal
        OutageExtension.objects.create(outage=outage, clocks=len(changed_clocks))
        audit_record(
            actor=None,
            action="outage.clocks_extended",
            obj=outage,
            data={
                "started_at": outage.started_at.isoformat(),
                "ended_at": outage.ended_at.isoformat(),
                "clocks": len(changed_clocks),
            },
        )
    log.info("outage %s: %s clocks extended", outage_id, len(changed_clocks))
    return len(changed_clocks)


# -- reminders -----------------------------------------------------------------------------------


def reminders_send(now: dt.datetime) -> int:
    """The reminders due now (module docstring); the SMS queued."""
    # the latest reminder any municipality may set (or the defaults ask for)
    offsets_max = max([*settings.DEADLINE_REMINDERS["staff"], *settings.DEADLINE_REMINDERS["head"], MAX_DAYS_BEFORE])
    horizon = now + dt.timedelta(days=3 * offsets_max + 15)  # working days → calendar days, holidays included
    near = (
        StageClock.objects.filter(
            finished_at__isnull=True,
            paused_at__isnull=True,
            party__in=(StageClock.Party.MUNICIPALITY, StageClock.Party.HEAD),
            due_at__gte=now,
            due_at__lte=horizon,
            application__status__in=sorted(CLOCKED),
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:SCAN]
    )
    sent = 0
    for clock_id in list(near):
        if sent >= BATCH:
            break
        try:
            sent += _remind(clock_id, now)
        except Exception:  # one bad row never stops the sweep
            log.exception("clock %s: reminder failed", clock_id)
    return sent


def _remind(clock_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        clock = (
            StageClock.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("application__municipality")
            .filter(pk=clock_id, finished_at__isnull=True, paused_at__isnull=True)
            .first()
        )
        if clock is None:
            return 0
        case = clock.application
        left = calendar_for(case.municipality).working_days_between(now, clock.due_at)
        staff_days, head_days, _ = _reminder_days(case.municipality_id)
        sent = 0
        if clock.party == StageClock.Party.HEAD:  # the head's own 7 days: reminders go to the head
            sent += _send(clock, heads(case), [d for d in staff_days if left <= d], True, left, now)
        else:
            sent += _send(clock, responsible(case), [d for d in staff_days if left <= d], False, left, now)
            sent += _send(clock, heads(case), [d for d in head_days if left <= d], True, left, now)
        return sent


def _send(clock: StageClock, people: Iterable[Any], due: list[int], to_head: bool, left: int, now: dt.datetime) -> int:
    """One SMS per person for the offsets reached now; every reached offset is recorded, so a
    sweep that missed one never sends two reminders at once, nor a passed one later."""
    if not due:
        return 0
    case = clock.application
    taken = set(
        SentReminder.objects.filter(clock=clock, to_head=to_head, days_before__in=due).values_list(
            "recipient_id", "days_before"
        )
    )
    text = sms.REMINDER_HEAD if to_head else sms.REMINDER_STAFF
    values: dict[str, Any] = {
        "code": case.tracking_code,
        "status": case.get_status_display(),
        "left": msg.LEFT_TODAY if left == 0 else msg.LEFT_DAYS.format(days=left),
        "due": to_jalali(clock.due_at, with_time=True),
        "municipality_name": case.municipality.name,
    }
    sent = 0
    for person in people:
        new = [d for d in due if (person.pk, d) not in taken]
        if not new:
            continue
        SentReminder.objects.bulk_create(
            [SentReminder(clock=clock, recipient=person, to_head=to_head, days_before=d, sent_at=now) for d in new]
        )
        if notify(text.key, to=person, municipality=case.municipality, **values) is not None:
            sent += 1  # a person without a mobile number is recorded as reminded, and not counted
    return sent


# -- when a clock runs out -----------------------------------------------------------------------


def consequence_of(application: Application) -> str:
    row = DeadlineConsequence.objects.filter(
        municipality_id=application.municipality_id, licence_type_id=application.call.licence_type_id
    ).first()
    return row.kind if row else DeadlineConsequence.Kind.ESCALATION


def deadline_passed(pk: int, now: dt.datetime) -> str | None:
    """Apply the consequence to the case whose municipality clock ran out; what was done, or
    ``None`` (not due, or another sweep holds the case)."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("municipality", "call", "applicant")
            .filter(pk=pk)
            .first()
        )
        if (
            application is None
            or application.overdue
            or application.status not in CLOCKED
            or not application.due_at
            or application.due_at >= now
        ):
            return None
        if consequence_of(application) == DeadlineConsequence.Kind.DEEMED_APPROVAL:
            try:
                with transaction.atomic():  # a savepoint: a failed issue falls back to escalation
                    application_move(
                        application_id=pk, action="deemed_approval", actor=None, data={"law": msg.LAW_FACILITATION}
                    )
                return DeadlineConsequence.Kind.DEEMED_APPROVAL
            except Exception:
                log.exception("case %s: deemed approval failed; escalated instead", pk)
                application.refresh_from_db()
        _escalate(application, now)
        return DeadlineConsequence.Kind.ESCALATION


def _escalate(application: Application, now: dt.datetime) -> None:
    """The head's own clock of ``DEADLINE_ESCALATION_DAYS`` working days (P1)."""
    calendar = calendar_for(application.municipality)
    StageClock.objects.filter(application=application, finished_at__isnull=True, paused_at__isnull=True).update(
        finished_at=now
    )
    days = settings.DEADLINE_ESCALATION_DAYS
    clock = StageClock.objects.create(
        application=application,
        stage=application.status,
        party=StageClock.Party.HEAD,
        limit_days=days,
        started_at=now,
        due_at=calendar.add_working_days(now, days),
    )
    passed_due = application.due_at
    application.overdue = True
    application.escalated_at = now
    application.due_at = clock.due_at
    application.save(update_fields=["overdue", "escalated_at", "due_at"])
    due = to_jalali(clock.due_at, with_time=False)
    status = application.get_status_display()
    CaseEvent.objects.create(
        application=application,
        action="overdue",
        from_status=application.status,
        to_status=application.status,
        note=msg.ESCALATED_NOTE.format(status=status, due=due),
        data={"consequence": "escalation"},
    )
    values: dict[str, Any] = {
        "code": application.tracking_code or "",
        "due": due,
        "municipality_name": application.municipality.name,
    }
    for person in heads(application):
        notify(sms.ESCALATED_HEAD.key, to=person, municipality=application.municipality, status=status, **values)
    notify(sms.ESCALATED.key, to=application.applicant, municipality=application.municipality, **values)
    audit_record(
        actor=None,
        action="application.overdue",
        obj=application,
        municipality=application.municipality,
        data={
            "status": application.status,
            "due_at": passed_due.isoformat() if passed_due else None,
            "consequence": "escalation",
            "head_due_at": clock.due_at.isoformat(),
        },
    )
