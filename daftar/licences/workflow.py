"""What can happen to an issued licence (S16, P5), declared once with the kernel's lifecycle.

``LICENCE`` is the single table: suspension, reinstatement, revocation and renewal by the
licensing authority of the licence's municipality, and the hourly sweep's end of a suspension
and expiry. Its diagram is ``docs/lifecycles/licence.md`` (``make diagrams``); who may take a
move is answered by ``policy.may_move``; the guards and effects are bound, and the moves taken,
by ``moves.py``.
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import SYSTEM, Lifecycle, Move, move

from . import messages as msg


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", "فعال"
    SUSPENDED = "suspended", "تعلیق‌شده"
    REVOKED = "revoked", "لغوشده"
    EXPIRED = "expired", "منقضی"


AUTHORITY = {Role.LICENSING_AUTHORITY}
REASON = ("reason",)

LICENCE = Lifecycle.declare(
    name="licence",
    title="the issued licence (Licence.status)",
    states=LicenceStatus,
    initial={LicenceStatus.ACTIVE},
    illegal_message=msg.ILLEGAL_MOVE,
    illegal_code="illegal_move",
    unknown_message=msg.UNKNOWN_ACTION,
    moves=(
        # until a day after today; the sweep lifts it after that day (temporary suspension, P5)
        move(
            "suspend",
            msg.EVENT_LABELS["suspend"],
            {LicenceStatus.ACTIVE},
            LicenceStatus.SUSPENDED,
            AUTHORITY,
            guard="in_force",
            effect="start_suspension",
            fields=("reason", "until"),
        ),
        move(
            "reinstate",
            msg.EVENT_LABELS["reinstate"],
            {LicenceStatus.SUSPENDED},
            LicenceStatus.ACTIVE,
            AUTHORITY,
            effect="clear_suspension",
            fields=REASON,
        ),
        # final (S16: any violation can lead to revocation)
        move(
            "revoke",
            msg.EVENT_LABELS["revoke"],
            {LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED},
            LicenceStatus.REVOKED,
            AUTHORITY,
            effect="start_revocation",
            fields=REASON,
        ),
        # within the renewal window or the grace period, if the case meets today's conditions
        move(
            "renew",
            msg.EVENT_LABELS["renew"],
            {LicenceStatus.ACTIVE, LicenceStatus.EXPIRED},
            LicenceStatus.ACTIVE,
            AUTHORITY,
            guard="renewable",
            effect="extend_validity",
            fields=REASON,
        ),
        move(
            "suspension_end",
            msg.EVENT_LABELS["suspension_end"],
            {LicenceStatus.SUSPENDED},
            LicenceStatus.ACTIVE,
            {SYSTEM},
            guard="suspension_over",
            effect="clear_suspension",
        ),
        # LICENCE_GRACE_DAYS after valid_until
        move(
            "expire",
            msg.EVENT_LABELS["expire"],
            {LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED},
            LicenceStatus.EXPIRED,
            {SYSTEM},
            guard="lapsed",
            effect="clear_suspension",
        ),
    ),
)
MOVES: dict[str, Move] = LICENCE.moves
# The moves a person takes (``POST …/actions``), in the table's order; the others are the sweep's.
ACTIONS = tuple(action for action, m in MOVES.items() if SYSTEM not in m.roles)
