"""The outbox message's declared lifecycle (issue 16): the drain's bulk statements perform the
declared moves from their source state only, so every illegal (state, move) through the real
drain functions leaves the row as it is; and the status is not assigned outside a move."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from daftar.kernel.lifecycle import StatusProtected
from daftar.notifications import services
from daftar.notifications.backends import SmsRejected
from daftar.notifications.models import OutboxMessage
from daftar.notifications.workflow import OUTBOX, OutboxStatus

pytestmark = pytest.mark.django_db


class Refusing:
    def send(self, sms: Any) -> None:
        raise SmsRejected("refused")


def _in(state: str) -> OutboxMessage:
    """A one-time code in ``state``, older than its life (a fixture, not a move)."""
    message = services.outbox_enqueue(to="09120000001", text="کد: ۱۲۳۴۵۶", kind="otp", sensitive=True)
    old = timezone.now() - dt.timedelta(days=1)
    OutboxMessage.objects.filter(pk=message.pk).update(status=state, created_at=old)
    return OutboxMessage.objects.get(pk=message.pk)


def _take_through_the_drain(action: str, message: OutboxMessage) -> None:
    if action == "send":
        services._record_sent([message])
    elif action == "fail":
        services._send(Refusing(), message)
    else:  # the code is past its life
        services._stale_secret(message)


ILLEGAL = list(OUTBOX.illegal())


@pytest.mark.parametrize(
    ("state", "action"), [(s, m.action) for s, m in ILLEGAL], ids=[f"{s}-{m.action}" for s, m in ILLEGAL]
)
def test_every_illegal_move_through_the_drain_changes_nothing(state: str, action: str) -> None:
    message = _in(state)
    before = OutboxMessage.objects.filter(pk=message.pk).values().get()
    _take_through_the_drain(action, message)
    assert OutboxMessage.objects.filter(pk=message.pk).values().get() == before


@pytest.mark.parametrize("action", sorted(OUTBOX.moves))
def test_every_declared_move_through_the_drain_reaches_its_target(action: str) -> None:
    message = _in(OutboxStatus.PENDING)
    _take_through_the_drain(action, message)
    assert OutboxMessage.objects.get(pk=message.pk).status == OUTBOX.moves[action].target


def test_the_status_is_not_assigned_outside_a_move() -> None:
    message = _in(OutboxStatus.PENDING)
    with pytest.raises(StatusProtected):
        message.status = OutboxStatus.SENT
    OUTBOX.enter(message, OUTBOX.moves["send"])
    assert message.status == OutboxStatus.SENT
