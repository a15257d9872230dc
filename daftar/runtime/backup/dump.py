"""Taking a backup set (``manage.py backup``): the dump, the media and the manifest of one instant."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.db import connections

from .base import DUMP, EXCLUDED_DATA, FORMAT, MANIFEST, MEDIA, SET_NAME, BackupError, Log, sha256_file
from .manifest import app_version, file_refs, fsync_dir, write_json
from .media import copy_media
from .postgres import connect, pg_env, require_postgresql, row_counts, tool
from .verifiers import VERIFIERS


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


def backup_create(
    *,
    output_dir: Path,
    using: str = "default",
    storage: Storage | None = None,
    keep: int = 0,
    log: Log = lambda message: None,
) -> BackupResult:
    """Write one complete backup set under ``output_dir``; return its path and manifest.

    Raises ``BackupError`` (and leaves nothing behind) when the dump fails or a file a row
    refers to is missing from the media store or differs from its recorded sha256.
    """
    settings_dict = connections[using].settings_dict
    require_postgresql(settings_dict)
    pg_dump = tool("pg_dump")
    storage = storage or default_storage
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = output_dir / f"daftar-{stamp}"
    if final.exists():
        raise BackupError(f"پشتیبان هم‌نام هست / a backup named {final.name} already exists; try again in a second")
    work = Path(tempfile.mkdtemp(prefix=f".daftar-{stamp}.", suffix=".partial", dir=output_dir))
    try:
        manifest = _backup_into(work, settings_dict=settings_dict, pg_dump=pg_dump, storage=storage, log=log)
        manifest["created_at"] = now.isoformat().replace("+00:00", "Z")
        manifest["name"] = final.name
        write_json(work / MANIFEST, manifest)
        os.rename(work, final)
        fsync_dir(output_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    pruned = backup_prune(output_dir, keep=keep) if keep > 0 else []
    return BackupResult(final, manifest, pruned)


def _backup_into(
    work: Path, *, settings_dict: dict[str, Any], pg_dump: str, storage: Storage, log: Log
) -> dict[str, Any]:
    dump_path = work / DUMP
    with connect(settings_dict, autocommit=False) as conn:
        # One snapshot for the dump and everything the manifest says about the database.
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        log(f"pg_dump ({settings_dict['NAME']}) …")
        with subprocess.Popen(  # noqa: S603 - fixed arguments, connection in the environment
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-password",
                *[f"--exclude-table-data={table}" for table in EXCLUDED_DATA],
                f"--file={dump_path}",
            ],
            env=pg_env(settings_dict),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ) as dump:
            counts = row_counts(conn)  # while pg_dump runs, in the same snapshot
            excluded = sorted(table for table in EXCLUDED_DATA if table in counts)
            counts.update(dict.fromkeys(excluded, 0))  # deliberately empty in the dump
            refs = file_refs(conn)
            recorded = {key: verifier.record(conn) for key, verifier in VERIFIERS.items()}
            server = conn.execute("SHOW server_version").fetchone()[0]
            _, errors = dump.communicate()
        conn.rollback()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump ناموفق / pg_dump failed ({dump.returncode}): {errors.strip()}")
    with dump_path.open("rb") as fh:
        os.fsync(fh.fileno())
    # The media after the snapshot: every file its rows name was saved before they committed
    # (decision 0016), so it is there; files uploaded since are copied too (harmless orphans).
    log("media …")
    media = copy_media(storage, work / MEDIA)
    problems = []
    for ref in refs:
        copied = media.get(ref["name"])
        if copied is None:
            problems.append(f"{ref['model']} {ref['pk']}: {ref['name']} missing from the media store")
        elif ref["sha256"] is not None and copied["sha256"] != ref["sha256"]:
            problems.append(f"{ref['model']} {ref['pk']}: {ref['name']} differs from its recorded sha256")
        if ref["sha256"] is None and copied is not None:
            ref["sha256"] = copied["sha256"]  # no recorded checksum: the one at backup time
    if problems:
        raise BackupError(
            "پرونده‌های خراب یا گمشده در انبار رسانه / damaged or missing files in the live media store "
            "(no backup written; investigate before the next run):\n  " + "\n  ".join(problems)
        )
    return {
        "format": FORMAT,
        "app": app_version(),
        "database": {
            "name": settings_dict["NAME"],
            "server_version": server,
            "dump": DUMP,
            "dump_sha256": sha256_file(dump_path),
            "dump_size": dump_path.stat().st_size,
            "row_counts": counts,
            "excluded_data": excluded,
        },
        **recorded,
        "media": {"storage": type(storage).__module__ + "." + type(storage).__name__, "files": media},
        "file_refs": refs,
    }


def backup_prune(output_dir: Path, *, keep: int) -> list[Path]:
    """Delete complete backup sets beyond the newest ``keep`` (never anything else)."""
    sets = sorted(p for p in Path(output_dir).iterdir() if SET_NAME.match(p.name) and (p / MANIFEST).is_file())
    doomed = sets[:-keep] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path)
    return doomed
