"""SMS backends: ``console``, ``file`` (JSON lines, API.md), ``locmem`` (tests) and ``http``
(a real gateway, ``daftar.contrib.smsgateway``). Chosen by ``DAFTAR_SMS_BACKEND``."""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Sms:
    reference: str
    to: str
    text: str


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

    A reference already in the file is not written again (a retry after a crash)."""

    _lock = threading.Lock()

    def send(self, sms: Sms) -> None:
        folder = Path(settings.SMS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "sms.jsonl"
        line = {"to": sms.to, "text": sms.text, "sent_at": timezone.now().isoformat(), "reference": sms.reference}
        with self._lock:
            if path.exists() and f'"reference": "{sms.reference}"' in path.read_text(encoding="utf-8"):
                return
            with path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")


class LocmemBackend:
    """Keeps sent messages in ``LocmemBackend.outbox`` (tests read codes from it)."""

    outbox: list[Sms] = []

    def send(self, sms: Sms) -> None:
        type(self).outbox.append(sms)


def get_backend(name: str | None = None) -> SmsBackend:
    name = name or settings.SMS_BACKEND
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend()
    if name == "locmem":
        return LocmemBackend()
    if name == "http":
        from daftar.contrib.smsgateway.backend import HttpGatewayBackend

        return HttpGatewayBackend.from_settings()
    raise ValueError(f"unknown SMS backend {name!r}")
