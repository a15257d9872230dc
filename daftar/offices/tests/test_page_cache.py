"""Whole pages kept in the cache (issue 23, ``daftar.runtime.pagecache``), as a visitor sees them:
a repeated page costs no query, a change shows in the next answer, nobody gets another's page,
and the CSRF token is each visitor's own.

These tests commit (``transaction=True``): a page built inside a transaction that may roll back
is never kept, and generations move after the commit.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any
from unittest import mock

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from daftar.accounts.models import OneTimeCode
from daftar.accounts.services import role_grant
from daftar.offices.models import Office, OfficeStaff
from daftar.runtime import pagecache

from .conftest import MANAGER, user

pytestmark = pytest.mark.django_db(transaction=True)


def get(client: Client, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_a_repeated_public_page_costs_no_query_and_a_change_shows_at_once(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    first, built = get(Client(), url)
    again, queries = get(Client(), url)  # another visitor: the same entry
    assert first.status_code == again.status_code == 200
    assert built > 5 and queries == 0
    assert office.name in again.content.decode()

    office.name = "دفتر خدمات نو"
    office.save(update_fields=["name"])
    fresh, queries = get(Client(), url)
    assert "دفتر خدمات نو" in fresh.content.decode() and queries > 0


def test_a_change_behind_the_signals_is_seen_once_its_code_says_so(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    Office.objects.filter(pk=office.pk).update(name="دفتر بی‌نشانه")
    assert "دفتر بی‌نشانه" not in Client().get(url).content.decode()  # kept: no signal (until ttl)
    pagecache.changed("offices", office=office.pk)
    assert "دفتر بی‌نشانه" in Client().get(url).content.decode()


def test_a_rolled_back_change_moves_nothing_and_the_next_commit_still_does(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    with pytest.raises(RuntimeError), transaction.atomic():
        office.name = "دفتر برگشتی"
        office.save(update_fields=["name"])
        raise RuntimeError
    _, queries = get(Client(), url)
    assert queries == 0  # nothing changed: still the kept page
    with transaction.atomic():
        Office.objects.get(pk=office.pk).save()  # the same rows, saved again
        renamed = Office.objects.get(pk=office.pk)
        renamed.name = "دفتر پس از برگشت"
        renamed.save(update_fields=["name"])
    assert "دفتر پس از برگشت" in Client().get(url).content.decode()


def test_each_visitor_gets_their_own_csrf_token_and_it_works(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        body = client.get(url).content.decode()
        assert "daftar-csrf-" not in body
        token = re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)  # type: ignore[union-attr]
        tokens.append(token)
        # the token of a page answered from the cache is accepted for this visitor's form
        assert client.post("/logout/", HTTP_X_CSRFTOKEN=token).status_code == 302
        assert Client(enforce_csrf_checks=True).post("/logout/", HTTP_X_CSRFTOKEN=token).status_code == 403
    assert tokens[0] != tokens[1]


def test_a_signed_in_page_is_the_persons_own(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/manage/"
    manager = Client()
    manager.force_login(user(MANAGER))
    first, _ = get(manager, url)
    again, queries = get(manager, url)
    assert first.status_code == again.status_code == 200
    assert queries <= 3  # the session and the person; the page itself from the cache

    stranger = Client()
    stranger.force_login(user("09120000001"))  # an applicant: not this office's staff
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # anonymous: to the login

    # the manager leaves the office: the kept page is not shown to them again
    OfficeStaff.objects.filter(office=office, user__mobile=MANAGER).delete()
    assert manager.get(url).status_code == 404


def test_a_role_granted_or_withdrawn_moves_the_persons_pages(make_office, tehran):
    reviewer = user("09120000002")
    client = Client()
    client.force_login(reviewer)
    before = client.get("/dashboard/").content.decode()
    role_grant(user=reviewer, role="inspector", municipality=tehran, actor=None)
    after = client.get("/dashboard/").content.decode()
    assert after != before


def test_a_page_with_messages_waiting_is_built_and_not_kept(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    get(Client(), url)  # kept
    request = RequestFactory().get(url)
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type, return-value]
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    messages.info(request, "پیام آزمایشی")
    from daftar.offices.views import detail

    response = detail(request, pk=office.pk)
    assert "پیام آزمایشی" in response.content.decode()
    _, queries = get(Client(), url)
    assert queries == 0  # the entry without the message is still the one kept


def test_an_error_answer_is_never_kept(make_office):
    make_office()
    bad = "/offices/?district=abc&service=nope"
    first, built = get(Client(), bad)
    second, again = get(Client(), bad)
    assert first.status_code == second.status_code == 400
    assert again == built > 0


def test_with_the_cache_down_the_page_is_built(make_office):
    office = make_office()
    with mock.patch.object(pagecache.cache, "get_many", side_effect=ConnectionError("down")):
        response = Client().get(f"/offices/{office.pk}/")
    assert response.status_code == 200 and office.name in response.content.decode()


def test_log_tables_keep_their_fast_delete_and_every_watched_app_exists():
    from django.apps import apps

    labels = {a.label for a in apps.get_app_configs()}
    assert labels >= pagecache.WATCHED_APPS
    assert post_delete.has_listeners(Office)
    assert not post_delete.has_listeners(OneTimeCode)  # purged in bulk by housekeeping
    with pytest.raises(ValueError):
        pagecache.cached_page("audit")  # not a watched app: its rows would never move the page


def test_switched_off_every_page_is_built_by_its_view(make_office, settings):
    settings.PAGE_CACHE = False
    office = make_office()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    _, queries = get(Client(), url)
    assert queries > 5


def test_random_query_parameters_do_not_fill_the_cache(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/?x=1"
    get(Client(), url)
    _, queries = get(Client(), url)
    assert queries > 5  # built each time, never kept
    get(Client(), "/offices/?district=&page=2")
    _, queries = get(Client(), "/offices/?district=&page=2")
    assert queries == 0  # the finder's own parameters are kept


def test_an_id_not_written_as_the_database_writes_it_is_not_kept(make_office):
    office = make_office()
    manager = Client()
    manager.force_login(user(MANAGER))
    url = f"/offices/0{office.pk}/revenue/"  # reaches the office, but would name generation o0<pk>
    assert manager.get(url).status_code == 200
    _, queries = get(manager, url)
    assert queries > 3


def test_a_page_kept_is_built_from_the_primary_even_where_its_reads_are_for_the_replica(make_office, settings):
    from daftar.runtime.dbrouter import reading_from_primary, reading_from_replica, replica_alias

    settings.DATABASE_REPLICA = "default"  # an alias that exists: the revenue reports "read from the replica"
    with reading_from_replica():
        assert replica_alias() == "default"
        with reading_from_primary():
            assert replica_alias() is None  # a replica may lag behind the generations read first
    office = make_office()
    manager = Client()
    manager.force_login(user(MANAGER))
    url = f"/offices/{office.pk}/revenue/"
    assert manager.get(url).status_code == 200
    _, queries = get(manager, url)
    assert queries <= 3  # kept: the session and the person only


def test_an_address_is_kept_as_the_router_writes_it(make_office):
    office = make_office()
    get(Client(), f"/offices/{office.pk}/")
    _, queries = get(Client(), f"/offices/000{office.pk}/")  # reaches the office: built, not kept
    assert queries > 5
    get(Client(), "/offices/?service=&district=")
    _, queries = get(Client(), "/offices/?district=&service=")  # the same parameters in another order
    assert queries == 0
    long = "/offices/?district=" + "1" * 100
    get(Client(), long)
    _, queries = get(Client(), long)
    assert queries > 0


def test_a_page_whose_build_was_not_kept_is_built_again_without_waiting(make_office):
    make_office()
    bad = "/offices/?district=abc"
    assert Client().get(bad).status_code == 400
    with mock.patch.object(pagecache, "_wait_for", side_effect=AssertionError("waited")):
        assert Client().get(bad).status_code == 400


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="deletes by pattern on Redis (CI sets REDIS_URL)")
def test_after_a_restore_kept_pages_are_forgotten_and_nothing_else(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    pagecache.cache.set("throttle:someone", 3)
    pagecache.forget_derived()
    _, queries = get(Client(), url)
    assert queries > 5
    assert pagecache.cache.get("throttle:someone") == 3


def test_past_its_time_one_request_rebuilds_a_page_while_the_others_still_get_it(make_office):
    import time_machine

    office = make_office()
    url = f"/offices/{office.pk}/"
    with time_machine.travel(time.time(), tick=False) as clock:
        get(Client(), url)
        clock.shift(61)  # past the office page's minute
        with mock.patch.object(pagecache.cache, "add", return_value=False):  # another is rebuilding
            _, queries = get(Client(), url)
        assert queries == 0
        _, queries = get(Client(), url)  # this one takes the rebuild
        assert queries > 5
        _, queries = get(Client(), url)
        assert queries == 0


def test_a_request_waiting_for_anothers_build_builds_itself_when_that_one_keeps_nothing(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    with mock.patch.object(pagecache.cache, "add", return_value=False):  # "another is building"
        began = time.monotonic()
        response, queries = get(Client(), url)  # ... but holds no lock: nothing will come
    assert response.status_code == 200 and queries > 5
    assert time.monotonic() - began < pagecache.BUILD_WAIT


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="lists keys on Redis (CI sets REDIS_URL)")
def test_a_request_waiting_for_anothers_build_gets_its_page(make_office):
    office = make_office()
    url = f"/offices/{office.pk}/"
    get(Client(), url)
    kept = [k for k in pagecache.cache.keys("page:e:*") if not k.endswith(":l")]  # type: ignore[attr-defined]
    assert len(kept) == 1
    entry = pagecache.cache.get(kept[0])
    pagecache.cache.delete(kept[0])
    pagecache.cache.set(kept[0] + ":l", 1)  # another request is building it ...

    def meanwhile(seconds: float) -> None:  # ... and keeps it while this one waits
        pagecache.cache.set(kept[0], entry)

    with mock.patch.object(pagecache.time, "sleep", side_effect=meanwhile) as slept:
        response, queries = get(Client(), url)
    assert response.status_code == 200 and queries == 0 and slept.called


def test_a_restore_clears_the_cache_only_for_the_database_this_deployment_serves(settings):
    from django.db import connections

    from daftar.runtime.management.commands.restore import _is_configured

    ours = connections["default"].settings_dict
    url = f"postgres://{ours.get('USER') or 'postgres'}@{ours.get('HOST')}:{ours.get('PORT') or 5432}/{ours['NAME']}"
    assert _is_configured(None)
    if ours["ENGINE"].endswith("postgresql"):
        assert _is_configured(url)
    assert not _is_configured(url.rsplit("/", 1)[0] + "/another_database")
