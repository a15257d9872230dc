"""The Redis cache: django-redis's backend (issue 20, point 9) with daftar's atomic counter.

django-redis replaces the subclass of Django's own Redis backend that issue 7 wrote: it keeps one
``redis.Redis`` client per server (what the subclass was for: Django's backend built a client,
and its table of ~170 response callbacks, on every call), its ``incr`` is already one atomic
script, and it brings Sentinel (``django_redis.client.SentinelClient``, configured in
config/settings/base.py from ``DAFTAR_REDIS_SENTINELS``). What stays here is the counter moved on
and other keys read in one round trip (``incr_and_get_many``, the throttles' and the licence
check's hot path).

Keys and values are as before, so a rolling deploy keeps counters and entries: the key is
``<prefix>:<version>:<key>`` under both backends, an integer is stored as a plain Redis integer
and anything else pickled (``PICKLE_VERSION`` -1 as Django's backend did).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache, caches
from django_redis.cache import RedisCache as DjangoRedisCache

# A counter moved on and other keys read, in one round trip (a throttled public read: the
# throttle's count and the answer's entry together). The count is false when the counter is absent.
_INCR_AND_GET = """
local count = false
if redis.call('exists', KEYS[1]) == 1 then
  count = redis.call('incrby', KEYS[1], 1)
end
local values = {}
if #KEYS > 1 then
  values = redis.call('mget', unpack(KEYS, 2))
end
return {count, values}
"""


class RedisCache(DjangoRedisCache):
    """django-redis's cache with ``incr_and_get_many``."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._scripts: dict[int, Any] = {}  # id(redis client) -> its registered script

    def incr_and_get_many(self, counter: str, keys: list[str]) -> tuple[int | None, dict[str, Any]]:
        client = self.client  # django-redis's client (default or Sentinel)
        made = {str(client.make_key(k)): k for k in keys}
        redis = client.get_client(write=True)  # the primary: the counter is written
        script = self._scripts.get(id(redis))
        if script is None:
            script = self._scripts[id(redis)] = redis.register_script(_INCR_AND_GET)
        count, values = script(keys=[str(client.make_key(counter)), *made], client=redis)
        found = {made[k]: client.decode(v) for k, v in zip(made, values or [], strict=False) if v is not None}
        return (int(count) if count is not None else None), found


def incr_and_get_many(counter: str, keys: list[str]) -> tuple[int | None, dict[str, Any]]:
    """Move the counter at ``counter`` on by one (None when it does not exist, left absent) and
    read ``keys``: one round trip on Redis, ``incr`` then ``get_many`` on other backends."""
    backend = caches["default"]  # ``cache`` is a proxy: an isinstance test on it is always false
    if isinstance(backend, RedisCache):
        return backend.incr_and_get_many(counter, keys)
    try:
        count: int | None = cache.incr(counter)
    except ValueError:
        count = None
    return count, cache.get_many(keys)


# --- versions: invalidation by a value that only moves on ---------------------------------------
#
# The caches of issue 7 (case bodies, token entries, tariff tables, licence verification, days
# off) keep each entry with the version(s) it was built under and use it only while they match.
# A version is a unique value (``time.time_ns()``), so an entry built under an expired or evicted
# version is never matched by the fresh one.


def version_get(key: str, *, timeout: int, found: dict[str, Any] | None = None) -> object:
    """The version stored at ``key`` (taken from ``found`` when the caller read it together with
    its entry), created as a fresh unique value when there is none."""
    value = cache.get(key) if found is None else found.get(key)
    if value is None:
        fresh = time.time_ns()
        cache.add(key, fresh, timeout=timeout)
        value = cache.get(key, fresh)
    return value


def version_bump(key: str, *, timeout: int) -> None:
    """Move the version at ``key`` on: every entry built under the old one is dead."""
    cache.set(key, time.time_ns(), timeout=timeout)
