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
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connections, models

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
SET_NAME = re.compile(r"^daftar-\d{8}T\d{6}Z$")
# Tables whose rows are secrets and need no keeping: their data is left out of the dump
# (``pg_dump --exclude-table-data``); the manifest lists them under ``excluded_data`` with a row
# count of 0, and a restore expects them empty. Django's database sessions hold the raw cookie
# value as ``session_key`` (a backup would hand out live logins); the captcha store holds the
# answers of open challenges. After a restore everyone signs in again.
EXCLUDED_DATA = ("django_session", "captcha_captchastore")
CHUNK = 1024 * 1024
# Django's own OPTIONS keys, which are not libpq connection parameters.
_NOT_LIBPQ = {"isolation_level", "server_side_binding", "assume_role", "pool", "cursor_factory", "context"}

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in Persian and English."""


# --- small pieces ----------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_stream(fh: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _safe_name(name: str) -> str:
    """A storage name as a relative path that stays inside its directory."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise BackupError(f"نام پرونده نامعتبر / invalid file name in the backup: {name!r}")
    return str(path)


def _storage_names(storage: Storage, prefix: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:  # a local store that was never written to
        return
    for name in sorted(files):
        yield f"{prefix}/{name}" if prefix else name
    for sub in sorted(dirs):
        yield from _storage_names(storage, f"{prefix}/{sub}" if prefix else sub)


def _libpq_params(settings_dict: dict[str, Any], dbname: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k not in _NOT_LIBPQ and v not in (None, "")
    }
    for key, name in (("NAME", "dbname"), ("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    if settings_dict.get("PORT"):
        params["port"] = str(settings_dict["PORT"])
    if dbname is not None:
        params["dbname"] = dbname
    return params


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: connection settings as PG* variables (the
    password never appears on a command line)."""
    env = os.environ.copy()
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
    for key, value in _libpq_params(settings_dict).items():
        variable = names.get(key) or {
            "sslmode": "PGSSLMODE",
            "sslrootcert": "PGSSLROOTCERT",
            "sslcert": "PGSSLCERT",
            "sslkey": "PGSSLKEY",
            "passfile": "PGPASSFILE",
            "service": "PGSERVICE",
            "options": "PGOPTIONS",
        }.get(key)
        if variable:
            env[variable] = str(value)
    return env


def _connect(settings_dict: dict[str, Any], dbname: str | None = None, *, autocommit: bool = True) -> Any:
    import psycopg

    return psycopg.connect(**_libpq_params(settings_dict, dbname), autocommit=autocommit)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} پیدا نشد / {name} not found: install the PostgreSQL client of the server's major "
            "version (Debian: postgresql-client)"
        )
    return path


def _require_postgresql(settings_dict: dict[str, Any]) -> None:
    if "postgresql" not in settings_dict.get("ENGINE", ""):
        raise BackupError(
            "پشتیبان‌گیری فقط با PostgreSQL / backup and restore need PostgreSQL (DATABASE_URL=postgres://…); "
            "for the embedded SQLite default, stop the server and copy var/ instead"
        )


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


# --- what the database holds (the same queries at backup and after a restore) ----------------


def row_counts(conn: Any) -> dict[str, int]:
    from psycopg import sql

    tables = [
        row[0]
        for row in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
    ]
    return {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        for table in tables
    }


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
    from psycopg import sql

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


# --- what the apps vouch for (registered from their AppConfig.ready) -----------------------------


@dataclass(frozen=True)
class Verifier:
    """Something an app keeps in the database that a backup vouches for, such as the audit app's
    hash chain (``daftar/audit/backup.py``). ``record`` reads its state inside the backup's
    snapshot (a psycopg connection) and the manifest keeps that under ``key``, which must then
    hold ``required``; after a restore, ``record`` reads the restored database and ``verify``
    compares: given a way to open a connection (not in autocommit: a named cursor may walk the
    rows), the manifest's record and the restored one, it returns the check's detail and its
    problems (none: it holds). ``summary`` is the line ``manage.py backup`` prints."""

    key: str
    fa: str
    en: str
    record: Callable[[Any], dict[str, Any]]
    verify: Callable[[Callable[[], Any], dict[str, Any], dict[str, Any]], tuple[str, list[str]]]
    summary: Callable[[dict[str, Any]], str]
    required: tuple[str, ...] = ()


VERIFIERS: dict[str, Verifier] = {}


def register_verifier(verifier: Verifier) -> Verifier:
    VERIFIERS[verifier.key] = verifier
    return verifier


# --- backup ------------------------------------------------------------------------------------


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
    _require_postgresql(settings_dict)
    pg_dump = _tool("pg_dump")
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
        _write_json(work / MANIFEST, manifest)
        os.rename(work, final)
        _fsync_dir(output_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    pruned = backup_prune(output_dir, keep=keep) if keep > 0 else []
    return BackupResult(final, manifest, pruned)


def _backup_into(
    work: Path, *, settings_dict: dict[str, Any], pg_dump: str, storage: Storage, log: Log
) -> dict[str, Any]:
    dump_path = work / DUMP
    with _connect(settings_dict, autocommit=False) as conn:
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
            env=_pg_env(settings_dict),
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
    media = _copy_media(storage, work / MEDIA)
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


def _copy_media(storage: Storage, target: Path) -> dict[str, dict[str, Any]]:
    target.mkdir(mode=0o700)
    copied: dict[str, dict[str, Any]] = {}
    for name in _storage_names(storage):
        dest = target / _safe_name(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as src, dest.open("wb") as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        copied[name] = {"sha256": digest.hexdigest(), "size": size}
    return copied


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_prune(output_dir: Path, *, keep: int) -> list[Path]:
    """Delete complete backup sets beyond the newest ``keep`` (never anything else)."""
    sets = sorted(p for p in Path(output_dir).iterdir() if SET_NAME.match(p.name) and (p / MANIFEST).is_file())
    doomed = sets[:-keep] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# --- reading and checking a set -------------------------------------------------------------


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
                [_tool("pg_restore"), "--list", str(dump)], capture_output=True, text=True, check=False
            )
            if listed.returncode != 0:
                problems.append(f"{DUMP} is not readable by pg_restore: {listed.stderr.strip()}")
    log("checking the media …")
    files: dict[str, dict[str, Any]] = manifest["media"]["files"]
    root = path / MEDIA
    links = _symlinks(root)
    if links:
        # A crafted set could point media/<name> at a host file and have it copied into the store.
        problems += [f"پیوند نمادین / symbolic link in the backup's media (refused): {link}" for link in links]
        return problems
    for name, expected in sorted(files.items()):
        local = root / _safe_name(name)
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


def _symlinks(root: Path) -> list[str]:
    """Every symbolic link at or under ``root`` (not followed), relative to its parent."""
    if root.is_symlink():
        return [root.name]
    found: list[str] = []
    for directory, dirs, names in os.walk(root):
        for entry in [*dirs, *names]:
            local = Path(directory) / entry
            if local.is_symlink():
                found.append(local.relative_to(root.parent).as_posix())
    return sorted(found)


# --- restore -----------------------------------------------------------------------------------


@dataclass
class Check:
    fa: str
    en: str
    ok: bool
    detail: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    database: str
    checks: list[Check]
    created: bool = False
    replaced: bool = False
    previous: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def target_settings(database_url: str | None) -> dict[str, Any]:
    """The connection settings of the database to restore into: ``database_url``, else the
    configured one."""
    if not database_url:
        return connections["default"].settings_dict
    import environ

    parsed = environ.Env.db_url_config(database_url)
    target = copy.deepcopy(connections["default"].settings_dict)
    for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
        target[key] = parsed.get(key, "")
    target["OPTIONS"] = parsed.get("OPTIONS", {})
    return target


def _database_state(settings_dict: dict[str, Any]) -> str:
    """ "missing", "empty" or "in use" (any relation or sequence outside the system schemas)."""
    name = settings_dict["NAME"]
    with _connect(settings_dict, "postgres") as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return "missing"
    with _connect(settings_dict) as conn:
        used = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        ).fetchone()[0]
    return "in use" if used else "empty"


def _database_create(settings_dict: dict[str, Any]) -> None:
    from psycopg import sql

    with _connect(settings_dict, "postgres") as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings_dict["NAME"])))


def _database_drop(settings_dict: dict[str, Any]) -> None:
    from psycopg import sql

    with _connect(settings_dict, "postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(settings_dict["NAME"])))


def _pg_name(base: str, suffix: str) -> str:
    """``base + suffix`` within PostgreSQL's 63-byte identifier limit (``base`` is shortened)."""
    room = 63 - len(suffix.encode())
    return base.encode()[:room].decode(errors="ignore") + suffix


class _SwapBroken(BackupError):
    """The swap stopped half way: the target name is free and must not be cleaned up blindly."""


def _database_swap(target: dict[str, Any], new_name: str, stamp: str) -> str:
    """Rename the target database to ``<target>_before_<stamp>`` and ``new_name`` to the target;
    return the kept database's name. Other sessions on the target are ended first
    (``pg_terminate_backend``): the web and worker processes should be stopped anyway."""
    import psycopg
    from psycopg import sql

    name = target["NAME"]
    previous = _pg_name(name, f"_before_{stamp}")
    with _connect(target, "postgres") as conn:
        for attempt in range(20):
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            try:
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (name, previous))))
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise BackupError(
                        f"پایگاه داده «{name}» هنوز اتصال دارد / database {name} still has sessions after "
                        "pg_terminate_backend (stop the web and worker processes and try again)"
                    ) from None
                time.sleep(0.25)
        try:
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (new_name, name))))
        except psycopg.Error as exc:
            try:
                conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (previous, name))))
            except psycopg.Error as back:
                raise _SwapBroken(
                    f"جابه‌جایی نیمه‌کاره / the swap stopped half way: {name} was renamed to {previous}, but "
                    f"renaming {new_name} to {name} failed ({exc}) and renaming it back failed too ({back}). "
                    f"No database is named {name} now; the verified restore is {new_name}. By hand: "
                    f'ALTER DATABASE "{previous}" RENAME TO "{name}"; (the old data) or '
                    f'ALTER DATABASE "{new_name}" RENAME TO "{name}"; (the restored data)'
                ) from exc
            raise BackupError(f"renaming {new_name} to {name} failed ({exc}); {name} was renamed back") from exc
    return previous


def _media_plan(storage: Storage, files: dict[str, dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    """(to write, already identical, different content under the same name)."""
    write: list[str] = []
    same: list[str] = []
    conflict: list[str] = []
    for name, expected in sorted(files.items()):
        if not storage.exists(name):
            write.append(name)
            continue
        with storage.open(name, "rb") as fh:
            digest, _ = _sha256_stream(fh)
        (same if digest == expected["sha256"] else conflict).append(name)
    return write, same, conflict


def _media_write(storage: Storage, source: Path, names: list[str], *, replace: bool = False) -> tuple[list[str], str]:
    """Write the set's files ``names`` into the store; stop at the first failure.

    Returns (the names written, the failure or ""). With ``replace`` an existing file is
    replaced: on a local store the new content is written beside it and renamed over it
    (atomic; a failure leaves the old file); elsewhere the old object is deleted, then saved.
    """
    written: list[str] = []
    for name in names:
        local = source / _safe_name(name)
        try:
            if replace:
                _media_replace(storage, local, name)
            else:
                with local.open("rb") as fh:
                    saved = storage.save(name, File(fh, name=name))
                if saved != name:
                    raise BackupError(f"the media store saved it as {saved}")
        except Exception as exc:  # any storage backend's error: reported precisely
            return written, f"{name}: {exc}"
        written.append(name)
    return written, ""


def _media_replace(storage: Storage, local: Path, name: str) -> None:
    try:
        live = Path(storage.path(name))
    except NotImplementedError:  # not a local store: delete, then save (not atomic)
        live = None
    if live is None:
        storage.delete(name)
        with local.open("rb") as fh:
            saved = storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(f"the media store saved it as {saved}")
        return
    fd, staging = tempfile.mkstemp(prefix=f".{live.name}.", suffix=".restoring", dir=live.parent)
    try:
        with os.fdopen(fd, "wb") as out, local.open("rb") as src:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        mode = getattr(storage, "file_permissions_mode", None)
        os.chmod(staging, mode if mode is not None else 0o644)
        os.replace(staging, live)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staging)
        raise


def _pg_restore(pg_restore: str, settings_dict: dict[str, Any], dump: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, connection in the environment
        [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-acl", "--no-password",
         f"--dbname={settings_dict['NAME']}", str(dump)],
        env=_pg_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def _problems(report: RestoreReport) -> str:
    return "\n  ".join(f"{check.en}: {p}" for check in report.checks for p in check.problems[:20])


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
    _require_postgresql(target)
    pg_restore = _tool("pg_restore")
    storage = storage or default_storage
    files: dict[str, dict[str, Any]] = manifest["media"]["files"]

    state = _database_state(target)
    if state == "in use" and not force:
        raise BackupError(
            f"پایگاه داده «{target['NAME']}» خالی نیست؛ چیزی بازیابی نشد / database {target['NAME']} is not "
            "empty; nothing was restored (restore into a new database, or add --force to restore beside it, "
            "verify, and swap it in, keeping the current one under another name)"
        )
    to_write, _same, conflicts = _media_plan(storage, files)
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
        _database_create(target)
    log("pg_restore …")
    done = _pg_restore(pg_restore, target, path / DUMP)
    if done.returncode != 0:
        if created:
            _database_drop(target)
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
    added, failed = _media_write(storage, path / MEDIA, to_write)
    if failed:
        return [
            f"نوشتن رسانه ناموفق / writing media failed at {failed}; {len(added)} of {len(to_write)} new files "
            f"written, none of the {len(conflicts)} existing files of the same name replaced"
        ]
    replaced, failed = _media_write(storage, path / MEDIA, conflicts, replace=True)
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
    import psycopg

    name = target["NAME"]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    temporary = {**target, "NAME": _pg_name(name, f"_restore_{secrets.token_hex(4)}")}
    added: list[str] = []
    log(f"--force: restoring into a temporary database {temporary['NAME']} …")
    _database_create(temporary)
    try:
        done = _pg_restore(pg_restore, temporary, path / DUMP)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed ({done.returncode}): {done.stderr.strip()}")
        log("media (new files only; nothing existing is changed before the swap) …")
        added, failed = _media_write(storage, path / MEDIA, to_write)
        if failed:
            raise BackupError(f"writing the media file {failed}")
        log(f"verifying {temporary['NAME']} …")
        staged = {n: path / MEDIA / _safe_name(n) for n in conflicts}  # checked against the manifest already
        check = restore_verify(manifest, settings_dict=temporary, storage=storage, staged=staged)
        if not check.ok:
            raise BackupError("the restored copy does not match the manifest:\n  " + _problems(check))
        log(f"swapping: {name} → {_pg_name(name, f'_before_{stamp}')}, {temporary['NAME']} → {name} …")
        previous = _database_swap(target, temporary["NAME"], stamp)
    except _SwapBroken:
        raise
    except BaseException as exc:  # an interrupt too: the temporary database must not stay behind
        try:
            _database_drop(temporary)
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
    replaced, failed = _media_write(storage, path / MEDIA, conflicts, replace=True)
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


def restore_verify(
    manifest: dict[str, Any],
    *,
    settings_dict: dict[str, Any] | None = None,
    storage: Storage | None = None,
    staged: dict[str, Path] | None = None,
) -> RestoreReport:
    """Compare a restored database and media store with the manifest. ``staged``: files not yet
    in the store (they will replace what is there under their names), read from these paths."""
    settings_dict = settings_dict or connections["default"].settings_dict
    storage = storage or default_storage
    staged = staged or {}
    checks: list[Check] = []
    with _connect(settings_dict) as conn:
        counts, refs = row_counts(conn), file_refs(conn)
        found = {key: verifier.record(conn) for key, verifier in VERIFIERS.items()}

    expected: dict[str, int] = manifest["database"]["row_counts"]
    wrong = [
        f"{table}: {counts.get(table, 'missing')} ≠ {expected.get(table, 'absent from the manifest')}"
        for table in sorted(set(expected) | set(counts))
        if counts.get(table) != expected.get(table)
    ]
    excluded = manifest["database"].get("excluded_data") or []
    detail = f"{len(expected)} tables, {sum(expected.values())} rows"
    if excluded:
        detail += f" ({', '.join(excluded)}: left empty on purpose)"
    checks.append(Check("تعداد سطرها", "row counts", not wrong, detail, wrong))

    wrong = []
    by_key = {(r["model"], r["pk"], r["field"]): r for r in manifest["file_refs"]}
    restored = {(r["model"], r["pk"], r["field"]): r for r in refs}
    for key in sorted(set(by_key) | set(restored), key=str):
        want, have = by_key.get(key), restored.get(key)
        if want is None or have is None:
            wrong.append(f"{key[0]} {key[1]}: {'not in the manifest' if want is None else 'row missing'}")
            continue
        if have["name"] != want["name"] or (have["sha256"] is not None and have["sha256"] != want["sha256"]):
            wrong.append(f"{key[0]} {key[1]}: the row's file or sha256 differs from the manifest")
            continue
        try:
            with staged[want["name"]].open("rb") if want["name"] in staged else storage.open(want["name"], "rb") as fh:
                digest, _ = _sha256_stream(fh)
        except FileNotFoundError:
            wrong.append(f"{key[0]} {key[1]}: {want['name']} missing from the media store")
            continue
        if digest != want["sha256"]:
            wrong.append(f"{key[0]} {key[1]}: {want['name']} checksum differs")
    media_files = manifest["media"]["files"]
    missing = [name for name in sorted(media_files) if name not in staged and not storage.exists(name)]
    wrong += [f"{name}: missing from the media store" for name in missing]
    checks.append(
        Check(
            "چکیدهٔ پرونده‌ها",
            "file checksums",
            not wrong,
            f"{len(by_key)} referenced files, {len(media_files)} stored objects",
            wrong,
        )
    )

    for key, verifier in VERIFIERS.items():
        detail, wrong = verifier.verify(lambda: _connect(settings_dict, autocommit=False), manifest[key], found[key])
        checks.append(Check(verifier.fa, verifier.en, not wrong, detail, wrong))
    return RestoreReport(settings_dict["NAME"], checks, notes=_migration_notes(settings_dict))


def _migration_notes(settings_dict: dict[str, Any]) -> list[str]:
    """Whether this code's migrations match the restored database's (a note, not a failure)."""
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    with _connect(settings_dict) as conn:
        applied = {(app, name) for app, name in conn.execute("SELECT app, name FROM django_migrations")}
    ours = {app for app, _ in on_disk}
    pending = on_disk - applied
    unknown = {m for m in applied - on_disk if m[0] in ours}
    notes = []
    if pending:
        notes.append(
            f"مهاجرت‌های اعمال‌نشده / {len(pending)} migrations of this code are not in the backup: "
            "run `manage.py migrate` before serving"
        )
    if unknown:
        notes.append(
            f"پشتیبان از نسخهٔ جدیدتر / the backup has {len(unknown)} migrations this code does not know "
            f"(e.g. {sorted(unknown)[0][0]}.{sorted(unknown)[0][1]}): run the version it was taken with"
        )
    return notes


def report_lines(report: RestoreReport, manifest: dict[str, Any]) -> list[str]:
    app = manifest.get("app", {})
    lines = [
        f"بازیابی پشتیبان / restored backup {manifest.get('name', '?')} "
        f"(taken {manifest.get('created_at', '?')}, version {app.get('version', '?')}, "
        f"commit {(app.get('commit') or '?')[:12]})",
        f"  پایگاه داده / database: {report.database}"
        + (" (ساخته شد / created)" if report.created else "")
        + (
            f" (جایگزین شد / swapped in, --force; the previous database is kept as {report.previous})"
            if report.replaced
            else ""
        ),
    ]
    for check in report.checks:
        mark = "✓ درست / OK" if check.ok else "✗ نادرست / MISMATCH"
        lines.append(f"  {check.fa} / {check.en}: {mark} — {check.detail}")
        lines += [f"      {p}" for p in check.problems[:20]]
        if len(check.problems) > 20:
            lines.append(f"      … and {len(check.problems) - 20} more")
    lines += [f"  {note}" for note in report.notes]
    lines.append(
        "نتیجه: بازیابی و بررسی درست / RESULT: restored and verified"
        if report.ok
        else "نتیجه: ناهمخوانی / RESULT: MISMATCH — do not put this database in service"
    )
    return lines


def local_storage(root: str | Path) -> Storage:
    return FileSystemStorage(location=str(root))
