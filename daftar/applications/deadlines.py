"""The periodic sweep of legal clocks (P1), run by beat every 15 minutes (``tasks.tick_clocks``).

* A case whose municipality clock ran out is flagged overdue once per stage, escalated to the
  municipality's licensing authority by SMS, and shown so in every queue.
* A correction the applicant did not send back in time, and a draft whose call closed, expire.
Each case is handled in its own transaction under its row lock, so one bad row never stops the
sweep and a sweep that dies half-way is simply finished by the next one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.models import RoleAssignment
from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.notifications.services import outbox_enqueue

from . import messages as msg
from .models import Application, CaseEvent
from .services import application_move
from .workflow import CLOCKED, Status

log = logging.getLogger(__name__)
BATCH = 500


def clocks_tick(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    done = {"expired": 0, "overdue": 0}
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
    late = Application.objects.filter(status__in=CLOCKED, due_at__lt=now, overdue=False).values_list("pk", flat=True)[
        :BATCH
    ]
    for pk in list(late):
        try:
            if _escalate(pk, now):
                done["overdue"] += 1
        except Exception:  # one bad row never stops the sweep
            log.exception("case %s: escalation failed", pk)
    return done


def _escalate(pk: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=pk)
        if (
            application.overdue
            or application.status not in CLOCKED
            or not application.due_at
            or application.due_at >= now
        ):
            return False
        application.overdue = True
        application.escalated_at = now
        application.save(update_fields=["overdue", "escalated_at"])
        note = msg.OVERDUE_NOTE.format(status=application.get_status_display())
        CaseEvent.objects.create(
            application=application,
            action="overdue",
            from_status=application.status,
            to_status=application.status,
            note=note,
        )
        audit_record(
            actor=None,
            action="application.overdue",
            obj=application,
            municipality=application.municipality,
            data={"status": application.status, "due_at": application.due_at.isoformat()},
        )
        authorities = RoleAssignment.objects.filter(
            municipality_id=application.municipality_id, role=Role.LICENSING_AUTHORITY
        ).select_related("user")
        for assignment in authorities:
            outbox_enqueue(
                to=assignment.user.mobile,
                text=msg.SMS_OVERDUE_STAFF.format(
                    code=application.tracking_code, status=application.get_status_display()
                ),
                kind="application_overdue",
            )
    return True
