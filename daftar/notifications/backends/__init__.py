"""SMS backends: ``console``, ``file`` (JSON lines, API.md), ``locmem`` (tests), ``http``
(a generic gateway, ``daftar.contrib.smsgateway``) and ``providers`` (Iranian SMS providers,
Kavenegar and SMS.ir, tried in order: ``providers.py``). Chosen by ``DAFTAR_SMS_BACKEND``."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Sms:
    reference: str
    to: str
    text: str
    # the outbox row's kind ("otp" for a one-time code): a provider sends a one-time code by its
    # template API, everything else as plain text
    kind: str = ""


class SmsError(Exception):
    """A temporary failure: the outbox retries later."""


class SmsRejected(SmsError):
    """The gateway refused the message for good (e.g. a barred number): no more retries."""


class SmsBackend(Protocol):
    def send(self, sms: Sms) -> None: ...


class ConsoleBackend:
    def send(self, sms: Sms) -> None:
        sys.stdout.write(f"\n===== SMS to {sms.to} =====\n{sms.text}\n==========================\n")
        sys.stdout.flush()


class FileBackend:
    """Appends ``{"to", "text", "sent_at", "reference"}`` to ``sms.jsonl`` in ``SMS_DIR``.

    A reference already in the file is not written again (a retry after a crash). The file is
    locked (``flock``) while it is checked and appended to, so processes do not interleave; each
    process remembers the references it has read and reads only what others appended since
    (issue 7: reading the whole file for every message made a long run quadratic)."""

    _lock = threading.Lock()
    _known: ClassVar[dict[str, tuple[int, int, set[str]]]] = {}  # path -> (inode, bytes read, references)

    def send(self, sms: Sms) -> None:
        folder = Path(settings.SMS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "sms.jsonl"
        line = {"to": sms.to, "text": sms.text, "sent_at": timezone.now().isoformat(), "reference": sms.reference}
        with self._lock, path.open("a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                references = self._references(str(path), fh)
                if sms.reference in references:
                    return
                data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
                fh.write(data)
                fh.flush()
                inode, read, _ = self._known[str(path)]
                self._known[str(path)] = (inode, read + len(data), references)
                references.add(sms.reference)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _references(self, key: str, fh: Any) -> set[str]:
        size = fh.seek(0, os.SEEK_END)
        inode = os.fstat(fh.fileno()).st_ino
        known_inode, read, references = self._known.get(key, (inode, 0, set()))
        if size < read or known_inode != inode:  # the file was truncated or replaced: start over
            read, references = 0, set()
        if size > read:
            fh.seek(read)
            for raw in fh.read(size - read).splitlines():
                with contextlib.suppress(ValueError):
                    references.add(str(json.loads(raw).get("reference", "")))
        self._known[key] = (inode, size, references)
        return references


class LocmemBackend:
    """Keeps sent messages in ``LocmemBackend.outbox`` (tests read codes from it)."""

    outbox: list[Sms] = []

    def send(self, sms: Sms) -> None:
        type(self).outbox.append(sms)


# Gateways to outside systems live in daftar/contrib/<system>/ above this app, so they are named
# by their dotted path and loaded by name: the outbox never imports a gateway.
GATEWAYS = {
    "http": "daftar.contrib.smsgateway.backend.HttpGatewayBackend",
    "providers": "daftar.notifications.backends.providers.ProvidersBackend",
}


def get_backend(name: str | None = None) -> SmsBackend:
    name = name or settings.SMS_BACKEND
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend()
    if name == "locmem":
        return LocmemBackend()
    if name in GATEWAYS:
        gateway: Any = import_string(GATEWAYS[name])
        return gateway.from_settings()
    raise ValueError(f"unknown SMS backend {name!r}")
