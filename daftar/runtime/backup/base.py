"""What every part of backup and restore shares: the set's layout, its error, checksums."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO

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


Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in Persian and English."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_stream(fh: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def safe_name(name: str) -> str:
    """A storage name as a relative path that stays inside its directory."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        raise BackupError(f"نام پرونده نامعتبر / invalid file name in the backup: {name!r}")
    return str(path)
