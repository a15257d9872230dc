"""The audit chain in backup sets (``daftar/runtime/backup/``, issue 8): its head is recorded in
the manifest (``audit_head``) inside the backup's snapshot; after a restore the whole chain is
walked (``verify_chain``) and must reach that head. Registered from ``AuditConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from daftar.runtime.backup import Verifier

from .models import AuditEntry, AuditHead
from .services import GENESIS, verify_chain


def audit_head(conn: Any) -> dict[str, Any]:
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    head = conn.execute(
        sql.SQL("SELECT seq, hash FROM {} WHERE id = 1").format(sql.Identifier(AuditHead._meta.db_table))
    ).fetchone()
    entries = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(AuditEntry._meta.db_table)))
    return {
        "seq": head[0] if head else 0,
        "hash": head[1] if head else "",
        "entries": entries.fetchone()[0],
    }


def _audit_entries(conn: Any) -> Iterator[Any]:
    """The audit log of the database behind ``conn`` (a psycopg connection, not in a
    transaction), in order, as unsaved ``AuditEntry`` objects for ``verify_chain``."""
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    fields = list(AuditEntry._meta.concrete_fields)
    query = sql.SQL("SELECT {} FROM {} ORDER BY seq").format(
        sql.SQL(", ").join([sql.Identifier(str(f.column)) for f in fields]), sql.Identifier(AuditEntry._meta.db_table)
    )
    with conn.cursor(name="daftar_audit_walk") as cursor:
        cursor.itersize = 2000
        cursor.execute(query)
        for row in cursor:
            yield AuditEntry.from_db("default", [f.attname for f in fields], row)


def audit_verify(connect: Callable[[], Any], want: dict[str, Any], head: dict[str, Any]) -> tuple[str, list[str]]:
    """The restored head must be the manifest's, and the restored chain must reach it intact."""
    wrong = []
    if (head["seq"], head["hash"]) != (want["seq"], want["hash"]):
        wrong.append(f"head seq {head['seq']} ≠ manifest {want['seq']} (or its hash differs)")
    with connect() as conn:
        problem = verify_chain(_audit_entries(conn), head=AuditHead(seq=head["seq"], hash=head["hash"] or GENESIS))
    if problem is not None:
        wrong.append(f"chain broken at seq {problem.seq}: {problem.reason}")
    return f"{head['entries']} entries, head seq {head['seq']}", wrong


def _summary(head: dict[str, Any]) -> str:
    return f"زنجیرهٔ ممیزی / audit head: seq {head['seq']} {head['hash'][:16]}…"


AUDIT_CHAIN = Verifier(
    key="audit_head",
    fa="زنجیرهٔ ممیزی",
    en="audit chain",
    record=audit_head,
    verify=audit_verify,
    summary=_summary,
    required=("seq",),
)
