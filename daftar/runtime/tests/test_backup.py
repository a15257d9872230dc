"""Backup and restore drill (issue 8): ``manage.py backup`` then ``manage.py restore`` into a
fresh PostgreSQL database, checked independently of the restore's own verification; ``--force``
into a non-empty database (restored beside it, verified, swapped in; a failure leaves it
untouched); sessions left out of the set; and the bad inputs (a damaged or altered dump or file,
a symbolic link in the set's media, an unfinished or missing set).

The round trip needs PostgreSQL (pg_dump reads committed rows from another connection, so these
tests commit: ``transaction=True``). On SQLite they are skipped (conftest.py); with DATABASE_URL
on PostgreSQL a missing pg_dump/pg_restore fails them instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from daftar.applications.tests.helpers import client_for, submitted_case
from daftar.audit.models import AuditEntry, AuditHead
from daftar.documents.models import Document
from daftar.runtime import backup as bk
from daftar.runtime.backup import base, postgres, restoring

ROOT = Path(django_settings.BASE_DIR)
needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="backup and restore need PostgreSQL and pg_dump/pg_restore: run with DATABASE_URL=postgres://… (CI does)",
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def pg_tools() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore need PostgreSQL (DATABASE_URL=postgres://…)")
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"DATABASE_URL is PostgreSQL but {', '.join(missing)} is missing: install postgresql-client")


@pytest.fixture
def world(pg_tools: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """Demo rules, a submitted case with its uploaded documents (files in a fresh MEDIA_ROOT),
    and the audit entries every step wrote, all committed."""
    from daftar.accounts.models import User
    from daftar.demo.services import demo_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(offices=False)
    applicant = User.objects.get(mobile="09120000001")
    case = submitted_case(client_for(applicant))
    assert Document.objects.filter(application_id=case["id"]).count() >= 2
    return {"case": case, "media": tmp_path / "media", "backups": tmp_path / "backups"}


@pytest.fixture
def fresh_database() -> Iterator[dict[str, Any]]:
    """A database name nobody uses, as a URL; dropped at the end whatever happened."""
    source = connection.settings_dict
    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    target = {**source, "NAME": name}
    auth = source["USER"] + (f":{source['PASSWORD']}" if source["PASSWORD"] else "")
    url = f"postgres://{auth}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}/{name}"
    yield {"name": name, "url": url, "settings": target}
    for database in [name, *_databases_beside(target)]:  # and what --force made beside it
        postgres.database_drop({**target, "NAME": database})


def _databases_beside(database: dict[str, Any]) -> list[str]:
    """The databases named ``<name>_restore_…`` or ``<name>_before_…``."""
    with postgres.connect(database, "postgres") as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) "
                "AND (datname LIKE '%%\\_restore\\_%%' OR datname LIKE '%%\\_before\\_%%') ORDER BY datname",
                [database["NAME"] + "_"],
            )
        ]


def _exists(database: dict[str, Any]) -> bool:
    with postgres.connect(database["settings"], "postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["name"]]).fetchone() is not None


def _backup(world: dict[str, Any]) -> Path:
    call_command("backup", output_dir=str(world["backups"]))
    sets = sorted(world["backups"].glob("daftar-*"))
    assert len(sets) == 1
    return sets[0]


def _restore(path: Path, database: dict[str, Any], media: Path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("restore", str(path), *args, database_url=database["url"], media_root=str(media), stdout=out)
    return out.getvalue()


@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database(
    world: dict[str, Any], fresh_database: dict[str, Any], tmp_path: Path
) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["who"] = "a signed-in user"
    session.create()  # a live session in the source: its key is the cookie value
    path = _backup(world)

    # The set: complete, private, nothing unfinished beside it, the manifest true to the source.
    assert oct(path.stat().st_mode & 0o777) == "0o700"
    assert not list(world["backups"].glob(".*partial"))
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["database"]["dump_sha256"] == _sha(path / "database.dump")
    with postgres.connect(connection.settings_dict) as conn:
        source_counts = bk.row_counts(conn)
    assert source_counts["django_session"] >= 1
    # Sessions and captcha answers are secrets: their rows are left out, and the manifest says so.
    assert manifest["database"]["excluded_data"] == ["captcha_captchastore", "django_session"]
    assert manifest["database"]["row_counts"] == {**source_counts, "captcha_captchastore": 0, "django_session": 0}
    script = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--file=-", str(path / "database.dump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert session.session_key
    assert "COPY public.documents_document" in script and session.session_key not in script
    assert source_counts["documents_document"] == Document.objects.count() > 0
    head = AuditHead.objects.get(pk=1)
    assert manifest["audit_head"]["seq"] == head.seq == AuditEntry.objects.count() > 0
    assert manifest["audit_head"]["hash"] == head.hash
    assert {r["name"]: r["sha256"] for r in manifest["file_refs"]} == {
        d.file.name: d.sha256 for d in Document.objects.all()
    }
    assert manifest["app"]["version"]

    # Restore into a database that does not exist yet, and a media directory of its own.
    restored_media = tmp_path / "restored-media"
    out = _restore(path, fresh_database, restored_media)
    assert "RESULT: restored and verified" in out, out
    assert "created" in out

    # Checked independently of the command's own verification:
    with postgres.connect(fresh_database["settings"]) as conn:
        restored_counts = bk.row_counts(conn)
        restored_refs = bk.file_refs(conn)
        assert conn.execute("SELECT count(*) FROM django_session").fetchone()[0] == 0
    assert restored_counts.pop("django_session") == 0  # no session came back: everyone signs in again
    assert restored_counts == {k: v for k, v in source_counts.items() if k != "django_session"}
    assert len(restored_refs) == Document.objects.count()
    for doc in Document.objects.all():  # each document's file, byte for byte its recorded sha256
        assert _sha(restored_media / str(doc.file.name)) == doc.sha256
    verify = subprocess.run(  # the operator's own command against the restored database
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": fresh_database["url"], "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert f"audit log intact: {head.seq} entries" in verify.stdout

    # A second restore into it is refused (it is not empty) …
    with pytest.raises(CommandError, match="not empty; nothing was restored"):
        _restore(path, fresh_database, restored_media)
    # … unless forced: restored beside it, verified, swapped in by renaming; the old database is
    # kept (with a row only it has), its sessions ended, a media file of the same name replaced.
    with postgres.connect(fresh_database["settings"]) as conn:
        conn.execute("CREATE TABLE only_in_the_old_one (x int)")
    held = postgres.connect(fresh_database["settings"])  # a session on the target, as a web process
    name = str(Document.objects.first().file.name)
    (restored_media / name).write_bytes(b"other content")
    out = _restore(path, fresh_database, restored_media, "--force")
    assert "swapped in" in out and "RESULT: restored and verified" in out, out
    [previous] = _databases_beside(fresh_database["settings"])
    assert previous.startswith(fresh_database["name"] + "_before_")
    assert f"kept as {previous}" in out and f'dropdb "{previous}"' in out
    with postgres.connect(fresh_database["settings"]) as conn:
        assert bk.row_counts(conn) == {**restored_counts, "django_session": 0}
    with postgres.connect({**fresh_database["settings"], "NAME": previous}) as conn:
        assert "only_in_the_old_one" in bk.row_counts(conn)
    with pytest.raises(psycopg.OperationalError):
        held.execute("SELECT 1")
    held.close()
    assert _sha(restored_media / name) == Document.objects.first().sha256
    assert not list(restored_media.rglob("*.restoring"))

    # The verification is not vacuous: damage the restored copy and it says so.
    with postgres.connect(fresh_database["settings"]) as conn:
        conn.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        conn.execute("UPDATE audit_auditentry SET action = 'tampered' WHERE seq = 2")
        conn.execute("DELETE FROM accounts_roleassignment WHERE id = (SELECT min(id) FROM accounts_roleassignment)")
    (restored_media / str(Document.objects.first().file.name)).write_bytes(b"not the document")
    target = bk.target_settings(fresh_database["url"])
    report = bk.restore_verify(manifest, settings_dict=target, storage=bk.local_storage(restored_media))
    assert not report.ok
    by_name = {check.en: check for check in report.checks}
    assert any("accounts_roleassignment" in p for p in by_name["row counts"].problems)
    assert any("checksum differs" in p for p in by_name["file checksums"].problems)
    assert any("seq 2" in p for p in by_name["audit chain"].problems)
    assert "RESULT: MISMATCH" in "\n".join(bk.report_lines(report, manifest))


@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bad_inputs_are_refused_before_anything_is_restored(
    world: dict[str, Any], fresh_database: dict[str, Any], tmp_path: Path
) -> None:
    """One backup, copied and damaged a different way for each case; every refusal comes before
    the database is created or a file is written. Last, a damaged live store fails the backup."""
    original = _backup(world)
    name = str(Document.objects.first().file.name)
    restored_media = tmp_path / "restored-media"

    def damaged(label: str) -> Path:
        copy = tmp_path / label / original.name
        shutil.copytree(original, copy)
        return copy

    def refused(path: Path, *expected: str) -> CommandError:
        with pytest.raises(CommandError) as caught:
            _restore(path, fresh_database, restored_media)
        message = str(caught.value)
        assert caught.value.returncode == 1
        for text in expected:
            assert text in message, message
        assert not _exists(fresh_database)
        assert not restored_media.exists() or [p for p in restored_media.rglob("*") if p.is_file()] == [
            restored_media / name
        ]
        return caught.value

    # A damaged or altered dump: one flipped byte, same size.
    path = damaged("dump")
    dump = path / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    refused(path, "database.dump: checksum does not match the manifest", "nothing was restored")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(path), check=True)
    call_command("restore", str(original), check=True)  # the untouched set checks clean

    # An altered media file, and one planted beside the others.
    path = damaged("media")
    (path / "media" / name).write_bytes(b"%PDF-1.4 something else")
    (path / "media" / "planted.pdf").write_bytes(b"%PDF-1.4")
    refused(
        path,
        f"media file changed since the backup (damaged or altered?): {name}",
        "media file not in the manifest: planted.pdf",
    )

    # A symbolic link in the set's media (it would copy a host file into the store), as a file
    # with the right name, as a directory, or as media/ itself.
    host_file = tmp_path / "host-secret"
    host_file.write_bytes(b"secret")
    path = damaged("link-file")
    (path / "media" / name).unlink()
    (path / "media" / name).symlink_to(host_file)
    refused(path, f"symbolic link in the backup's media (refused): media/{name}")
    path = damaged("link-dir")
    (path / "media" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    refused(path, "symbolic link in the backup's media (refused): media/elsewhere")
    path = damaged("link-root")
    shutil.move(path / "media", tmp_path / "moved-media")
    (path / "media").symlink_to(tmp_path / "moved-media", target_is_directory=True)
    refused(path, "symbolic link in the backup's media (refused): media")

    # A media store that already holds other content under a name of the set.
    restored_media.joinpath(name).parent.mkdir(parents=True)
    restored_media.joinpath(name).write_bytes(b"someone else's file")
    refused(original, "other content under these names; nothing was restored")
    assert restored_media.joinpath(name).read_bytes() == b"someone else's file"

    # The live store: a file that no longer matches its row's sha256 fails the backup, which
    # leaves neither a set nor an unfinished directory behind.
    doc = Document.objects.get(file=name)
    (world["media"] / name).write_bytes(b"bit rot")
    empty = tmp_path / "no-backups"
    with pytest.raises(CommandError, match=rf"documents.document {doc.pk}: .* differs from its recorded sha256"):
        call_command("backup", output_dir=str(empty))
    assert list(empty.iterdir()) == []


@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_force_leaves_a_non_empty_database_untouched_when_pg_restore_or_verification_fails(
    world: dict[str, Any], fresh_database: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--force never drops the target: pg_restore runs into a temporary database, which is dropped
    again when pg_restore fails (mocked) or the copy does not verify; the live rows and the live
    media files stay as they were, and the message says exactly that."""
    path = _backup(world)
    postgres.database_create(fresh_database["settings"])
    with postgres.connect(fresh_database["settings"]) as conn:
        conn.execute("CREATE TABLE live_data (x int)")
        conn.execute("INSERT INTO live_data SELECT generate_series(1, 3)")
    media = tmp_path / "live-media"
    name = str(Document.objects.first().file.name)
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(b"the live file")
    restored_into: list[str] = []

    def failing_pg_restore(pg_restore: str, settings_dict: dict[str, Any], dump: Path) -> Any:
        restored_into.append(settings_dict["NAME"])
        assert _exists({"name": settings_dict["NAME"], "settings": settings_dict})
        return subprocess.CompletedProcess([pg_restore], 1, "", "pg_restore: error: simulated failure")

    monkeypatch.setattr(restoring, "run_pg_restore", failing_pg_restore)
    with pytest.raises(CommandError) as caught:
        _restore(path, fresh_database, media, "--force")
    message = str(caught.value)
    [temporary] = restored_into
    assert temporary.startswith(fresh_database["name"] + "_restore_")
    assert "pg_restore failed (1): pg_restore: error: simulated failure" in message
    assert f"Database {fresh_database['name']} was left untouched" in message
    assert f"the temporary database {temporary} was dropped" in message
    assert "the media store was not changed" in message
    with postgres.connect(fresh_database["settings"]) as conn:
        assert conn.execute("SELECT sum(x) FROM live_data").fetchone()[0] == 6
        assert "documents_document" not in bk.row_counts(conn)
    assert _databases_beside(fresh_database["settings"]) == []
    assert (media / name).read_bytes() == b"the live file"
    assert [p for p in media.rglob("*") if p.is_file()] == [media / name]

    # pg_restore succeeds (for real) but the copy does not verify: not swapped in either.
    monkeypatch.undo()
    real_verify = bk.restore_verify

    def failing_verify(manifest: dict[str, Any], **kwargs: Any) -> bk.RestoreReport:
        report = real_verify(manifest, **kwargs)
        assert kwargs["settings_dict"]["NAME"].startswith(fresh_database["name"] + "_restore_")
        assert set(kwargs["staged"]) == {name}  # the replacement, checked from the set
        report.checks[0].ok, report.checks[0].problems = False, ["simulated: a table differs"]
        return report

    monkeypatch.setattr(restoring, "restore_verify", failing_verify)
    with pytest.raises(CommandError) as caught:
        _restore(path, fresh_database, media, "--force")
    message = str(caught.value)
    assert "the restored copy does not match the manifest" in message and "simulated" in message
    assert f"Database {fresh_database['name']} was left untouched" in message
    added = len(json.loads((path / "manifest.json").read_text())["media"]["files"]) - 1
    assert f"{added} new media files were added to the store" in message
    assert "no existing media file was changed" in message
    with postgres.connect(fresh_database["settings"]) as conn:
        assert conn.execute("SELECT sum(x) FROM live_data").fetchone()[0] == 6
    assert _databases_beside(fresh_database["settings"]) == []
    assert (media / name).read_bytes() == b"the live file"


def test_a_missing_unfinished_or_corrupt_set_is_refused(tmp_path: Path) -> None:
    """No database needed: refused while reading the set (also on SQLite)."""
    with pytest.raises(CommandError, match="no backup set at"):
        call_command("restore", str(tmp_path / "nowhere"))
    partial = tmp_path / ".daftar-20260101T000000Z.abc.partial"
    partial.mkdir()
    with pytest.raises(CommandError, match="unfinished backup"):
        call_command("restore", str(partial))
    empty = tmp_path / "daftar-20260101T000000Z"
    empty.mkdir()
    with pytest.raises(CommandError, match=r"has no manifest\.json"):
        call_command("restore", str(empty))
    (empty / "manifest.json").write_text('{"format": 1, "database": ')
    with pytest.raises(CommandError, match=r"manifest\.json is corrupt"):
        call_command("restore", str(empty))
    (empty / "manifest.json").write_text('{"format": 1}')
    with pytest.raises(CommandError, match="lacks required fields"):
        call_command("restore", str(empty))


def test_backup_and_restore_name_their_need_for_postgresql() -> None:
    with pytest.raises(bk.BackupError, match="need PostgreSQL"):
        postgres.require_postgresql({"ENGINE": "django.db.backends.sqlite3"})
    with pytest.raises(bk.BackupError, match="invalid file name"):
        base.safe_name("../../etc/passwd")
    assert postgres.pg_name("d" * 70, "_before_20260101T000000Z") == "d" * 39 + "_before_20260101T000000Z"
    assert len(postgres.pg_name("دفتر" * 20, "_restore_0a1b2c3d").encode()) <= 63
