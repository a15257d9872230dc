"""Writing to and verifying the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
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
) -> AuditEntry:
    """Append one entry to the chain.

    Call it inside the ``transaction.atomic`` block of the change it records, so the change and
    its entry commit or roll back together. It locks the chain head row (``SELECT … FOR
    UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so concurrent
    writers append one after another. Inside the caller's transaction no savepoint is taken
    (two round trips fewer per write, issue 7): a failure here fails the whole change.
    """
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        user = actor if getattr(actor, "is_authenticated", False) else None
        entry = AuditEntry(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=user,
            actor_label=actor_label or (getattr(user, "mobile", "") if user else "system"),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            municipality=municipality,
            data=json.loads(json.dumps(data or {}, default=str)),
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
        return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    entry_id: int | None
    reason: str


def verify_chain(entries: Iterator[AuditEntry] | None = None) -> ChainProblem | None:
    """Walk the chain in order; return the first bad row, or None if the log is intact.

    The head is read first: the log must reach it and match its hash there. Rows appended
    while the walk runs (a live system) are checked for their links too, but are not
    mistaken for a head mismatch.
    """
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head is not None else 0
    if entries is None:
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
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
