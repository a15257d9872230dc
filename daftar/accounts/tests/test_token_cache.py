"""Cached knox token look-ups (issue 7): fewer queries per request, yet a revoked, expired or
deactivated token is refused on the very next request and the cache never holds a raw token."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from daftar.accounts.authentication import TOKEN_CACHE_SECONDS, cache_key
from daftar.accounts.models import User

pytestmark = pytest.mark.django_db
MOBILE = "09351112244"


@pytest.fixture
def _locmem_cache(settings):
    settings.CACHES = LOCMEM
    cache.clear()


@pytest.fixture
def user() -> User:
    return User.objects.create_user(mobile=MOBILE)


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def knox_queries(client: APIClient) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/api/v1/me").status_code
    return status, [q["sql"] for q in queries.captured_queries if "knox_authtoken" in q["sql"]]


def test_the_second_request_does_not_read_the_token_table(user):
    _instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    status, first = knox_queries(client)
    assert status == 200 and first  # knox's own look-up the first time
    status, second = knox_queries(client)
    assert status == 200 and second == []
    assert client.get("/api/v1/me").json()["mobile"] == MOBILE


def test_logout_refuses_the_token_on_the_very_next_request(user):
    _instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    assert client.get("/api/v1/me").status_code == 200  # now cached
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    assert cache.get(cache_key(hash_token(token))) is None


def test_logout_all_refuses_every_cached_token_of_the_user(user):
    tokens = [AuthToken.objects.create(user=user)[1] for _ in range(3)]
    for token in tokens:
        assert bearer(token).get("/api/v1/me").status_code == 200
    assert bearer(tokens[0]).post("/api/v1/auth/logout?all=1").status_code == 204
    assert [bearer(t).get("/api/v1/me").status_code for t in tokens] == [401, 401, 401]


def test_a_deactivated_user_is_refused_at_once(user):
    _instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    assert client.get("/api/v1/me").status_code == 200  # the user row is now cached with the token
    user.is_active = False
    user.save(update_fields=["is_active"])  # as the admin does
    assert client.get("/api/v1/me").status_code == 401


def test_a_changed_user_row_shows_at_once(user):
    _instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    assert client.get("/api/v1/me").json()["first_name"] != "زهرا"
    user.first_name = "زهرا"
    user.save(update_fields=["first_name"])
    assert client.get("/api/v1/me").json()["first_name"] == "زهرا"


@pytest.mark.usefixtures("_locmem_cache")
def test_a_change_behind_the_signals_back_shows_within_the_cache_lifetime(user):
    _instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    assert client.get("/api/v1/me").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)  # QuerySet.update: no signal
    later = timezone.now() + dt.timedelta(seconds=TOKEN_CACHE_SECONDS + 1)
    with time_machine.travel(later):
        assert client.get("/api/v1/me").status_code == 401


def test_an_expired_token_is_refused_even_when_cached(user, settings):
    _instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    assert client.get("/api/v1/me").status_code == 200  # cached (and auto-refreshed to now + TTL)
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    with time_machine.travel(timezone.now() + ttl + dt.timedelta(seconds=1)):
        assert client.get("/api/v1/me").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()  # knox removed it


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "token-cache"}}


# These two read the cache's own clock and contents: locmem's (Redis keeps real time and cannot
# be listed); the code under test only uses the cache API, the same on both.
@pytest.mark.usefixtures("_locmem_cache")
def test_the_cache_entry_never_outlives_the_token(user, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "AUTO_REFRESH": False}
    _instance, token = AuthToken.objects.create(user=user, expiry=dt.timedelta(seconds=10))
    client = bearer(token)
    assert client.get("/api/v1/me").status_code == 200
    assert cache.get(cache_key(hash_token(token))) is not None
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11)):
        assert cache.get(cache_key(hash_token(token))) is None
        assert client.get("/api/v1/me").status_code == 401


@pytest.mark.usefixtures("_locmem_cache")
def test_the_cache_holds_no_raw_token(user):
    _instance, token = AuthToken.objects.create(user=user)
    assert bearer(token).get("/api/v1/me").status_code == 200
    entry = cache.get(cache_key(hash_token(token)))
    assert entry is not None and entry["user"] == user.pk
    stored = b"".join(k.encode() + pickle.dumps(v) for k, v in cache._cache.items())  # type: ignore[attr-defined]
    assert token.encode() not in stored
    assert token[:8].encode() + token[8:16].encode() not in stored


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer \u06f1\u06f2\u06f3", "Bearer " + "f" * 500])
def test_bad_tokens_are_refused_without_a_server_error(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/me").status_code == 401


def test_auto_refresh_writes_at_most_once_per_refresh_interval(user):
    from knox.settings import knox_settings

    interval = knox_settings.MIN_REFRESH_INTERVAL
    assert interval == 600  # config/settings/base.py REST_KNOX
    instance, token = AuthToken.objects.create(user=user)
    client = bearer(token)
    start = timezone.now()
    assert client.get("/api/v1/me").status_code == 200
    first = AuthToken.objects.get(pk=instance.pk).expiry
    with time_machine.travel(start + dt.timedelta(seconds=interval - 30)):
        _status, queries = knox_queries(client)
        assert not any(q.startswith("UPDATE") for q in queries)
        assert AuthToken.objects.get(pk=instance.pk).expiry == first
    with time_machine.travel(start + dt.timedelta(seconds=interval + 30)):
        assert client.get("/api/v1/me").status_code == 200
        assert AuthToken.objects.get(pk=instance.pk).expiry > first + dt.timedelta(seconds=interval)


@pytest.mark.django_db(transaction=True)
def test_a_token_issued_at_login_is_remembered_for_its_first_request(user):
    from daftar.accounts.services import auth_token_create

    token = auth_token_create(user=user)  # committed: the entry is written on commit
    status, queries = knox_queries(bearer(token))
    assert status == 200 and queries == []


def test_a_token_whose_login_rolled_back_is_not_remembered(user):
    from django.db import transaction

    from daftar.accounts.services import auth_token_create

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        token = auth_token_create(user=user)
        raise Boom
    assert cache.get(cache_key(hash_token(token))) is None
    assert bearer(token).get("/api/v1/me").status_code == 401


def test_a_deactivation_between_a_look_up_and_its_cache_write_is_not_undone(user, monkeypatch):
    """The race of a miss: the request reads the active user, the admin deactivates them (and
    the cache forgets the token), then the request writes its entry. That entry must not let
    the next request in."""
    from daftar.accounts.authentication import CachedTokenAuthentication

    _instance, token = AuthToken.objects.create(user=user)
    original = CachedTokenAuthentication._look_up

    def look_up_then_deactivate(self, *args, **kwargs):
        found = original(self, *args, **kwargs)  # the row is read: active
        fresh = User.objects.get(pk=user.pk)
        fresh.is_active = False
        fresh.save(update_fields=["is_active"])  # the admin's change lands before the write
        return found

    monkeypatch.setattr(CachedTokenAuthentication, "_look_up", look_up_then_deactivate)
    assert bearer(token).get("/api/v1/me").status_code == 200  # this request had already read it
    monkeypatch.setattr(CachedTokenAuthentication, "_look_up", original)
    assert bearer(token).get("/api/v1/me").status_code == 401


def test_a_logout_between_a_look_up_and_its_cache_write_is_not_undone(user, monkeypatch):
    from daftar.accounts.authentication import CachedTokenAuthentication

    instance, token = AuthToken.objects.create(user=user)
    original = CachedTokenAuthentication._look_up

    def look_up_then_revoke(self, *args, **kwargs):
        found = original(self, *args, **kwargs)
        AuthToken.objects.filter(pk=instance.pk).delete()  # the logout commits meanwhile
        return found

    monkeypatch.setattr(CachedTokenAuthentication, "_look_up", look_up_then_revoke)
    bearer(token).get("/api/v1/me")
    monkeypatch.setattr(CachedTokenAuthentication, "_look_up", original)
    assert bearer(token).get("/api/v1/me").status_code == 401
