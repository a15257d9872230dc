"""Where the beat's heartbeat is kept: one cache key (Redis in production) holding the Unix time
of the last ``beat_heartbeat`` task. Kept without expiry; a flushed or restarted Redis loses it,
and readiness then waits for the next one (``HEALTH_BEAT_INTERVAL`` seconds at most)."""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "ops:beat-heartbeat"


def beat(now: float | None = None) -> None:
    cache.set(KEY, time.time() if now is None else now, timeout=None)


def last() -> float | None:
    """The time of the newest heartbeat, or None when there is none. Raises what the cache raises."""
    value = cache.get(KEY)
    return None if value is None else float(value)
