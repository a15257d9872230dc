"""Django's Redis cache with one ``redis.Redis`` client per connection pool (issue 7).

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis``
for every cache call. With redis-py 8 each construction fills a table of about 170 response
callbacks, which cost about 0.2 ms per call on the benchmark machine: more than the Redis round
trip itself, and three times per request on a cached public read (bench/results/REPORT.md).
A ``redis.Redis`` is thread-safe and holds no connection of its own (it borrows from the pool,
which resets itself after a fork), so one client per pool is kept and reused. ``incr`` is one
atomic script instead of two commands. Everything else is Django's backend unchanged.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# Django's ``incr`` asks EXISTS, then INCRBY: two round trips, and not atomic (a key expiring in
# between comes back as 1 with no expiry). One script does both, atomically.
_INCR_IF_EXISTS = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('incrby', KEYS[1], ARGV[1])
end
return false
"""


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


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._scripts: dict[tuple[int, str], Any] = {}

    def _script(self, client: Any, source: str) -> Any:
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[(id(client), source)] = client.register_script(source)
        return script

    def incr(self, key: Any, delta: int) -> int:
        client = self.get_client(key, write=True)
        value = self._script(client, _INCR_IF_EXISTS)(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    def incr_and_get_many(self, counter: Any, keys: list[Any]) -> tuple[int | None, dict[Any, Any]]:
        client = self.get_client(counter, write=True)
        count, values = self._script(client, _INCR_AND_GET)(keys=[counter, *keys], client=client)
        found = {k: self._serializer.loads(v) for k, v in zip(keys, values or [], strict=False) if v is not None}  # type: ignore[attr-defined]
        return (int(count) if count is not None else None), found

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_and_get_many(self, counter: str, keys: list[str]) -> tuple[int | None, dict[str, Any]]:
        made = {self.make_and_validate_key(k): k for k in keys}  # type: ignore[attr-defined]
        count, found = self._cache.incr_and_get_many(self.make_and_validate_key(counter), list(made))  # type: ignore[attr-defined]
        return count, {made[k]: v for k, v in found.items()}


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
