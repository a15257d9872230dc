"""Request counters in the cache (Redis in production), shared by all processes.

- ``sliding_count``/``sliding_add``/``sliding_wait``: sliding windows, for the per-address
  limits of the login (S15.3, decision 0028). No client meets a cliff at a window's edge and
  no window's end lets a burst through twice.
- ``hit``: a fixed window from the first request (per-user limits, licence verification).
- ``gap``: one event per so many seconds (the resend gap of a number).
- ``address_group``: whom a per-address limit counts: an IPv4 address, or an IPv6 /64 (one
  host holds a whole /64 and could rotate through it).
"""

from __future__ import annotations

import ipaddress
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_UNREAD: Any = object()


def address_group(address: str) -> str:
    """The group a per-address limit counts: IPv4 as is, IPv6 by its /64 (an IPv4-mapped IPv6
    address as its IPv4); anything that is not an address as given."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def login_keys(address: str) -> tuple[str, str]:
    """The sliding-window keys of an address group's login: code requests that passed the
    captcha, and those that failed it (daftar/accounts/login_limits.py; the admission gate reads
    them too)."""
    group = address_group(address)
    return f"otp:addr:{group}", f"otp:captcha-failed:{group}"


# --- sliding windows ---------------------------------------------------------------------------
#
# A sliding-window counter: two fixed buckets of ``window`` seconds, the current one and the one
# before; the count over the last ``window`` seconds is estimated as the current bucket plus the
# previous one weighted by how much of it still lies inside the window. Two cache keys per
# limit, an atomic ``add`` + ``incr`` to count (Redis: one script, daftar/runtime/cache.py), and
# no cliff: what a client did 59 minutes ago weighs almost nothing. Checks read before they count,
# so concurrent requests can overshoot a limit by the number in flight: the limits that matter
# for safety are far from the ones honest clients meet.


def _buckets(key: str, window: int, now: float) -> tuple[str, str, float]:
    index = int(now // window)
    return f"sw:{key}:{index}", f"sw:{key}:{index - 1}", (now - index * window) / window


def _estimate(current: int, previous: int, elapsed: float) -> float:
    return current + previous * (1.0 - elapsed)


def sliding_count(key: str, *, window: int, now: float | None = None) -> float:
    """The estimated number of events counted for ``key`` in the last ``window`` seconds."""
    now = time.time() if now is None else now
    current_key, previous_key, elapsed = _buckets(key, window, now)
    found = cache.get_many([current_key, previous_key])
    return _estimate(int(found.get(current_key) or 0), int(found.get(previous_key) or 0), elapsed)


def sliding_add(key: str, *, window: int, now: float | None = None) -> float:
    """Count one event for ``key``; return the estimate over the last ``window`` seconds."""
    now = time.time() if now is None else now
    current_key, previous_key, elapsed = _buckets(key, window, now)
    cache.add(current_key, 0, timeout=2 * window)
    try:
        current = cache.incr(current_key)
    except ValueError:  # expired between add and incr
        cache.set(current_key, 1, timeout=2 * window)
        current = 1
    return _estimate(current, int(cache.get(previous_key) or 0), elapsed)


def sliding_wait(key: str, *, limit: float, window: int, now: float | None = None) -> int | None:
    """Seconds until ``key``'s estimate falls below ``limit``, or None when it is below now."""
    now = time.time() if now is None else now
    current_key, previous_key, elapsed = _buckets(key, window, now)
    found = cache.get_many([current_key, previous_key])
    current, previous = int(found.get(current_key) or 0), int(found.get(previous_key) or 0)
    if _estimate(current, previous, elapsed) < limit:
        return None
    if current < limit:  # the previous bucket's share fades within this bucket
        fades_at = 1.0 - (limit - current) / previous
        return max(1, math.ceil((fades_at - elapsed) * window) + 1)
    # this bucket alone is over: it must become the previous one and fade far enough
    fades_at = 1.0 - limit / current if current else 0.0
    return max(1, math.ceil((1.0 - elapsed + fades_at) * window) + 1)


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
