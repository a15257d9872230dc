"""Several new rows written in one statement (issue 7: a new draft's case, timeline event and
outbox message were three round trips and three passes through the ORM's insert compiler).

``insert_rows(a, b, c)`` does what ``a.save(); b.save(); c.save()`` does for unsaved instances:
the same columns and values (each field's ``pre_save`` and ``get_db_prep_save``, as Django's
insert compiler uses them), ``pre_save`` and ``post_save`` signals with ``created=True``, the
primary keys set on the instances. A foreign key to an earlier instance of the same call (set as
``b.application = a`` before the call) is filled in by the database from that row's new id.

On PostgreSQL the rows go in one ``WITH r0 AS (INSERT … RETURNING id), r1 AS (INSERT …) …``
statement: all of them or none (one statement is atomic), inserted in the given order. Elsewhere
each instance is saved in turn (call it inside ``transaction.atomic`` for the same all-or-none).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_save, pre_save


def insert_rows(*objs: models.Model, also: tuple[str, str] | None = None) -> tuple[Any, ...]:
    """Insert ``objs`` (see the module's docstring). ``also``: on PostgreSQL, one more
    data-modifying CTE for the same statement and the expressions to select from it, e.g.
    ``("h AS (UPDATE … RETURNING seq)", "(SELECT seq FROM h)")``; their values are returned
    (an empty tuple elsewhere, where the caller does that step itself)."""
    connection = transaction.get_connection()
    if not objs and also is None:
        return ()  # nothing to insert: no statement
    if any(obj.pk is not None or not obj._state.adding for obj in objs):
        raise ValueError("insert_rows takes new, unsaved instances only")
    if connection.vendor != "postgresql":
        for obj in objs:
            obj.save(force_insert=True)
        return ()
    for obj in objs:
        pre_save.send(sender=type(obj), instance=obj, raw=False, using=connection.alias, update_fields=None)
    quote = connection.ops.quote_name
    parts: list[str] = []
    params: list[Any] = []
    links: list[tuple[models.Model, Any, int]] = []  # (instance, foreign key field, index of its target)
    for index, obj in enumerate(objs):
        meta = obj._meta
        columns, marks = [], []
        for field in meta.concrete_fields:
            if field.primary_key or getattr(field, "generated", False):
                continue
            columns.append(quote(field.column))
            target = _earlier_target(objs[:index], obj, field)
            if target is not None:
                target_meta = objs[target]._meta
                marks.append(f"(SELECT {quote(target_meta.pk.column)} FROM r{target})")  # noqa: S608
                links.append((obj, field, target))
                continue
            marks.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection=connection))
        parts.append(  # names from the models' meta, quoted; every value is a parameter
            f"r{index} AS (INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(marks)}) RETURNING {quote(meta.pk.column)})"
        )
    selects = [
        f"(SELECT {quote(obj._meta.pk.column)} FROM r{i})"  # noqa: S608
        for i, obj in enumerate(objs)
    ]
    if also is not None:
        parts.append(also[0])
        selects.append(also[1])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {', '.join(selects)}", params)
        row = cursor.fetchone()
    ids, extra = row[: len(objs)], tuple(row[len(objs) :])
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    for obj, field, target in links:
        setattr(obj, field.attname, ids[target])
    for obj in objs:
        post_save.send(
            sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=connection.alias
        )
    return extra


def _earlier_target(earlier: tuple[models.Model, ...], obj: models.Model, field: Any) -> int | None:
    """The index in ``earlier`` of the unsaved instance that ``obj``'s foreign key points at."""
    if not (field.many_to_one and field.is_cached(obj)):
        return None
    related = field.get_cached_value(obj)
    for index, candidate in enumerate(earlier):
        if candidate is related:
            return index
    if related is not None and related.pk is None:
        raise ValueError(f"{field.name}: points at an unsaved instance that is not inserted before it")
    return None
