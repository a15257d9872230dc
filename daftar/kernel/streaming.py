"""A queryset's rows batch by batch without a server-side cursor (issue 20, decision 0041).

Behind PgBouncer in transaction mode server-side cursors are off (``DISABLE_SERVER_SIDE_CURSORS``),
and ``QuerySet.iterator()`` then fetches the whole result into the process at once. Exports and
the audit chain's walk read instead by *keyset pagination*: each batch is one ``SELECT … WHERE
(key) after (last row's key) ORDER BY key LIMIT size``, so at most ``size`` rows are alive at a
time, each batch is a statement of its own (no transaction or cursor spans batches, which is what
a transaction pooler needs), and an index on the order serves every batch alike.

The order is the queryset's own (``order_by``, else the model's ``Meta.ordering``), so the rows
come out exactly as ``list(qs)`` would list them; when its last key is not unique the primary key
is added as the tie-break. NULLs are placed as the database places them (PostgreSQL: largest;
SQLite: smallest) unless the ordering says ``nulls_first``/``nulls_last``. ``select_related``,
``only``/``defer`` and ``prefetch_related`` (per batch) are kept.

Each batch sees the rows committed when it runs: a row whose sort key changes while an export is
being read may be listed twice or not at all, as when paging through the list on screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy

M = TypeVar("M", bound=Model)

# The rows one batch holds (example default; the setting DAFTAR_EXPORT_CHUNK_ROWS overrides it).
DEFAULT_CHUNK_ROWS = 2000


def chunk_rows() -> int:
    """The batch size exports use: the setting ``DAFTAR_EXPORT_CHUNK_ROWS``."""
    return int(getattr(settings, "DAFTAR_EXPORT_CHUNK_ROWS", DEFAULT_CHUNK_ROWS))


@dataclass(frozen=True)
class _Key:
    lookup: str  # the ORM path, e.g. "submitted_at", "applicant__last_name", "id"
    path: tuple[str, ...]  # attribute names from the row to the value
    descending: bool
    nulls_first: bool  # where NULLs come in this key's order
    nullable: bool
    unique: bool

    def order_by(self) -> OrderBy:
        nulls = {"nulls_first": True} if self.nulls_first else {"nulls_last": True}
        return OrderBy(F(self.lookup), descending=self.descending, **(nulls if self.nullable else {}))

    def value(self, row: Model) -> Any:
        value: Any = row
        for name in self.path:
            if value is None:
                return None
            value = getattr(value, name)
        return value

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.lookup}__isnull": True}) if value is None else Q(**{self.lookup: value})

    def after(self, value: Any) -> Q | None:
        """The rows strictly after ``value`` in this key's order (None: there are none)."""
        if value is None:
            return Q(**{f"{self.lookup}__isnull": False}) if self.nulls_first else None
        beyond = Q(**{f"{self.lookup}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and not self.nulls_first:
            beyond |= Q(**{f"{self.lookup}__isnull": True})
        return beyond


def _key(qs: QuerySet[Any], item: Any, nulls_largest: bool) -> _Key:
    explicit_nulls: bool | None = None
    if isinstance(item, OrderBy) and isinstance(item.expression, F):
        name, descending = item.expression.name, item.descending  # type: ignore[attr-defined]
        if item.nulls_first:
            explicit_nulls = True
        elif item.nulls_last:
            explicit_nulls = False
    elif isinstance(item, F):
        name, descending = item.name, False  # type: ignore[attr-defined]
    elif isinstance(item, str) and item not in ("?",) and "." not in item:
        name, descending = item.removeprefix("-"), item.startswith("-")
    else:
        raise ValueError(f"keyset pagination needs an order by plain fields, not {item!r}")
    if not qs.query.standard_ordering:  # .reverse()
        descending = not descending
        explicit_nulls = None if explicit_nulls is None else not explicit_nulls
    meta, path, nullable, field = qs.model._meta, [], False, None
    parts = name.split("__")
    for index, part in enumerate(parts):
        field = meta.pk if part == "pk" else meta.get_field(part)
        last = index == len(parts) - 1
        if field.is_relation and not (last and part == getattr(field, "attname", None)):
            if last or not (field.many_to_one or field.one_to_one) or not field.concrete:
                raise ValueError(f"keyset pagination cannot order by the relation {name!r}")
            nullable = nullable or bool(field.null)
            path.append(field.name)
            meta = field.related_model._meta
            continue
        if not last:
            raise ValueError(f"keyset pagination cannot follow {name!r}")
        nullable = nullable or bool(field.null)
        path.append(field.attname)
    assert field is not None
    unique = len(parts) == 1 and bool(field.primary_key or field.unique) and not nullable
    if explicit_nulls is None:
        explicit_nulls = nulls_largest == descending  # largest: last going up, first going down
    return _Key(name, tuple(path), descending, explicit_nulls, nullable, unique)


def _keys(qs: QuerySet[Any]) -> list[_Key]:
    if qs.query.is_sliced:
        raise ValueError("keyset pagination reads the whole queryset: slice the batches instead")
    if qs.query.extra_order_by or qs.query.combinator:
        raise ValueError("keyset pagination needs an order by plain fields")
    ordering = list(qs.query.order_by) if qs.query.order_by else list(qs.model._meta.ordering)
    if not qs.query.default_ordering and not qs.query.order_by:
        ordering = []
    nulls_largest = connections[qs.db].features.nulls_order_largest
    keys = [_key(qs, item, nulls_largest) for item in ordering]
    if not keys or not keys[-1].unique:
        keys.append(_key(qs, "pk", nulls_largest))
    return keys


def _after(keys: list[_Key], row: Model) -> Q:
    values = [k.value(row) for k in keys]
    condition: Q | None = None
    same = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.after(value)
        if beyond is not None:
            branch = same & beyond
            condition = branch if condition is None else condition | branch
        same &= key.equal(value)
    assert condition is not None  # the last key is unique and never NULL
    return condition


def keyset_chunks(qs: QuerySet[M], size: int | None = None) -> Iterator[list[M]]:
    """``qs``'s rows in its order, as lists of at most ``size`` rows (``chunk_rows()`` by
    default), one ``LIMIT size`` query per list; an empty queryset yields nothing."""
    size = chunk_rows() if size is None else size
    if size < 1:
        raise ValueError("a batch holds at least one row")
    keys = _keys(qs)
    # The same order, spelled out: every key with its direction and, where it may be NULL, the
    # place the database gave NULLs anyway; the tie-break last.
    ordered = qs.order_by(*[k.order_by() for k in keys])
    ordered.query.standard_ordering = True  # a .reverse() is already in the keys' directions
    batch = list(ordered[:size])
    while batch:
        yield batch
        if len(batch) < size:
            return
        batch = list(ordered.filter(_after(keys, batch[-1]))[:size])


def keyset_rows(qs: QuerySet[M], size: int | None = None) -> Iterator[M]:
    """``keyset_chunks`` one row at a time: a drop-in for ``qs.iterator(chunk_size=size)``."""
    for batch in keyset_chunks(qs, size):
        yield from batch
