"""The manifest: what it records about the database and the files, reading it back, and checking a
set against it before anything is restored."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from .base import DUMP, FORMAT, MANIFEST, MEDIA, BackupError, Log, safe_name, sha256_file
from .media import symlinks
from .postgres import tool
from .verifiers import VERIFIERS


def app_version() -> dict[str, str]:
    base = Path(settings.BASE_DIR)
    version = ""
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, KeyError):
        version = tomllib.loads((base / "pyproject.toml").read_text())["project"]["version"]
    commit = os.environ.get("DAFTAR_GIT_COMMIT", "")
    if not commit and shutil.which("git"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(  # noqa: S603 - read-only, fixed arguments
                ["git", "-C", str(base), "rev-parse", "HEAD"],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            commit = done.stdout.strip() if done.returncode == 0 else ""
    return {"version": version, "commit": commit}


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField, models.Field | None]]:
    """Every stored file field, with the model's ``sha256`` field when it records one."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        names = {f.name for f in model._meta.concrete_fields}
        sha = model._meta.get_field("sha256") if "sha256" in names and len(fields) == 1 else None
        for file_field in fields:
            yield model, file_field, sha  # type: ignore[misc]


def file_refs(conn: Any) -> list[dict[str, Any]]:
    """The files the rows refer to: model, pk, field, storage name and the recorded sha256."""
    from psycopg import sql  # PostgreSQL only: the app runs without the driver on SQLite (the default)

    refs: list[dict[str, Any]] = []
    for model, file_field, sha in _file_fields():
        table, pk = model._meta.db_table, model._meta.pk
        assert pk is not None
        exists = conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0]
        if exists is None:  # a model whose migration this database does not have
            continue
        query = sql.SQL("SELECT {pk}, {col}, {sha} FROM {table} WHERE {col} <> '' ORDER BY {pk}").format(
            pk=sql.Identifier(str(pk.column)),
            col=sql.Identifier(str(file_field.column)),
            sha=sql.Identifier(str(sha.column)) if sha is not None else sql.SQL("NULL"),
            table=sql.Identifier(table),
        )
        for row_pk, name, digest in conn.execute(query):
            refs.append(
                {
                    "model": model._meta.label_lower,
                    "pk": row_pk,
                    "field": file_field.name,
                    "name": name,
                    "sha256": digest,
                }
            )
    return refs


def write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_read(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_dir():
        raise BackupError(f"پشتیبان پیدا نشد / no backup set at {path} (a directory daftar-<UTC time>/)")
    if path.name.endswith(".partial"):
        raise BackupError(f"پشتیبان ناتمام / {path} is an unfinished backup (its run did not complete)")
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"مانیفست ندارد / {path} has no {MANIFEST}: not a complete backup set") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"مانیفست خراب / {path / MANIFEST} is corrupt: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"قالب ناشناخته / unknown backup format in {path / MANIFEST}")
    required = [("database", "dump_sha256"), ("database", "row_counts"), ("media", "files")]
    required += [(key, name) for key, verifier in VERIFIERS.items() for name in verifier.required]
    if not all(isinstance(manifest.get(a), dict) and b in manifest[a] for a, b in required) or not isinstance(
        manifest.get("file_refs"), list
    ):
        raise BackupError(f"مانیفست ناقص / {path / MANIFEST} lacks required fields")
    return manifest


def backup_check(path: Path, manifest: dict[str, Any], *, log: Log = lambda message: None) -> list[str]:
    """Everything wrong with the set itself (empty when it is whole): dump, media, file refs."""
    path = Path(path)
    problems: list[str] = []
    dump = path / DUMP
    database = manifest["database"]
    if not dump.is_file():
        problems.append(f"فایل پایگاه داده نیست / {DUMP} is missing")
    else:
        log("checking the dump …")
        if dump.stat().st_size != database.get("dump_size") or sha256_file(dump) != database["dump_sha256"]:
            problems.append(
                f"چکیدهٔ فایل پایگاه داده نادرست / {DUMP}: checksum does not match the manifest (damaged or altered?)"
            )
        else:
            listed = subprocess.run(  # noqa: S603
                [tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=False
            )
            if listed.returncode != 0:
                problems.append(f"{DUMP} is not readable by pg_restore: {listed.stderr.strip()}")
    log("checking the media …")
    files: dict[str, dict[str, Any]] = manifest["media"]["files"]
    root = path / MEDIA
    links = symlinks(root)
    if links:
        # A crafted set could point media/<name> at a host file and have it copied into the store.
        problems += [f"پیوند نمادین / symbolic link in the backup's media (refused): {link}" for link in links]
        return problems
    for name, expected in sorted(files.items()):
        local = root / safe_name(name)
        if not local.is_file():
            problems.append(f"پرونده نیست / media file missing from the backup: {name}")
        elif local.stat().st_size != expected["size"] or sha256_file(local) != expected["sha256"]:
            problems.append(f"چکیدهٔ پرونده نادرست / media file changed since the backup (damaged or altered?): {name}")
    if root.is_dir():
        for local in root.rglob("*"):
            if local.is_file() and local.relative_to(root).as_posix() not in files:
                problems.append(f"پروندهٔ اضافه / media file not in the manifest: {local.relative_to(root).as_posix()}")
    for ref in manifest["file_refs"]:
        if ref["name"] not in files:
            problems.append(f"{ref['model']} {ref['pk']} refers to {ref['name']}, absent from the backup")
        elif ref["sha256"] != files[ref["name"]]["sha256"]:
            problems.append(f"{ref['model']} {ref['pk']}: {ref['name']} differs from its recorded sha256")
    return problems
