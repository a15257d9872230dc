"""Heavy reads on a read replica (issue 20, point 10).

``DAFTAR_DATABASE_REPLICA_URL`` adds the database alias ``replica`` (config/settings/base.py) and
sets ``DATABASE_REPLICA``. The reads of heavy reports and exports are marked with
``reading_from_replica()`` (a context manager, or a decorator); ``ReplicaRouter`` sends them to
the replica, and every other query where Django sends it without a router (the primary).

- Writes always go to the primary (``db_for_write`` returns None).
- Inside a transaction on the primary a read stays there: it must see the transaction's own
  writes, and a replica lags behind the primary.
- Without a replica configured, ``DATABASE_REPLICA`` is empty and everything uses the primary.
- Relations and migrations are the primary's (the replica is a copy of it).

A streamed export is read after the view has returned, while the response is sent:
``replica_rows`` wraps its row iterator so that each fetch is made inside the mark, which is
never left set between two rows (the server's own code between them runs unmarked).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("daftar_read_replica", default=False)
# set by ``reading_from_primary``: reads go to the primary even where marked for the replica
# (runtime.pagecache builds a page it keeps from the primary: a replica may lag behind the
# generations it read first)
_primary: contextvars.ContextVar[bool] = contextvars.ContextVar("daftar_primary_only", default=False)


@contextlib.contextmanager
def reading_from_primary() -> Iterator[None]:
    """Reads made inside go to the primary, even those marked ``reading_from_replica``."""
    token = _primary.set(True)
    try:
        yield
    finally:
        _primary.reset(token)


@contextlib.contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads made inside go to the read replica, when one is configured."""
    token = _replica.set(True)
    try:
        yield
    finally:
        _replica.reset(token)


def replica_alias() -> str | None:
    """The alias reads go to now: the replica's inside ``reading_from_replica``, when one is
    configured and no transaction is open on the primary; else None (the router's "no opinion",
    so the primary)."""
    if not _replica.get():
        return None
    alias = getattr(settings, "DATABASE_REPLICA", "")
    if not alias or alias not in connections.databases:
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    if _primary.get():
        return None
    return str(alias)


def replica_rows(rows: Callable[[], Iterable[T]]) -> Callable[[], Iterator[T]]:
    """``rows`` (a function that makes a row iterator, as ``kernel.tabular.table_response`` takes)
    with every fetch made inside ``reading_from_replica``."""

    def wrapped() -> Iterator[T]:
        with reading_from_replica():
            iterator = iter(rows())
        while True:
            with reading_from_replica():
                try:
                    row = next(iterator)
                except StopIteration:
                    return
            yield row

    return wrapped


def on_replica(count: Callable[[], T]) -> Callable[[], T]:
    """``count`` (or any read) called inside ``reading_from_replica``."""

    def wrapped() -> T:
        with reading_from_replica():
            return count()

    return wrapped


class ReplicaRouter:
    """In ``DATABASE_ROUTERS``: reads marked by ``reading_from_replica`` to the replica."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return replica_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        # the primary, always: even for an object read on the replica (Django would otherwise
        # write it back where it was read)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the primary's rows: a relation across them is one

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == DEFAULT_DB_ALIAS  # the replica is migrated by replication, never by Django
