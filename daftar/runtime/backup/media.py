"""The media store: copied into a set through the storage API, checked, and written back."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage

from .base import CHUNK, BackupError, safe_name, sha256_stream


def storage_names(storage: Storage, prefix: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:  # a local store that was never written to
        return
    for name in sorted(files):
        yield f"{prefix}/{name}" if prefix else name
    for sub in sorted(dirs):
        yield from storage_names(storage, f"{prefix}/{sub}" if prefix else sub)


def copy_media(storage: Storage, target: Path) -> dict[str, dict[str, Any]]:
    target.mkdir(mode=0o700)
    copied: dict[str, dict[str, Any]] = {}
    for name in storage_names(storage):
        dest = target / safe_name(name)
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


def symlinks(root: Path) -> list[str]:
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


def media_plan(storage: Storage, files: dict[str, dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    """(to write, already identical, different content under the same name)."""
    write: list[str] = []
    same: list[str] = []
    conflict: list[str] = []
    for name, expected in sorted(files.items()):
        if not storage.exists(name):
            write.append(name)
            continue
        with storage.open(name, "rb") as fh:
            digest, _ = sha256_stream(fh)
        (same if digest == expected["sha256"] else conflict).append(name)
    return write, same, conflict


def media_write(storage: Storage, source: Path, names: list[str], *, replace: bool = False) -> tuple[list[str], str]:
    """Write the set's files ``names`` into the store; stop at the first failure.

    Returns (the names written, the failure or ""). With ``replace`` an existing file is
    replaced: on a local store the new content is written beside it and renamed over it
    (atomic; a failure leaves the old file); elsewhere the old object is deleted, then saved.
    """
    written: list[str] = []
    for name in names:
        local = source / safe_name(name)
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


def local_storage(root: str | Path) -> Storage:
    return FileSystemStorage(location=str(root))
