"""Backup sets and restoring them (issue 8): ``manage.py backup`` and ``manage.py restore``.

A backup set is one directory ``daftar-<UTC timestamp>/`` (mode 0700) holding:

- ``database.dump``: ``pg_dump --format=custom`` of the database, taken inside an exported
  snapshot (``pg_export_snapshot``), so the dump, the row counts, the file list and the audit
  head of the manifest all describe the same instant;
- ``media/``: every object of the media store (Django's default storage: local files under
  ``MEDIA_ROOT`` or the S3 bucket), copied through the storage API;
- ``manifest.json``, written last: the format, time, app version and git commit, per-table row
  counts, every copied object's sha256 and size, every file a row refers to with the sha256 the
  row records, what the apps' verifiers record (the audit chain's head, ``audit_head``), and
  the dump's sha256 and size.

The rows of ``EXCLUDED_DATA`` (sessions, captcha answers: secrets) are left out of the dump; the
manifest lists them (``excluded_data``) with a row count of 0. The manifest is not signed: its
checks catch a damaged or altered set, not someone who rewrites the manifest too; authenticity
comes from keeping the sets encrypted and authenticated off-host (docs/operations.md).

It is built in a hidden ``.daftar-….partial`` directory next to it and renamed once complete:
a directory named ``daftar-…`` with a manifest is a whole backup; anything else is not.

Restoring checks the whole set first (dump checksum, ``pg_restore --list``, every media
object's checksum, nothing extra, no symbolic link under ``media/``), then the target (an empty
or missing database; the media store's names free or identical), before changing anything. The
database is restored by ``pg_restore --single-transaction`` (all or nothing), then the media,
then it verifies the result against the manifest: row counts, each referenced file's checksum
against the manifest and the restored row, and each app's verifier (``register_verifier``,
called from the app's ``AppConfig.ready``: the audit app's walks the chain with
``verify_chain`` and expects it to reach the manifest's head). ``--force`` on a non-empty
database never drops it: the set goes into a new ``<name>_restore_<random>`` database, is
verified there, and only then swapped in by renaming (the old one is kept as
``<name>_before_<UTC time>``); on any failure the temporary database is dropped and the target
is untouched.

The package, by concept: ``base`` (the set's layout, ``BackupError``, checksums), ``postgres``
(connections, client tools, creating, dropping and swapping databases), ``media`` (the media
store), ``verifiers`` (what the apps vouch for), ``manifest`` (recording, reading and checking a
set), ``dump`` (taking a set), ``restoring`` (restoring one) and ``verify`` (checking the result).
"""

from .base import BackupError
from .dump import BackupResult, backup_create, backup_prune
from .manifest import backup_check, backup_read, file_refs
from .media import local_storage
from .postgres import row_counts, target_settings
from .restoring import restore
from .verifiers import VERIFIERS, Verifier, register_verifier
from .verify import Check, RestoreReport, report_lines, restore_verify

__all__ = [
    "VERIFIERS",
    "BackupError",
    "BackupResult",
    "Check",
    "RestoreReport",
    "Verifier",
    "backup_check",
    "backup_create",
    "backup_prune",
    "backup_read",
    "file_refs",
    "local_storage",
    "register_verifier",
    "report_lines",
    "restore",
    "restore_verify",
    "row_counts",
    "target_settings",
]
