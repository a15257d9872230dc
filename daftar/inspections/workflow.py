"""The states of a site inspection and of a supervision visit (S11, S14, S17), declared once
with the kernel's lifecycle.

``INSPECTION``: a visit of a case's premises, scheduled until the inspector records its result,
which moves the case itself (``application_move(action="record_inspection")``).
``SUPERVISION_VISIT``: a periodic visit of a licensed office, scheduled until the inspector
records its result, which records a supervision violation for each failed item that maps to a
catalogue type.

Their diagrams are ``docs/lifecycles/inspection.md`` and ``supervision_visit.md`` (``make
diagrams``); who may take a move is answered by ``policy.may_move``; the guards and effects are
bound, and the moves taken, by ``services.py``. Scheduling creates the row in its first state:
a staff action of ``policy.STAFF_ACTIONS``, not a move.
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import Lifecycle, move

from . import messages as msg


class InspectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "زمان‌بندی‌شده"
    DONE = "done", "انجام‌شده"


INSPECTORS = {Role.INSPECTOR}

INSPECTION = Lifecycle.declare(
    name="inspection",
    title="a site inspection of a case's premises (Inspection.status)",
    states=InspectionStatus,
    initial={InspectionStatus.SCHEDULED},
    illegal_message=msg.ALREADY_DONE,
    illegal_code="already_done",
    moves=(
        move(
            "record",
            "ثبت نتیجهٔ بازدید",
            {InspectionStatus.SCHEDULED},
            InspectionStatus.DONE,
            INSPECTORS,
            guard="case_at_inspection",
            effect="judge_and_move_case",
            fields=("premises_use", "measured_area_m2", "equipment", "location"),
        ),
    ),
)

SUPERVISION_VISIT = Lifecycle.declare(
    name="supervision_visit",
    title="a supervision visit of a licensed office (SupervisionVisit.status)",
    states=InspectionStatus,
    initial={InspectionStatus.SCHEDULED},
    illegal_message=msg.ALREADY_DONE,
    illegal_code="already_done",
    moves=(
        move(
            "record",
            "ثبت نتیجهٔ بازدید نظارتی",
            {InspectionStatus.SCHEDULED},
            InspectionStatus.DONE,
            INSPECTORS,
            guard="licence_supervisable",
            effect="judge_and_record_violations",
            fields=("equipment", "hours_posted", "tariff_posted", "premises_use"),
        ),
    ),
)
