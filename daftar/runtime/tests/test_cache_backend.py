"""daftar's Redis cache backend (``daftar/runtime/cache.py``): django-redis (issue 20) with one
client per server, an atomic ``incr`` and daftar's one-round-trip counter, with Django's
semantics kept and the keys and values of the former backend read as they were (a rolling
deploy keeps counters). Runs against the Redis of ``REDIS_URL`` (CI sets it); skipped without one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from daftar.runtime.cache import RedisCache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as .ci/run sets")


def _worker_redis() -> str:
    """This test worker's own Redis database (config/settings/test.py gives each xdist worker
    one): on REDIS_URL's database another worker's tests clear the cache under these keys."""
    from django.conf import settings

    return str(settings.CACHES["default"]["LOCATION"])


@pytest.fixture
def cache() -> RedisCache:
    return RedisCache(
        _worker_redis(), {"KEY_PREFIX": f"test-backend-{uuid.uuid4().hex}", "OPTIONS": {"PICKLE_VERSION": -1}}
    )


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
    assert 0 < cache.ttl("count") <= 30


def test_one_client_is_kept_per_pool(cache):
    first = cache.client.get_client()
    assert cache.client.get_client() is first
    assert cache.client.get_client(write=False) is first  # a single server: one pool


def test_what_the_former_backend_wrote_is_read_and_counted_on(cache):
    # Django's own Redis backend (the one before issue 20), same server and prefix
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache  # only this test

    former = DjangoRedisCache(_worker_redis(), {"KEY_PREFIX": cache.key_prefix})
    former.set("count", 41, timeout=30)
    former.set("entry", {"نام": "دفتر ۱۲", "n": 3}, timeout=30)
    assert cache.incr("count") == 42
    assert cache.get("entry") == {"نام": "دفتر ۱۲", "n": 3}
    cache.set("back", [1, "۲"], timeout=30)
    assert former.get("back") == [1, "۲"] and former.get("count") == 42


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


def test_sentinels_are_read_with_or_without_a_port() -> None:
    """DAFTAR_REDIS_SENTINELS=s1,s2:26380: a bare host means Sentinel's own port, 26379; the
    cache then speaks to the master through them (read in a fresh interpreter: settings are
    module-level)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "REDIS_URL": "redis://:pw@127.0.0.1:6379/2",
        "DAFTAR_REDIS_SENTINELS": "s1, s2:26380,s3",
        "DAFTAR_REDIS_SENTINEL_MASTER": "daftar-master",
    }
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.REDIS_SENTINELS, s.CACHES['default']['LOCATION']]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    sentinels, location = json.loads(out.stdout.strip().splitlines()[-1])
    assert sentinels == [["s1", 26379], ["s2", 26380], ["s3", 26379]]
    assert location == ["redis://:pw@daftar-master/2?is_master=1"]
