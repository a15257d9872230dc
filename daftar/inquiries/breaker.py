"""A circuit breaker per outside body, its state in Django's cache (Redis: shared by workers).

When a body is down, every queued inquiry would wait out its full timeout and hold a worker.
After ``INQUIRY_BREAKER_THRESHOLD`` consecutive failures the breaker opens: for
``INQUIRY_BREAKER_COOLDOWN`` seconds no call is made. Then it is half-open: exactly one
caller per cool-down window (an atomic ``cache.add``) makes a trial call; success closes it, failure reopens it.

The state is three keys, each changed atomically on its own (``add``/``incr``/``set``): a
race between workers can at worst count one failure too many or too few, which is harmless
for a breaker. Time is ``time.time()`` so that tests can move it with ``time_machine``.
"""

from __future__ import annotations

import math
import time
from typing import Literal

from django.conf import settings
from django.core.cache import cache

State = Literal["closed", "open", "half_open"]


class Breaker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._failures = f"breaker:{name}:failures"
        self._open_until = f"breaker:{name}:open_until"
        self._trial = f"breaker:{name}:trial"

    def state(self) -> State:
        open_until = cache.get(self._open_until)
        if open_until is None:
            return "closed"
        return "open" if time.time() < open_until else "half_open"

    def retry_after(self) -> int:
        """Seconds until an open breaker lets a trial call through (at least one)."""
        open_until = cache.get(self._open_until) or 0
        return max(1, math.ceil(open_until - time.time()))

    def allow(self) -> bool:
        """May a call be made now? In half-open, only to the one caller that takes the trial.

        The trial claim expires after a cooldown, so a worker that died during the trial call
        does not keep the breaker half-open with no one allowed through.
        """
        state = self.state()
        if state == "closed":
            return True
        if state == "open":
            return False
        # one claim per cool-down window; the window is read from ``time.time()``, not the
        # cache's own expiry, so it behaves the same on every cache backend (and in tests)
        window = int(time.time() // max(1, self._cooldown()))
        return bool(cache.add(f"{self._trial}:{window}", time.time(), 2 * self._cooldown()))

    def success(self) -> None:
        cache.delete_many([self._failures, self._open_until])

    def failure(self) -> None:
        state = self.state()
        if state == "half_open":  # the trial failed: another cooldown
            self._open()
        elif state == "closed":
            cache.add(self._failures, 0, None)
            try:
                failures = cache.incr(self._failures)
            except ValueError:  # reset by a success in between
                return
            if failures >= settings.INQUIRY_BREAKER_THRESHOLD:
                self._open()
        # open: a call that started before the breaker opened; nothing to add

    def _open(self) -> None:
        cache.set(self._open_until, time.time() + self._cooldown(), None)

    @staticmethod
    def _cooldown() -> int:
        return int(settings.INQUIRY_BREAKER_COOLDOWN)
