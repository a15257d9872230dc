"""Fixed-window counters in the cache (Redis in production), shared by all processes.

Used for the one-time-code throttles (S15.3): a per-number resend gap, a per-number hourly
cap and per-address limits. ``hit`` counts a request and says how long to wait when over.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_UNREAD: Any = object()


def window_keys(key: str) -> tuple[str, str]:
    """The cache keys of ``key``'s window: its start and its count."""
    return f"rl:{key}:start", f"rl:{key}:count"


def hit(
    key: str,
    *,
    limit: int,
    window: int,
    now: float | None = None,
    started: Any = _UNREAD,
    counted: int | None = None,
) -> int | None:
    """Count one request against ``key``; return seconds to wait if over ``limit``, else None.

    The window starts at the first request and lasts ``window`` seconds. Windows are judged
    by the stored start time (the cache TTL only cleans up), and ``add``/``incr`` are atomic
    in Redis, so concurrent processes cannot both slip under the cap. A caller that already
    read the start key (``window_keys``) together with its own keys passes it as ``started``
    (one cache round trip fewer); one that also moved the count on in that round trip
    (``daftar.runtime.cache.incr_and_get_many``) passes the new count as ``counted``, used when the
    window it counted in is still the current one.
    """
    now = time.time() if now is None else now
    start_key, count_key = window_keys(key)
    if started is _UNREAD:
        started = cache.get(start_key)
    if started is not None and now - float(started) >= window:
        cache.delete_many([start_key, count_key])
        started = counted = None  # a count made in the window just ended is not this one's
    if started is None:
        cache.add(start_key, now, timeout=window)
        cache.add(count_key, 0, timeout=window)
        started = cache.get(start_key, now)
    if counted is not None:
        count = counted
    else:
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, timeout=window)
            count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(float(started) + window - now))


def gap(key: str, *, seconds: int, now: float | None = None) -> int | None:
    """Allow one event per ``seconds`` for ``key``; return seconds to wait, or None and
    record the event."""
    now = time.time() if now is None else now
    cache_key = f"gap:{key}"
    last = cache.get(cache_key)
    if last is not None and now - float(last) < seconds:
        return max(1, math.ceil(float(last) + seconds - now))
    if last is None:
        if not cache.add(cache_key, now, timeout=seconds):
            return seconds  # a concurrent request took the slot
    else:
        cache.set(cache_key, now, timeout=seconds)
    return None


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting only ``TRUSTED_PROXY_COUNT`` proxies' X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", "unknown"))
