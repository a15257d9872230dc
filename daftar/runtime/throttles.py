"""Sliding-window request limits in the shared cache, and the API's default throttles (issue 17).

``sliding_hit`` counts a request against a limit over a window that slides: ten counters, one
per tenth of the window, and the part of the one before them the window still covers, weighted
by that part (a "sliding window counter": at most a tenth of the window off an exact log, with
eleven numbers per key instead of a timestamp per request). A refused request is taken back out
of the count, so retrying while refused never lengthens the wait. When the cache is down the
throttles let requests through (and log it): an outage of Redis must not close the API.

The API throttles are a backstop: every DRF view gets them (``DEFAULT_THROTTLE_CLASSES``), at
rates far above what a person or an honest client sends (``DEFAULT_THROTTLE_RATES``, set in
``config/settings/base.py`` from the environment). Anonymous requests are counted per client
address (``ratelimit.client_address``: trusted proxies only), grouped as the login limits group
it (``ratelimit.address_group``: IPv6 by its /64, the block one host or one subscriber gets);
signed-in ones per user. The schema has its own tighter scope, ``schema``. A refusal is DRF's
``Throttled``, which ``daftar.kernel.api`` answers as
``429 {"code": "throttled", "detail": <Persian>, "fields": {}}`` with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from typing import Any

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .cache import incr_and_get_many
from .ratelimit import address_group, client_address

log = logging.getLogger(__name__)
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


def sliding_hit(key: str, *, limit: int, window: int, buckets: int = 10, now: float | None = None) -> int | None:
    """Count one request against ``key``: None when within ``limit`` per sliding ``window``
    seconds, else the whole seconds to wait (the refused request is not counted).

    The window is ``buckets`` counters of ``window / buckets`` seconds each, plus the part of the
    one before that the window still covers, weighted by that part: at most one bucket's worth
    off an exact log, and a wait never longer than the window and one bucket. One cache round
    trip on Redis while within the limit (the current counter moved on and the others read by
    one script, ``incr_and_get_many``); two at a bucket's first request and on a refusal.
    """
    now = time.time() if now is None else now
    width = window / buckets
    index = int(now // width)
    names = [f"sw:{key}:{window}:{i}" for i in range(index - buckets, index + 1)]  # oldest first
    count, found = incr_and_get_many(names[-1], names[:-1])
    if count is None:
        if cache.add(names[-1], 1, timeout=int(window + 2 * width) + 1):
            count = 1
        else:  # a concurrent request created it first
            try:
                count = cache.incr(names[-1])
            except ValueError:
                count = 1
    counts = [int(found.get(name) or 0) for name in names[:-1]] + [count]
    covered = 1.0 - (now - index * width) / width  # the part of the oldest bucket still in the window
    if covered * counts[0] + sum(counts[1:]) <= limit:
        return None
    with contextlib.suppress(ValueError):
        cache.decr(names[-1])  # refused: not counted
    counts[-1] -= 1
    # How long until the requests sliding out leave room for one more: the oldest bucket's
    # share goes first, over what is left of it, then each later bucket over its full width.
    excess = covered * counts[0] + sum(counts[1:]) + 1 - limit
    wait, shares = 0.0, [(covered * counts[0], covered * width)] + [(c, width) for c in counts[1:]]
    for share, seconds in shares:
        if share >= excess:
            wait += seconds * excess / share
            break
        excess -= share
        wait += seconds
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
        try:
            self._wait = sliding_hit(f"thr:{self.scope}:{ident}", limit=limit, window=window)
        except Exception as exc:  # fail open: a cache outage must neither refuse nor 500
            log.warning("throttle %s not counted, the cache is unavailable: %s", self.scope, exc)
            return True
        if self._wait is not None:  # the 429s per gate (daftar/ops): on the request under DRF's
            getattr(request, "_request", request).throttle_gate = f"api:{self.scope}"
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
