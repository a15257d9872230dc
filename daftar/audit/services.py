"""Writing to and verifying the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from daftar.kernel.streaming import keyset_rows
from daftar.runtime.inserts import insert_rows
from daftar.runtime.logging_setup import current_request_id

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    # ``request_id`` is left out on purpose (decision 0039): the chain proves what happened, the
    # request id only points at the log lines of the request that did it
    created = entry.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": entry.seq,
        "created_at": created,
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "municipality": entry.municipality_id,
        "data": entry.data,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(entry.prev_hash.encode() + _canonical(entry)).hexdigest()


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another writer created it first
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    municipality: Any = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
    new_rows: Sequence[models.Model] = (),
) -> AuditEntry:
    """Append one entry to the chain.

    ``new_rows``: unsaved instances to insert first (``daftar.runtime.inserts.insert_rows``), e.g.
    a new case with its first event and SMS, with ``obj`` among them. On PostgreSQL they are
    inserted by the same statement that moves the chain's head on (issue 7: one round trip).

    Call it inside the ``transaction.atomic`` block of the change it records, so the change and
    its entry commit or roll back together. It locks the chain head row (``SELECT … FOR
    UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so concurrent
    writers append one after another. Inside the caller's transaction no savepoint is taken
    (two round trips fewer per write, issue 7): a failure here fails the whole change.
    """
    with transaction.atomic(savepoint=False):
        connection = transaction.get_connection()
        moved: tuple[Any, ...] | None = None
        if new_rows:
            also = _HEAD_MOVE.format(head=connection.ops.quote_name(AuditHead._meta.db_table))
            moved = insert_rows(*new_rows, also=(also, "(SELECT seq FROM h), (SELECT hash FROM h)")) or None
        user = actor if getattr(actor, "is_authenticated", False) else None
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=user,
            actor_label=actor_label or (getattr(user, "mobile", "") if user else "system"),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            municipality=municipality,
            data=json.loads(json.dumps(data or {}, default=str)),
            request_id=current_request_id() or None,  # not hashed: _canonical leaves it out
        )
        if connection.vendor == "postgresql" and _append_postgresql(connection, entry, moved):
            return entry
        head = _locked_head()
        entry.seq, entry.prev_hash = head.seq + 1, head.hash
        entry.hash = compute_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
        return entry


# The head row locked and moved on: new seq, previous hash (a CTE of ``insert_rows``'s statement
# when the entry comes with new rows, else a statement of its own).
_HEAD_MOVE = "h AS (UPDATE {head} SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash)"


def _append_postgresql(connection: Any, entry: AuditEntry, moved: tuple[Any, ...] | None = None) -> bool:
    """The same append in two statements instead of three, without the ORM (issue 7: every
    audited write runs it while holding the chain's head): the head row is locked and moved on
    by one ``UPDATE … RETURNING`` (new seq, previous hash), or was already, with the entry's new
    rows (``moved``); then the entry is inserted and the head given its hash in one statement.
    False when there is no head row yet (the ORM path creates it)."""
    meta, head_meta = AuditEntry._meta, AuditHead._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if moved is None:
            cursor.execute(
                f"WITH {_HEAD_MOVE.format(head=quote(head_meta.db_table))} SELECT seq, hash FROM h"  # noqa: S608
            )
            moved = cursor.fetchone()
        if moved is None or moved[0] is None:
            return False
        entry.seq, entry.prev_hash = moved
        entry.hash = compute_hash(entry)
        fields: list[Any] = [f for f in meta.concrete_fields if not f.primary_key]
        columns = ", ".join(quote(f.column) for f in fields)
        values = [_db_value(connection, entry, f) for f in fields]
        marks = ", ".join("%s::jsonb" if f.name == "data" else "%s" for f in fields)
        cursor.execute(
            f"WITH e AS (INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) RETURNING id) "  # noqa: S608
            f"UPDATE {quote(head_meta.db_table)} SET hash = %s WHERE id = 1 RETURNING (SELECT id FROM e)",
            [*values, entry.hash],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


def _db_value(connection: Any, entry: AuditEntry, field: Any) -> Any:
    if field.name == "data":
        return json.dumps(entry.data)
    return field.get_db_prep_save(getattr(entry, field.attname), connection)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    entry_id: int | None
    reason: str


def verify_chain(entries: Iterator[AuditEntry] | None = None, *, head: AuditHead | None = None) -> ChainProblem | None:
    """Walk the chain in order; return the first bad row, or None if the log is intact.

    The head is read first: the log must reach it and match its hash there. Rows appended
    while the walk runs (a live system) are checked for their links too, but are not
    mistaken for a head mismatch. ``head`` (with ``entries``): a chain read from elsewhere, e.g.
    a restored copy (issue 8, ``daftar/runtime/backup/``).
    """
    if head is None:
        head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head is not None else 0
    if entries is None:
        entries = keyset_rows(AuditEntry.objects.order_by("seq"))  # no server-side cursor (decision 0041)
    expected_seq, prev, hash_at_head = 1, GENESIS, GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainProblem(expected_seq, entry.id, f"row {expected_seq} is missing (found {entry.seq})")
        if entry.prev_hash != prev:
            return ChainProblem(entry.seq, entry.id, "previous-hash link does not match the row before")
        if compute_hash(entry) != entry.hash:
            return ChainProblem(entry.seq, entry.id, "content does not match its hash (row changed)")
        if entry.seq == head_seq:
            hash_at_head = entry.hash
        prev, expected_seq = entry.hash, expected_seq + 1
    last_seq = expected_seq - 1
    if last_seq < head_seq:
        return ChainProblem(last_seq + 1, None, f"log ends at row {last_seq} but the head says {head_seq}")
    if head is not None and head_seq and hash_at_head != head.hash:
        return ChainProblem(head_seq, None, "row at the head does not carry the head's hash")
    return None
