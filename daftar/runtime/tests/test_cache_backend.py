"""daftar's Redis cache backend (``daftar/runtime/cache.py``, issue 7): one client per pool and an
atomic one-round-trip ``incr``, with Django's semantics kept. Runs against the Redis of
``REDIS_URL`` (CI sets it); skipped without one."""

from __future__ import annotations

import os
import uuid

import pytest

from daftar.runtime.cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as .ci/run sets")


@pytest.fixture
def cache() -> RedisCache:
    return RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-backend-{uuid.uuid4().hex}"})


def test_incr_of_a_missing_key_raises_and_creates_nothing(cache):
    with pytest.raises(ValueError):
        cache.incr("absent")
    assert cache.get("absent") is None
    assert cache.add("absent", 0, timeout=30)  # still free


def test_incr_counts_and_keeps_the_expiry(cache):
    cache.set("count", 5, timeout=30)
    assert cache.incr("count") == 6
    assert cache.incr("count", 10) == 16
    assert cache.get("count") == 16
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("count")) <= 30


def test_one_client_is_kept_per_pool(cache):
    first = cache._cache.get_client()
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # a single server: one pool


def test_incr_and_get_many_moves_the_count_on_and_reads_in_one_call(cache):
    cache.set("count", 3, timeout=30)
    cache.set("a", {"نام": "دفتر ۱۲"}, timeout=30)
    cache.set("b", 7, timeout=30)
    count, found = cache.incr_and_get_many("count", ["a", "b", "missing"])
    assert count == 4 and cache.get("count") == 4
    assert found == {"a": {"نام": "دفتر ۱۲"}, "b": 7}  # values as get_many gives them; absent keys left out


def test_incr_and_get_many_leaves_an_absent_counter_absent(cache):
    count, found = cache.incr_and_get_many("nothing", ["nothing-either"])
    assert count is None and found == {}
    assert cache.get("nothing") is None


def test_the_module_function_takes_the_one_round_trip_on_redis(settings, monkeypatch):
    # the default cache is the Redis backend under REDIS_URL (config/settings/base.py)
    from daftar.runtime import cache as module

    calls = []
    original = RedisCache.incr_and_get_many

    def spy(self, counter, keys):
        calls.append(counter)
        return original(self, counter, keys)

    monkeypatch.setattr(RedisCache, "incr_and_get_many", spy)
    key = f"k-{uuid.uuid4().hex}"
    module.caches["default"].set(key, 1, timeout=30)
    assert module.incr_and_get_many(key, []) == (2, {})
    assert calls == [key]
