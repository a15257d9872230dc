"""What the apps vouch for in a backup set (registered from their ``AppConfig.ready``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
