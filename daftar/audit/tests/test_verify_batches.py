"""The audit chain's walk reads the log in keyset batches (``kernel.streaming``, decision 0041): no
server-side cursor (PgBouncer's transaction mode), one batch of entries in memory at a time, and
the links between batches are checked like any other."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.audit.services import audit_record, verify_chain

pytestmark = pytest.mark.django_db
TABLE = AuditEntry._meta.db_table


def _walk(settings, size: int) -> tuple[object, list[str]]:
    settings.DAFTAR_EXPORT_CHUNK_ROWS = size
    with CaptureQueriesContext(connection) as queries:
        problem = verify_chain()
    return problem, [q["sql"] for q in queries.captured_queries if f'FROM "{TABLE}"' in q["sql"]]


def test_the_walk_reads_batches_of_k_entries(settings):
    user = UserFactory()
    for i in range(7):
        audit_record(actor=user, action="test_event", obj=user, data={"i": i})
    total = AuditEntry.objects.count()
    problem, reads = _walk(settings, 3)
    assert problem is None
    assert len(reads) == -(-total // 3) + (1 if total % 3 == 0 else 0)
    assert all("LIMIT 3" in sql for sql in reads)


def test_a_broken_link_at_a_batch_boundary_is_found(settings):
    user = UserFactory()
    entries = [audit_record(actor=user, action="test_event", obj=user, data={"i": i}) for i in range(6)]
    with connection.cursor() as cursor:  # test set-up: the fourth entry forged, first of the 2nd batch
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_auditentry SET prev_hash = %s WHERE id = %s", ["f" * 64, entries[3].pk])
    problem, _reads = _walk(settings, 3)
    assert problem is not None and problem.entry_id == entries[3].pk
    assert "previous-hash" in problem.reason
