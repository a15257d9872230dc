"""Fixed-window counters in the cache (Redis in production), shared by all processes.

Used for the one-time-code throttles (S15.3): a per-number resend gap, a per-number hourly
cap and per-address limits. ``hit`` counts a request and says how long to wait when over.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def hit(key: str, *, limit: int, window: int, now: float | None = None) -> int | None:
    """Count one request against ``key``; return seconds to wait if over ``limit``, else None.

    The window starts at the first request and lasts ``window`` seconds. ``cache.add`` and
    ``cache.incr`` are atomic in Redis, so concurrent processes cannot both slip under the cap.
    """
    now = time.time() if now is None else now
    start_key, count_key = f"rl:{key}:start", f"rl:{key}:count"
    cache.add(start_key, now, timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)
        count = 1
    if count <= limit:
        return None
    started = cache.get(start_key, now)
    return max(1, int(started + window - now + 0.999))


def peek_wait(key: str, *, limit: int, window: int, now: float | None = None) -> int | None:
    """Seconds to wait if ``key`` is already at ``limit``, without counting a request."""
    now = time.time() if now is None else now
    count = cache.get(f"rl:{key}:count", 0)
    if count < limit:
        return None
    started = cache.get(f"rl:{key}:start", now)
    return max(1, int(started + window - now + 0.999))


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting only ``TRUSTED_PROXY_COUNT`` proxies' X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", "unknown"))
