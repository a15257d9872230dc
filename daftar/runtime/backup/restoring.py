"""Restoring a set (``manage.py restore``): into an empty database, or beside a live one and swapped
in once verified (``--force``)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.db import connections

from .base import DUMP, MEDIA, BackupError, Log, safe_name
from .manifest import backup_check, backup_read
from .media import media_plan, media_write
from .postgres import (
    SwapBroken,
    database_create,
    database_drop,
    database_state,
    database_swap,
    pg_name,
    require_postgresql,
    run_pg_restore,
    target_settings,
    tool,
)
from .verify import RestoreReport, problem_lines, restore_verify


def restore(
    path: Path,
    *,
    database_url: str | None = None,
    storage: Storage | None = None,
    force: bool = False,
    log: Log = lambda message: None,
) -> RestoreReport:
    """Restore the set at ``path`` into the database (``database_url``, else the configured
    one) and the media store, then verify it. Raises ``BackupError`` before changing anything
    when the set or the target is not fit; returns the report of the verification.

    A missing or empty database is restored into directly. A non-empty one (only with
    ``force``) is never dropped: the set is restored into a new temporary database, verified
    there, and only then swapped in by renaming; the previous database is kept.
    """
    path = Path(path)
    manifest = backup_read(path)
    problems = backup_check(path, manifest, log=log)
    if problems:
        raise BackupError(
            "پشتیبان سالم نیست؛ چیزی بازیابی نشد / the backup set is damaged; nothing was restored:\n  "
            + "\n  ".join(problems)
        )
    target = target_settings(database_url)
    require_postgresql(target)
    pg_restore = tool("pg_restore")
    storage = storage or default_storage
    files: dict[str, dict[str, Any]] = manifest["media"]["files"]

    state = database_state(target)
    if state == "in use" and not force:
        raise BackupError(
            f"پایگاه داده «{target['NAME']}» خالی نیست؛ چیزی بازیابی نشد / database {target['NAME']} is not "
            "empty; nothing was restored (restore into a new database, or add --force to restore beside it, "
            "verify, and swap it in, keeping the current one under another name)"
        )
    to_write, _same, conflicts = media_plan(storage, files)
    if conflicts and not force:
        raise BackupError(
            "انبار رسانه پرونده‌های هم‌نام با محتوای دیگر دارد؛ چیزی بازیابی نشد / the media store holds other "
            "content under these names; nothing was restored (--force overwrites them):\n  " + "\n  ".join(conflicts)
        )

    if target["NAME"] == connections["default"].settings_dict["NAME"]:
        connections["default"].close()  # the database may be renamed: let go of it
    if state == "in use":
        return _restore_beside(path, manifest, target, pg_restore, storage, to_write, conflicts, log)

    created = state == "missing"
    if created:
        log(f"creating database {target['NAME']} …")
        database_create(target)
    log("pg_restore …")
    done = run_pg_restore(pg_restore, target, path / DUMP)
    if done.returncode != 0:
        if created:
            database_drop(target)
        raise BackupError(
            f"pg_restore ناموفق؛ چیزی بازیابی نشد / pg_restore failed, nothing was restored: database "
            f"{target['NAME']} "
            + ("was dropped again" if created else "is still empty")
            + f"; the media store was not changed ({done.returncode}): {done.stderr.strip()}"
        )
    log("media …")
    notes = _write_media_notes(storage, path, to_write, conflicts)
    report = restore_verify(manifest, settings_dict=target, storage=storage)
    report.created = created
    report.notes[:0] = notes
    return report


def _write_media_notes(storage: Storage, path: Path, to_write: list[str], conflicts: list[str]) -> list[str]:
    """New files first, then the replacements; a failure becomes a precise note (and the
    verification that follows reports the files concerned as mismatches)."""
    added, failed = media_write(storage, path / MEDIA, to_write)
    if failed:
        return [
            f"نوشتن رسانه ناموفق / writing media failed at {failed}; {len(added)} of {len(to_write)} new files "
            f"written, none of the {len(conflicts)} existing files of the same name replaced"
        ]
    replaced, failed = media_write(storage, path / MEDIA, conflicts, replace=True)
    if failed:
        left = conflicts[len(replaced) :]
        return [
            f"نوشتن رسانه ناموفق / replacing media failed at {failed}; all {len(to_write)} new files written, "
            f"{len(replaced)} of {len(conflicts)} existing files replaced; not replaced: " + ", ".join(left)
        ]
    return []


def _restore_beside(
    path: Path,
    manifest: dict[str, Any],
    target: dict[str, Any],
    pg_restore: str,
    storage: Storage,
    to_write: list[str],
    conflicts: list[str],
    log: Log,
) -> RestoreReport:
    """``--force`` on a non-empty database: restore into ``<name>_restore_<random>``, verify it
    fully, then rename the target to ``<name>_before_<UTC time>`` and the new one to the target."""
    import psycopg  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    name = target["NAME"]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    temporary = {**target, "NAME": pg_name(name, f"_restore_{secrets.token_hex(4)}")}
    added: list[str] = []
    log(f"--force: restoring into a temporary database {temporary['NAME']} …")
    database_create(temporary)
    try:
        done = run_pg_restore(pg_restore, temporary, path / DUMP)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed ({done.returncode}): {done.stderr.strip()}")
        log("media (new files only; nothing existing is changed before the swap) …")
        added, failed = media_write(storage, path / MEDIA, to_write)
        if failed:
            raise BackupError(f"writing the media file {failed}")
        log(f"verifying {temporary['NAME']} …")
        staged = {n: path / MEDIA / safe_name(n) for n in conflicts}  # checked against the manifest already
        check = restore_verify(manifest, settings_dict=temporary, storage=storage, staged=staged)
        if not check.ok:
            raise BackupError("the restored copy does not match the manifest:\n  " + problem_lines(check))
        log(f"swapping: {name} → {pg_name(name, f'_before_{stamp}')}, {temporary['NAME']} → {name} …")
        previous = database_swap(target, temporary["NAME"], stamp)
    except SwapBroken:
        raise
    except BaseException as exc:  # an interrupt too: the temporary database must not stay behind
        try:
            database_drop(temporary)
            dropped = f"the temporary database {temporary['NAME']} was dropped"
        except psycopg.Error as drop_error:
            dropped = f"the temporary database {temporary['NAME']} could not be dropped ({drop_error}): drop it by hand"
        media = (
            f"{len(added)} new media files were added to the store (no row of {name} refers to them); "
            "no existing media file was changed"
            if added
            else "the media store was not changed"
        )
        if not isinstance(exc, BackupError | OSError | psycopg.Error):
            raise
        raise BackupError(
            f"بازیابی ناموفق؛ پایگاه داده دست‌نخورده ماند / {exc}\nDatabase {name} was left untouched; "
            f"{dropped}; {media}."
        ) from exc
    name_back = (
        f'to go back: ALTER DATABASE "{name}" RENAME TO "{name}_failed"; '
        f'ALTER DATABASE "{previous}" RENAME TO "{name}";'
    )
    log("media (replacing files of the same name) …")
    replaced, failed = media_write(storage, path / MEDIA, conflicts, replace=True)
    try:
        report = restore_verify(manifest, settings_dict=target, storage=storage)
    except (OSError, psycopg.Error) as exc:
        raise BackupError(
            f"بررسی پس از جابه‌جایی ناموفق / {exc}\nThe verified restore was swapped in as {name} (the previous "
            f"database is kept as {previous}), but checking it in place failed; {len(replaced)} of "
            f"{len(conflicts)} media files of the same name were replaced. Run the check again, or {name_back}"
        ) from exc
    report.replaced, report.previous = True, previous
    if failed:
        report.notes.insert(
            0,
            f"نوشتن رسانه ناموفق / the database was swapped, but replacing media failed at {failed}: "
            f"{len(replaced)} of {len(conflicts)} existing files replaced; not replaced: "
            + ", ".join(conflicts[len(replaced) :])
            + f" (copy them from {path / MEDIA})",
        )
    if report.ok:
        report.notes.append(
            f"پایگاه داده قبلی نگه داشته شد / the previous database is kept as {previous}; once this one is in "
            f'service, drop it: dropdb "{previous}" (or DROP DATABASE "{previous}";)'
        )
    else:
        report.notes.append(
            f"هشدار / {name} already holds the restored copy (it verified before the swap, not after); the "
            f"previous database is kept as {previous}: {name_back}"
        )
    return report
