"""Read-only figures of the system's state that readiness and the metrics share: the outbox's
backlog, the spools' files, overdue cases, failed SMS. Each reads the lower apps' tables and
writes nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from daftar.applications.models import Application
from daftar.applications.workflow import CLOCKED
from daftar.municipalities.models import Municipality
from daftar.notifications.models import OutboxMessage
from daftar.notifications.workflow import OutboxStatus


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_age: float  # seconds; 0 when nothing is pending


def outbox_backlog() -> Backlog:
    found = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).aggregate(n=Count("pk"), oldest=Min("created_at"))
    oldest = found["oldest"]
    age = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
    return Backlog(pending=int(found["n"] or 0), oldest_age=age)


def failed_messages() -> dict[str, int]:
    """Outbox messages that gave up (``OUTBOX_MAX_ATTEMPTS`` spent), by channel ("sms")."""
    rows = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).values("channel").annotate(n=Count("pk"))
    return {row["channel"]: int(row["n"]) for row in rows}


@dataclass(frozen=True)
class SpoolFiles:
    files: int
    oldest_age: float  # seconds since the oldest waiting file was last written; 0 when none
    failed: int  # files whose rows the database refused (kept under failed/ for spool_flush --failed)


def spool_files(now: float | None = None) -> SpoolFiles:
    """The files waiting in this host's spools (``SPOOL_DIR/<spool>/*.jsonl``; the current
    second's file included, so a healthy spool's oldest file is about a second old)."""
    root = Path(settings.SPOOL_DIR)
    now = time.time() if now is None else now
    waiting, failed = [], 0
    if root.is_dir():
        for spool in (p for p in root.iterdir() if p.is_dir()):
            for path in spool.glob("*.jsonl"):
                try:
                    waiting.append(path.stat().st_mtime)
                except FileNotFoundError:  # flushed while we looked
                    continue
            failed_dir = spool / "failed"
            failed += sum(1 for _ in failed_dir.glob("*.jsonl")) if failed_dir.is_dir() else 0
    oldest = max(0.0, now - min(waiting)) if waiting else 0.0
    return SpoolFiles(files=len(waiting), oldest_age=oldest, failed=failed)


def overdue_by_municipality() -> dict[str, int]:
    """Cases past the municipality's deadline, by municipality slug, every municipality listed
    (0 included, so a series does not vanish). "Overdue" is the applications app's one
    definition (``selectors.is_overdue``): ``due_at`` passed in a clocked status."""
    counts = dict.fromkeys(Municipality.objects.values_list("slug", flat=True), 0)
    late = Application.objects.filter(status__in=sorted(CLOCKED), due_at__lt=timezone.now())
    for slug, n in late.values_list("municipality__slug").annotate(n=Count("pk")).order_by():
        counts[slug] = int(n)
    return counts
