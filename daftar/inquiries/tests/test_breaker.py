"""The circuit breaker: opens after the threshold, half-opens after the cooldown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from daftar.inquiries.breaker import Breaker


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.INQUIRY_BREAKER_THRESHOLD = 3
    settings.INQUIRY_BREAKER_COOLDOWN = 60


def test_opens_after_consecutive_failures_and_half_opens_after_cooldown() -> None:
    start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        breaker = Breaker("test")
        for _ in range(2):
            breaker.failure()
        assert breaker.state() == "closed" and breaker.allow()
        breaker.failure()
        assert breaker.state() == "open"
        assert not breaker.allow()

        clock.shift(59)
        assert breaker.state() == "open"
        clock.shift(2)
        assert breaker.state() == "half_open"
        assert breaker.allow()  # the one trial call
        assert not breaker.allow()  # nobody else meanwhile
        breaker.failure()  # the trial failed: another cooldown
        assert breaker.state() == "open" and not breaker.allow()

        clock.shift(61)
        assert breaker.allow()
        breaker.success()
        assert breaker.state() == "closed"
        breaker.failure()
        assert breaker.state() == "closed"  # the count started again


def test_a_success_resets_the_consecutive_count() -> None:
    breaker = Breaker("test")
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    assert breaker.state() == "closed"


def test_breakers_are_per_name() -> None:
    for _ in range(3):
        Breaker("a").failure()
    assert Breaker("a").state() == "open"
    assert Breaker("b").state() == "closed"


def test_a_dead_trial_caller_does_not_block_the_breaker() -> None:
    start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        breaker = Breaker("test")
        for _ in range(3):
            breaker.failure()
        clock.shift(61)
        assert breaker.allow()  # its caller dies and never reports
        clock.shift(61)
        assert breaker.allow()
