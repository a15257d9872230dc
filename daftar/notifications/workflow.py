"""The outbox message's lifecycle, declared once with the kernel (issue 16).

``OUTBOX`` is the one table of what happens to a queued SMS, every move the system's (the drain
task, ``actor=None``): the gateway took it (``send``), refused it or it ran out of attempts
(``fail``), or it is a one-time code that outlived its use before the gateway could take it
(``expire``). Claiming a batch (its lease), giving back an unsent rest and scheduling a retry
are not moves: the status stays ``pending``.

The drain (``services``) writes these moves with bulk ``.update()`` statements, one per batch,
under the claim's lease (issue 7: one commit per message cost the worker more than the send):
the database does not go through ``Lifecycle.take`` there, and each such statement names the
move it performs and filters on the move's source state. The in-memory objects it hands back are
moved with ``OUTBOX.enter``; ``Outbox.status`` is a ``StatusField``, so nothing assigns it
otherwise.
"""

from __future__ import annotations

from django.db import models

from daftar.kernel.lifecycle import SYSTEM, Lifecycle, Move, move


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "در صف"
    SENT = "sent", "ارسال‌شده"
    FAILED = "failed", "ناموفق"


OUTBOX = Lifecycle.declare(
    name="outbox",
    title="an SMS in the outbox (OutboxMessage.status)",
    states=OutboxStatus,
    initial={OutboxStatus.PENDING},
    moves=(
        move("send", "ارسال شد", {OutboxStatus.PENDING}, OutboxStatus.SENT, {SYSTEM}),
        move("fail", "ارسال نشد", {OutboxStatus.PENDING}, OutboxStatus.FAILED, {SYSTEM}),
        move("expire", "رمز یک‌بار مصرف پیش از ارسال منقضی شد", {OutboxStatus.PENDING}, OutboxStatus.FAILED, {SYSTEM}),
    ),
)
SEND, FAIL, EXPIRE = (OUTBOX.moves[a] for a in ("send", "fail", "expire"))


def sources(chosen: Move) -> list[str]:
    """The states a bulk statement performing ``chosen`` may start from (its ``status__in``)."""
    return sorted(chosen.sources)
