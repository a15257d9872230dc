"""The audit log: append-only, hash-chained, verified by ``verify_audit``."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AppendOnlyError, AuditEntry, AuditHead
from daftar.audit.services import GENESIS, audit_record, verify_chain


def _write(n: int) -> list[AuditEntry]:
    user = UserFactory()
    return [audit_record(actor=user, action="test_event", obj=user, data={"i": i, "name": "نرگس"}) for i in range(n)]


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")


@pytest.mark.django_db
def test_entries_form_a_chain():
    entries = _write(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert verify_chain() is None
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (3, entries[2].hash)


@pytest.mark.django_db
def test_verify_audit_command_passes_on_an_intact_log(capsys):
    _write(5)
    call_command("verify_audit")
    assert "intact: 5 entries" in capsys.readouterr().out


@pytest.mark.django_db
def test_orm_refuses_update_and_delete():
    entry = _write(1)[0]
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_raw_update_and_delete():
    entry = _write(1)[0]
    for sql in (
        "UPDATE audit_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test_event"


@pytest.mark.django_db
def test_tampering_with_content_is_found_and_named():
    entries = _write(5)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET data = %s WHERE seq = 3", ['{"i": 99, "name": "نرگس"}'])
    problem = verify_chain()
    assert problem is not None and problem.seq == 3 and problem.entry_id == entries[2].pk
    with pytest.raises(CommandError, match=r"broken at seq 3 .*row changed") as info:
        call_command("verify_audit")
    assert info.value.returncode == 1


@pytest.mark.django_db
def test_a_deleted_row_is_found():
    _write(4)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
    with pytest.raises(CommandError, match=r"seq 2 .*missing"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_removed_tail_is_found():
    _write(4)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 4")
    with pytest.raises(CommandError, match=r"seq 4: .*head says 4"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_rewritten_chain_with_recomputed_hashes_is_found_at_the_next_row():
    from daftar.audit.services import compute_hash

    entries = _write(3)
    _drop_triggers()
    forged = AuditEntry.objects.get(seq=2)
    forged.data = {"i": 7}
    new_hash = compute_hash(forged)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET data = %s, hash = %s WHERE seq = 2", ['{"i": 7}', new_hash])
    problem = verify_chain()
    assert problem is not None and problem.seq == 3 and entries[2].pk == problem.entry_id


@pytest.mark.django_db
def test_entry_is_rolled_back_with_the_change_it_records():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=user, action="will_roll_back")
        raise RuntimeError
    assert not AuditEntry.objects.filter(action="will_roll_back").exists()
    audit_record(actor=user, action="after")
    assert verify_chain() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_cannot_fork_the_chain():
    user = UserFactory()
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=user, action="concurrent", data={"writer": n, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="concurrent").count() == 80
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 81))
    assert verify_chain() is None


@pytest.mark.django_db
def test_rows_appended_after_the_head_was_read_are_not_tampering():
    entries = _write(3)
    # As if verify_audit read the head before the third row committed.
    AuditHead.objects.filter(pk=1).update(seq=2, hash=entries[1].hash)
    assert verify_chain() is None
    AuditHead.objects.filter(pk=1).update(seq=2, hash="f" * 64)
    problem = verify_chain()
    assert problem is not None and problem.seq == 2


@pytest.mark.django_db
def test_the_two_statement_append_writes_what_the_orm_append_writes():
    """On PostgreSQL entries are appended with two plain statements (issue 7); on SQLite by the
    ORM. Either way the stored row is the returned entry, the head follows, and the chain holds."""
    from daftar.municipalities.tests.factories import MunicipalityFactory

    user = UserFactory()
    city = MunicipalityFactory()
    written = [
        audit_record(
            actor=user, action="test.persian", obj=city, municipality=city, data={"متن": "نیم‌فاصله", "n": [1, None]}
        ),
        audit_record(actor=None, action="test.system", data={}),
        audit_record(actor=user, action="test.label", actor_label="09120000000", data={"nested": {"a": True}}),
    ]
    head = AuditHead.objects.get(pk=1)
    assert head.seq == written[-1].seq and head.hash == written[-1].hash
    for entry in written:
        stored = AuditEntry.objects.get(pk=entry.pk)
        for name in ("seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
                     "municipality_id", "data", "prev_hash", "hash"):  # fmt: skip
            assert getattr(stored, name) == getattr(entry, name), name
    assert [e.prev_hash for e in written[1:]] == [e.hash for e in written[:-1]]
    assert verify_chain() is None


@pytest.mark.django_db
def test_the_first_entry_creates_the_head_on_any_database():
    AuditHead.objects.all().delete()
    first = audit_record(actor=None, action="test.first", data={})
    assert first.seq == 1 and first.prev_hash == GENESIS
    assert AuditHead.objects.get(pk=1).hash == first.hash
    assert verify_chain() is None


@pytest.mark.django_db
def test_the_first_entry_written_with_new_rows_creates_the_head_and_the_rows():
    from daftar.notifications.models import OutboxMessage

    AuditHead.objects.all().delete()
    sms = OutboxMessage(to="09121234567", text="پیامِ نخست", kind="test")
    first = audit_record(actor=None, action="test.first", obj=sms, data={}, new_rows=(sms,))
    assert sms.pk is not None and OutboxMessage.objects.get(pk=sms.pk).text == "پیامِ نخست"
    assert first.seq == 1 and first.object_id == str(sms.pk)
    assert AuditHead.objects.get(pk=1).hash == first.hash
    assert verify_chain() is None
