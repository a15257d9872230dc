"""The states of a complaint (issue 21 §3), declared once with the kernel's lifecycle.

received → answered (upheld or rejected, with reasons) → reopened (by the complainant, once)
→ answered again. Registering creates the row in ``received``; recording a violation from an
upheld office complaint is a staff action of ``policy.py``, not a move. The diagram is
``docs/lifecycles/complaint.md`` (``make diagrams``); the guards and effects are bound in
``services.py``.
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import Lifecycle, move

from . import messages as msg


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "دریافت‌شده"
    ANSWERED = "answered", "پاسخ داده‌شده"
    REOPENED = "reopened", "در بررسی دوباره"


COMPLAINANT = "complainant"  # the person who filed it, not a municipal role
ANSWERERS = frozenset({Role.SUPERVISOR})

COMPLAINT = Lifecycle.declare(
    name="complaint",
    title="a citizen's complaint about their case or an office (Complaint.status)",
    states=ComplaintStatus,
    initial={ComplaintStatus.RECEIVED},
    illegal_message=msg.ILLEGAL,
    moves=(
        move(
            "answer",
            "پاسخ مستدل",
            {ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED},
            ComplaintStatus.ANSWERED,
            ANSWERERS,
            guard="reasoned",
            effect="keep_answer",
            fields=("decision", "answer"),
        ),
        # once: the guard refuses a second reopening
        move(
            "reopen",
            "درخواست بررسی دوباره",
            {ComplaintStatus.ANSWERED},
            ComplaintStatus.REOPENED,
            {COMPLAINANT},
            guard="reopenable",
            effect="restart_clock",
            fields=("text",),
        ),
    ),
)
