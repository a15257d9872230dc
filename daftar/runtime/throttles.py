"""Sliding-window request limits in the shared cache, and the API's default throttles (issue 17).

``sliding_hit`` counts a request against a limit over a window that slides: the count of the
current fixed slot plus the previous slot's count weighted by how much of it the window still
covers (the "sliding window counter"; at most a few per cent off an exact log, with two numbers
per key instead of a timestamp per request). A refused request is taken back out of the count,
so retrying while refused never lengthens the wait.

The API throttles are a backstop: every DRF view gets them (``DEFAULT_THROTTLE_CLASSES``), at
rates far above what a person or an honest client sends (``DEFAULT_THROTTLE_RATES``, set in
``config/settings/base.py`` from the environment). Anonymous requests are counted per client
address (``ratelimit.client_address``: trusted proxies only) with IPv6 grouped by its /64, the
block one host or one subscriber gets; signed-in ones per user. The schema has its own tighter
scope, ``schema``. A refusal is DRF's ``Throttled``, which ``daftar.kernel.api`` answers as
``429 {"code": "throttled", "detail": <Persian>, "fields": {}}`` with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import time
from typing import Any

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .cache import incr_and_get_many
from .ratelimit import client_address

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def address_group(address: str) -> str:
    """The unit an address is counted in: an IPv4 address itself, an IPv6 address's /64
    (an IPv4-mapped IPv6 address as its IPv4 address); anything unparsable as it is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"600/min"`` → ``(600, 60)``; the period's first letter counts (s, m, h, d), an optional
    number before it multiplies (``"100/10m"``). None or ``"0/…"`` is no limit."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    digits = period.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = period[len(digits) : len(digits) + 1]
    limit = int(count)
    if limit <= 0 or unit not in _PERIODS:
        return None
    return limit, int(digits or 1) * _PERIODS[unit]


def sliding_hit(key: str, *, limit: int, window: int, now: float | None = None) -> int | None:
    """Count one request against ``key``: None when within ``limit`` per sliding ``window``
    seconds, else the whole seconds to wait (the refused request is not counted).

    One cache round trip on Redis while within the limit (the counter moved on and the previous
    slot read together, ``incr_and_get_many``); two at a slot's first request and on a refusal.
    """
    now = time.time() if now is None else now
    slot = int(now // window)
    current, previous = f"sw:{key}:{slot}", f"sw:{key}:{slot - 1}"
    count, found = incr_and_get_many(current, [previous])
    if count is None:
        if cache.add(current, 1, timeout=2 * window + 1):
            count = 1
        else:  # a concurrent request created it first
            try:
                count = cache.incr(current)
            except ValueError:
                count = 1
    before = int(found.get(previous) or 0)
    elapsed = now - slot * window
    covered = 1.0 - elapsed / window  # the part of the previous slot the window still covers
    if before * covered + count <= limit:
        return None
    with contextlib.suppress(ValueError):
        cache.decr(current)  # refused: not counted
    count = max(0, count - 1)
    if count >= limit:  # the current slot alone is full: into the next one, until count·(1 − t/window) + 1 ≤ limit
        wait = (window - elapsed) + window * (1.0 - (limit - 1) / count)
    else:  # until the previous slot's share leaves room: before·(covered − t/window) + count + 1 ≤ limit
        wait = window * (covered - (limit - count - 1) / before) if before else 1.0
    return max(1, math.ceil(wait))


class _Backstop(BaseThrottle):
    """A sliding-window limit named by ``scope`` in ``DEFAULT_THROTTLE_RATES``, read at each
    request (settings can change in tests); ``ident`` says whose budget a request spends, or
    None for requests this throttle leaves alone."""

    scope = ""

    def __init__(self) -> None:
        self._wait: int | None = None

    def ident(self, request: Any) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Any, view: Any) -> bool:
        rate = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or ""))
        if rate is None:
            return True
        ident = self.ident(request)
        if ident is None:
            return True
        limit, window = rate
        self._wait = sliding_hit(f"thr:{self.scope}:{ident}", limit=limit, window=window)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


def _anonymous_ident(request: Any) -> str:
    return address_group(client_address(request))


class AnonBackstopThrottle(_Backstop):
    """Anonymous API requests, per client address (IPv6: per /64)."""

    scope = "anon"

    def ident(self, request: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return _anonymous_ident(request)


class UserBackstopThrottle(_Backstop):
    """Signed-in API requests, per user."""

    scope = "user"

    def ident(self, request: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None


class SchemaThrottle(_Backstop):
    """The OpenAPI schema, per client address whoever asks (a schema is for tools and
    developers; a few a minute is plenty)."""

    scope = "schema"

    def ident(self, request: Any) -> str | None:
        return _anonymous_ident(request)
