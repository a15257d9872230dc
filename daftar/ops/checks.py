"""The readiness checks of ``GET /health/ready``, as django-health-check checks (issue 20).

Each check is a ``health_check.base.HealthCheck``: the library times it, turns what it raises
into a failed result and logs it. The probes are synchronous and run in the request's own
thread (``sync_to_async``, thread-sensitive), so they use the request's database connection
rather than open one in a thread pool that nobody closes.

A check passes with ``"ok"`` or, where the embedded default has no such part (eager tasks and
no beat, no spool), with ``"not used"``; it fails with a short English sentence for the
operator (``ServiceUnavailable``). The messages never carry a host name, a path or a
password: the endpoint answers anyone who reaches it.

The limits are settings (``HEALTH_*``, docs/operations.md); ``0`` turns an age check off.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
import uuid
from typing import ClassVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from health_check import checks as library
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from daftar.ops import heartbeat, state

log = logging.getLogger(__name__)

# when this process started: a beat heartbeat is not expected before HEALTH_BEAT_MAX_AGE has passed
PROCESS_STARTED = time.time()
OK = "ok"
NOT_USED = "not used"


def _seconds(value: float) -> str:
    return f"{int(value)} s"


@dataclasses.dataclass
class Probe(HealthCheck):
    """A check whose synchronous ``probe`` runs in the request's thread. ``probe`` raises
    ``ServiceUnavailable`` to fail; anything else it raises fails the check as "unavailable
    (<error class>)" and is logged. It returns the passing value ("ok" unless it says otherwise)."""

    key: ClassVar[str] = ""
    passed: str = dataclasses.field(default=OK, init=False, repr=False)

    @property  # type: ignore[override]
    def timeout(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=float(settings.HEALTH_CHECK_TIMEOUT))

    async def run(self) -> None:
        self.passed = await sync_to_async(self._guarded)()

    def _guarded(self) -> str:
        try:
            return self.probe() or OK
        except HealthCheckException:
            raise
        except Exception as exc:
            log.warning("readiness check %s failed: %r", self.key, exc)
            raise ServiceUnavailable(f"unavailable ({type(exc).__name__})") from exc

    def probe(self) -> str | None:
        raise NotImplementedError


@dataclasses.dataclass
class DatabaseCheck(Probe):
    """``SELECT 1`` on the default database (the library's check, in the request's thread)."""

    key: ClassVar[str] = "database"

    def probe(self) -> str | None:
        try:
            library.Database(alias="default").run()
        except ServiceUnavailable as exc:
            cause = exc.__cause__
            log.warning("readiness check database failed: %r", cause or exc)
            raise ServiceUnavailable(f"unavailable ({type(cause).__name__ if cause else 'no answer'})") from exc
        return None


@dataclasses.dataclass
class CacheCheck(Probe):
    """Set, read back and delete a key in the default cache (Redis in production)."""

    key: ClassVar[str] = "cache"

    def probe(self) -> str | None:
        key, value = f"ops:health-probe:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, timeout=30)
        if cache.get(key) != value:
            raise ServiceUnavailable("a value written was not read back")
        cache.delete(key)
        return None


@dataclasses.dataclass
class StorageCheck(Probe):
    """Write, read back and delete a small file in the media storage (local disk or S3)."""

    key: ClassVar[str] = "storage"

    def probe(self) -> str | None:
        storage = storages["default"]
        content = f"daftar readiness probe {time.time()}".encode()
        name = storage.save(f"health-probe/{uuid.uuid4().hex}.txt", ContentFile(content))
        try:
            with storage.open(name) as handle:
                if handle.read() != content:
                    raise ServiceUnavailable("a file written was not read back")
        finally:
            storage.delete(name)
        if storage.exists(name):
            raise ServiceUnavailable("a file deleted is still there")
        return None


@dataclasses.dataclass
class BeatCheck(Probe):
    """The beat's heartbeat (``daftar.ops.tasks.beat_heartbeat``) is recent. With eager tasks
    (the embedded default, ``make run``) there is no beat: "not used"."""

    key: ClassVar[str] = "beat"

    def probe(self) -> str | None:
        limit = int(settings.HEALTH_BEAT_MAX_AGE)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return f"{NOT_USED} (tasks run at once, no beat)"
        if not limit:
            return "not checked"
        now = time.time()
        last = heartbeat.last()
        if last is None:
            if now - PROCESS_STARTED < limit:
                return None  # just started: the first heartbeat may not have come yet
            raise ServiceUnavailable(f"no heartbeat from the beat (limit {_seconds(limit)})")
        age = now - last
        if age > limit:
            raise ServiceUnavailable(f"last heartbeat is {_seconds(age)} old (limit {_seconds(limit)})")
        return None


@dataclasses.dataclass
class OutboxCheck(Probe):
    """The oldest message still pending in the outbox is younger than ``HEALTH_OUTBOX_MAX_AGE``."""

    key: ClassVar[str] = "outbox"

    def probe(self) -> str | None:
        limit = int(settings.HEALTH_OUTBOX_MAX_AGE)
        if not limit:
            return "not checked"
        backlog = state.outbox_backlog()
        if backlog.oldest_age > limit:
            raise ServiceUnavailable(
                f"oldest pending message is {_seconds(backlog.oldest_age)} old (limit {_seconds(limit)})"
            )
        return None


@dataclasses.dataclass
class SpoolCheck(Probe):
    """The oldest file waiting in this host's spools is younger than ``HEALTH_SPOOL_MAX_AGE``
    (each web process flushes its own every second; the beat's ``flush_spools`` the rest)."""

    key: ClassVar[str] = "spool"

    def probe(self) -> str | None:
        limit = int(settings.HEALTH_SPOOL_MAX_AGE)
        if not limit:
            return "not checked"
        files = state.spool_files()
        if not files.files and not settings.VERIFICATION_LOG_SPOOL:
            return f"{NOT_USED} (no spool is on)"
        if files.oldest_age > limit:
            raise ServiceUnavailable(f"oldest spool file is {_seconds(files.oldest_age)} old (limit {_seconds(limit)})")
        return None


READINESS: tuple[type[Probe], ...] = (DatabaseCheck, CacheCheck, StorageCheck, BeatCheck, OutboxCheck, SpoolCheck)
