"""The periodic sweep of legal clocks (P1), run by beat every 15 minutes (``tasks.tick_clocks``).

* Outages recorded since the last sweep extend the running clocks; reminders go out before a
  clock's end; a case whose municipality clock ran out gets its municipality's consequence once
  per stage: escalation to the head on a 7-working-day clock, or deemed approval (issue 21 §2,
  ``consequences.py``), and is shown so in every queue.
* A correction the applicant did not send back in time, and a draft whose call closed, expire.
Each case is handled in its own transaction under its row lock, so one bad row never stops the
sweep and a sweep that dies half-way is simply finished by the next one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.runtime.outage import outage_heartbeat

from . import consequences
from .models import Application
from .services import application_move
from .workflow import CLOCKED, Status

log = logging.getLogger(__name__)
BATCH = 500


def clocks_tick(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    done = {"expired": 0, "overdue": 0, "deemed_approval": 0, "reminders": 0, "outage_clocks": 0}
    # first the outages (a gap in this sweep's own beat is one), so nothing expires or is
    # reminded on a deadline the outage moved (issue 21 §2)
    try:
        outage_heartbeat("tick_clocks", now)
    except Exception:  # the beat never stops the sweep
        log.exception("clock sweep heartbeat failed")
    done["outage_clocks"] = consequences.outages_apply(now)
    expiring = list(
        Application.objects.filter(status=Status.CORRECTION_REQUESTED, due_at__lt=now).values_list("pk", flat=True)[
            :BATCH
        ]
    ) + list(
        Application.objects.filter(status=Status.DRAFT, call__closes_at__lte=now).values_list("pk", flat=True)[:BATCH]
    )
    for pk in expiring:
        try:
            application_move(application_id=pk, action="expire", actor=None)
            done["expired"] += 1
        except ApplicationError as exc:  # moved meanwhile: nothing to do
            log.info("case %s not expired: %s", pk, exc.message)
        except Exception:  # one bad row never stops the sweep
            log.exception("case %s: expiry failed", pk)
    done["reminders"] = consequences.reminders_send(now)
    late = Application.objects.filter(status__in=CLOCKED, due_at__lt=now, overdue=False).values_list("pk", flat=True)[
        :BATCH
    ]
    for pk in list(late):
        try:
            what = consequences.deadline_passed(pk, now)
        except Exception:  # one bad row never stops the sweep
            log.exception("case %s: deadline consequence failed", pk)
            continue
        if what == "deemed_approval":
            done["deemed_approval"] += 1
        elif what:
            done["overdue"] += 1
    return done
