"""The demo's copies (``tests/demo_snapshot.py``, docs/decisions/0049): a copied load leaves
exactly what the real load it copies left (rows, files, cache entries, SMS, answer), a copy
undone by a rollback leaves no sequence behind, and a load from any other state is the real one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

import conftest
from daftar.accounts.models import User
from daftar.accounts.services import user_get_or_create
from daftar.demo import services
from daftar.municipalities.models import Province
from daftar.notifications.backends import LocmemBackend

from . import demo_snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _rows() -> dict[str, list[str]]:
    """Every table's rows, as text, in order."""
    quote = connection.ops.quote_name
    out = {}
    with connection.cursor() as cursor:
        for table in demo_snapshot._all_tables():
            with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as rows:
                text = b"".join(bytes(chunk) for chunk in rows).decode()
            out[table] = sorted(text.splitlines())
    return out


def _media() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()} if root.is_dir() else {}


def _redis() -> dict[bytes, Any]:
    client = demo_snapshot._redis()
    if client is None:
        return {}
    return {key: client.get(key) for key in client.scan_iter(count=1000)}


def _start_afresh() -> None:
    """What happens between two transactional tests: every table emptied, the seeds put back,
    the cache and the SMS outbox emptied, the stored files gone."""
    assert conftest._empty_tables(connection.alias)
    conftest._seed()
    cache.clear()
    LocmemBackend.outbox.clear()
    for name in _media():
        (Path(settings.MEDIA_ROOT) / name).unlink()


@pytest.fixture
def own_copies(monkeypatch: Any) -> Any:
    """This test's own copies (none yet, copies on), on a clock that stays in one hour."""
    if not getattr(services.demo_load, "_snapshot", False):
        pytest.skip("the demo's copies are on PostgreSQL only")
    monkeypatch.setattr(demo_snapshot, "_SNAPSHOTS", {})
    monkeypatch.setattr(demo_snapshot, "_DISABLED", [])
    hour = demo_snapshot._hour()
    monkeypatch.setattr(demo_snapshot, "_hour", lambda: hour)
    return services.demo_load._real


def test_a_copied_load_leaves_what_the_real_one_left(own_copies: Any) -> None:
    _start_afresh()
    real_before = demo_snapshot.STATS["real"]
    answer = services.demo_load()
    assert demo_snapshot.STATS["real"] == real_before + 1 and len(demo_snapshot._SNAPSHOTS) == 1
    rows, files, entries = _rows(), _media(), _redis()
    sms = [(m.to, m.text) for m in LocmemBackend.outbox]
    assert rows["offices_office"] and files and sms  # the demo leaves rows, files and SMS
    assert entries or demo_snapshot._redis() is None  # and cache entries, where the cache is Redis

    _start_afresh()
    assert _rows() != rows
    copied_before = demo_snapshot.STATS["copied"]
    assert services.demo_load() == answer
    assert demo_snapshot.STATS["copied"] == copied_before + 1
    assert _rows() == rows
    assert _media() == files
    assert _redis() == entries
    assert [(m.to, m.text) for m in LocmemBackend.outbox] == sms


def test_a_copy_undone_by_a_rollback_leaves_no_sequence_behind(own_copies: Any) -> None:
    """``setval`` is not undone by a rollback: a copy inside a transaction that rolls back (a
    ``db`` test) must not leave a sequence behind the ids committed since it was taken."""
    _start_afresh()
    with transaction.atomic():
        services.demo_load(offices=False)  # taken inside a transaction, as a ``db`` test does
        transaction.set_rollback(True)
    _start_afresh()  # the seeds put back again, committed, past the ids of the copy
    with transaction.atomic():
        copied_before = demo_snapshot.STATS["copied"]
        services.demo_load(offices=False)
        assert demo_snapshot.STATS["copied"] == copied_before + 1
        transaction.set_rollback(True)
    Province.objects.create(name_fa="استان آزمایشی", name_en="Test province")  # the next id is free


def test_a_load_from_another_state_is_the_real_one(own_copies: Any) -> None:
    _start_afresh()
    services.demo_load(offices=False)  # recorded
    assert len(demo_snapshot._SNAPSHOTS) == 1
    _start_afresh()
    user_get_or_create(mobile="09121234567")  # a state no copy was taken from
    real_before, copied_before = demo_snapshot.STATS["real"], demo_snapshot.STATS["copied"]
    services.demo_load(offices=False)
    assert (demo_snapshot.STATS["real"], demo_snapshot.STATS["copied"]) == (real_before + 1, copied_before)
    # the account made first is still there, beside the demo's
    assert User.objects.filter(mobile="09121234567").exists()
    assert User.objects.filter(mobile="09120000001").exists()
