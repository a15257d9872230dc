"""The demo, loaded once per worker and copied back after (docs/decisions/0049-demo-snapshot.md).

``demo_load()`` takes ~1–2 s (about 800 statements: offices, their cases, licences and three
months of transactions); some 40 tests of a run load it into an empty database, most of them
browser journeys, whose database is emptied after each test. Here the first such load in a
worker is the real one, and what it left is kept: every table's rows (PostgreSQL's binary
``COPY``), the files it stored, the cache entries it wrote and the SMS it sent. A later load
into a database in the same state is those rows copied back (~0.2 s), with the same files,
cache entries and SMS, and the same answer.

"The same state" is checked, not assumed: only the tables a fresh test database holds rows in
(the seeded provinces, catalogue, violation types and ladder, content types and permissions)
may have rows, and their contents (all but ids, links and times) must match the state the copy
was taken from; the hour, the arguments, the settings and whether the load runs inside a
transaction (a ``db`` test, whose commit never comes) must match too. Anything else (a test
that made a user first, changed a seeded row, or moved the clock) gets the real load, as do
SQLite and the demo's own tests.

A copy sends no save signals: what the process remembers by id and would have forgotten on
them is forgotten here (``_forget_in_process``). The copied rows keep the ids they were
recorded with, the seeded rows included, so ids repeat from test to test; sequences only move
forward.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

SEED_TABLES: set[str] = set()  # the tables a freshly migrated test database holds rows in


@dataclass
class Snapshot:
    result: Any
    tables: list[tuple[str, bytes]]  # (table, COPY binary) of every table with rows
    sequences: list[tuple[str, str, str]]  # (table, sequence, pk column) of the tables copied
    files: dict[str, bytes] = field(default_factory=dict)  # media path (relative) -> content
    cache_entries: list[tuple[bytes, int, bytes]] = field(default_factory=list)  # key, ttl ms, DUMP
    sms: list[Any] = field(default_factory=list)


_SNAPSHOTS: dict[tuple[Any, ...], Snapshot] = {}
STATS = {"real": 0, "copied": 0}


def seed_tables_note() -> None:
    """In ``django_db_setup``, once the test database is migrated: which tables it holds rows in."""
    if connection.vendor != "postgresql":
        return
    counts = _counts(_all_tables())
    SEED_TABLES.clear()
    SEED_TABLES.update(t for t, n in counts.items() if n)


def install() -> None:
    """Put the copying ``demo_load`` in place of the real one (for callers that look it up when
    they call it, as the tests do)."""
    from daftar.demo import services

    real = services.demo_load
    if getattr(real, "_snapshot", False):
        return

    def demo_load(*, offices: bool = True) -> Any:
        return load(real, offices=offices)

    demo_load._snapshot = True  # type: ignore[attr-defined]
    demo_load._real = real  # type: ignore[attr-defined]
    demo_load.__doc__ = real.__doc__
    services.demo_load = demo_load  # type: ignore[assignment]


def load(real: Any, *, offices: bool) -> Any:
    if connection.vendor != "postgresql" or not SEED_TABLES or _DISABLED or _testing_the_demo():
        STATS["real"] += 1
        return real(offices=offices)
    state = _state()
    if state is None:
        STATS["real"] += 1
        return real(offices=offices)
    # the hour too: the demo's rows carry times relative to now ("an hour ago"), and a test on a
    # moved clock may be anywhere in the day; inside a transaction (a ``db`` test) nothing the
    # load leaves for the commit (the outbox's sending, cache versions) ever happens
    key = (offices, _hour(), connection.in_atomic_block, _settings_digest(), state)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is not None:
        try:
            _restore(snapshot)
        except DatabaseError as error:  # nothing was restored (one transaction)
            if not isinstance(error.__cause__, psycopg.errors.InsufficientPrivilege):
                raise
            # a role that may not turn triggers off: no copies in this worker from now on
            _DISABLED.append(str(error))
            warnings.warn(f"the demo is loaded for real from now on: {error}", stacklevel=1)
            STATS["real"] += 1
            return real(offices=offices)
        STATS["copied"] += 1
        return copy.deepcopy(snapshot.result)
    media = _media_files()
    sms = _sms_outbox()
    sent = len(sms)
    before = set(_cache_keys())
    result = real(offices=offices)
    STATS["real"] += 1
    _SNAPSHOTS[key] = _capture(result, media, before, sms[sent:])
    return result


def _hour() -> Any:
    return timezone.localtime().replace(minute=0, second=0, microsecond=0)


_DISABLED: list[str] = []  # the reason copies cannot be restored here (a role that may not turn triggers off)


def _testing_the_demo() -> bool:
    """The demo's own tests always get the real loader (pytest names the running test)."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").startswith("daftar/demo/")


# --- the state a load starts from ----------------------------------------------------------------


def _all_tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608 - the models' tables
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    return {t: int(n) for t, n in zip(tables, row, strict=True)}


def _state() -> str | None:
    """A digest of the database if only the seeded tables hold rows (ids, links and times left
    out: those differ between two fresh databases), else None."""
    tables = _all_tables()
    counts = _counts(tables)
    if any(n and t not in SEED_TABLES for t, n in counts.items()):
        return None
    models_by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    quote = connection.ops.quote_name
    parts = []
    for table in sorted(t for t, n in counts.items() if n):
        model = models_by_table.get(table)
        if model is None:
            return None
        columns = [
            quote(f.column)
            for f in model._meta.concrete_fields
            if not f.primary_key
            and not f.is_relation
            and not isinstance(f, models.DateField | models.TimeField)  # DateTimeField is a DateField
        ]
        if not columns:
            parts.append(f"'{counts[table]}'")
            continue
        row = f"ROW({', '.join(columns)})::text"
        parts.append(f"(SELECT md5(string_agg({row}, '|' ORDER BY {row})) FROM {quote(table)})")  # noqa: S608
    if not parts:
        return "empty"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        digests = cursor.fetchone()
    return hashlib.sha256(repr((sorted(t for t, n in counts.items() if n), digests)).encode()).hexdigest()


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _settings_digest() -> str:
    """Every setting's value, as the load sees them (a test's overrides included)."""
    text = repr([(name, getattr(settings, name, None)) for name in sorted(dir(settings)) if name.isupper()])
    return hashlib.sha256(_ADDRESS.sub("", text).encode()).hexdigest()


# --- taking and putting back a copy --------------------------------------------------------------


def _capture(result: Any, media_before: set[str], cache_before: set[bytes], sms: list[Any]) -> Snapshot:
    tables = [t for t, n in _counts(_all_tables()).items() if n]
    quote = connection.ops.quote_name
    data = []
    sequences = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in tables:
            with raw.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as out:
                data.append((table, b"".join(bytes(chunk) for chunk in out)))
            pk = connection.introspection.get_primary_key_column(cursor, table)
            if pk:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [quote(table), pk])
                sequence = cursor.fetchone()[0]
                if sequence:
                    sequences.append((table, sequence, pk))
    root = Path(settings.MEDIA_ROOT)
    files = {p: (root / p).read_bytes() for p in sorted(_media_files() - media_before)}
    entries = []
    client = _redis()
    if client is not None:
        for key in sorted(set(_cache_keys()) - cache_before):
            dumped = client.dump(key)
            if dumped is not None:
                entries.append((key, max(int(client.pttl(key)), 0), dumped))
    return Snapshot(copy.deepcopy(result), data, sequences, files, entries, copy.deepcopy(sms))


def _restore(snapshot: Snapshot) -> None:
    quote = connection.ops.quote_name
    present = [t for t, n in _counts(_all_tables()).items() if n]
    with transaction.atomic(), connection.cursor() as cursor:
        # as the flush between transactional tests does (conftest._empty_tables): the foreign
        # keys and the audit tables' append-only triggers are triggers, off for these statements
        cursor.execute("SET LOCAL session_replication_role = replica")
        if present:
            cursor.execute(f"LOCK TABLE {', '.join(quote(t) for t in present)} IN ACCESS EXCLUSIVE MODE")
            for table in present:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - the models' tables
        raw = cursor.cursor
        for table, data in snapshot.tables:
            with raw.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as into:
                into.write(data)
        for table, sequence, pk in snapshot.sequences:
            # forward only: a rollback does not undo setval, and rows committed since (the
            # seeds put back after a flush) may hold ids past the copied ones
            cursor.execute(
                f"SELECT setval(%s, GREATEST((SELECT MAX({quote(pk)}) FROM {quote(table)}), "  # noqa: S608
                "COALESCE(pg_sequence_last_value(%s::regclass), 1)))",
                [sequence, sequence],
            )
        cursor.execute("SET LOCAL session_replication_role = origin")  # the rest of a `db` test's transaction
    ContentType.objects.clear_cache()  # the ids it may hold are the ones just deleted
    root = Path(settings.MEDIA_ROOT)
    for name, content in snapshot.files.items():
        path = root / name
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    client = _redis()
    if client is not None:
        for key, ttl, dumped in snapshot.cache_entries:
            client.restore(key, ttl, dumped, replace=True)
    _sms_outbox().extend(copy.deepcopy(snapshot.sms))
    _forget_in_process()


def _forget_in_process() -> None:
    """What this process remembers by id, which the real load's save signals would have made it
    forget (the copy sends none, and ids repeat from copy to copy)."""
    from daftar.applications import casecache
    from daftar.catalogue.tariffs import municipality_pks_forget
    from daftar.notifications.texts import cache_clear as sms_texts_forget
    from daftar.rules.selectors import _compiled_published

    _compiled_published.cache_clear()
    municipality_pks_forget()
    sms_texts_forget()
    with casecache._calls_lock:
        casecache._calls.clear()


def _media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _sms_outbox() -> list[Any]:
    from daftar.notifications.backends import LocmemBackend

    return LocmemBackend.outbox


def _redis() -> Any:
    """The cache's Redis client, if the cache is Redis (django-redis); else None, and the cache
    is not copied (SQLite runs get no copies at all)."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _cache_keys() -> list[bytes]:
    client = _redis()
    return list(client.scan_iter(count=1000)) if client is not None else []
