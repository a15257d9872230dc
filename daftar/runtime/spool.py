"""A local write-ahead spool for log rows written on a hot path (issue 7).

A public licence check writes one ``VerificationLog`` row. As its own ``INSERT`` and commit that
row cost as much as the rest of the answer. Instead, the row is appended as one JSON line to a
file on the web host's disk and written to the database in bulk, about a second later:

- **Append** (``Spool.append``): one ``write(2)`` to ``<dir>/<host>-<pid>-<slot>.jsonl``, the
  file of the current time slot (``seconds`` long), under a shared ``flock``. Once ``write``
  returns, the row is the kernel's: a process killed after it (even ``kill -9``) loses
  nothing, since another process flushes the file. A machine that loses power may lose what
  the kernel had not yet written to disk (about the last ``seconds``); the rows carry no
  decisions, only the record of public checks, and decision 0022 accepts that.
- **Flush** (``Spool.flush``): any process takes a file whose slot is over (no writer uses it
  any more). It locks the file exclusively, hands its rows to the spool's ``write`` function
  (an idempotent bulk insert: each row carries a unique ``ref``, so a flush repeated after a
  crash between the insert and the unlink adds nothing), and then removes the file. A daemon
  thread in every appending process flushes every ``seconds``. The beat task
  ``daftar.runtime.tasks.flush_spools`` and ``manage.py spool_flush`` are the safety net for files
  whose processes are gone. A process that exits cleanly writes its own files first.
- A torn last line (a process killed in the middle of ``write``, which a local file system
  makes all but impossible for one short line) is logged and skipped. While the database is
  unreachable the files wait where they are; if it refuses their rows, they are kept under
  ``failed/`` and ``spool_flush --failed`` retries them.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection

log = logging.getLogger(__name__)


class Spool:
    def __init__(
        self,
        name: str,
        write: Callable[[list[dict[str, Any]]], None],
        *,
        seconds: float = 1.0,
        thread: bool | None = None,
    ) -> None:
        """``thread``: flush from a daemon thread of each appending process (default: the
        ``SPOOL_FLUSH_THREAD`` setting; off in the tests, which flush when they choose)."""
        self.name, self.write, self.seconds, self.thread = name, write, seconds, thread
        self._lock = threading.Lock()
        self._pid = 0
        self._fd: int | None = None
        self._slot = -1
        self._where = ""
        self._flusher: threading.Thread | None = None

    # --- where -----------------------------------------------------------------------------
    def directory(self) -> Path:
        path = Path(settings.SPOOL_DIR) / self.name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _slot_now(self) -> int:
        return int(time.time() // self.seconds)

    # --- append ----------------------------------------------------------------------------
    def append(self, row: dict[str, Any]) -> None:
        line = (json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode()
        with self._lock:
            if self._pid != os.getpid():  # a forked child: its own file and flusher
                if self._fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(self._fd)
                self._pid, self._fd, self._slot, self._flusher = os.getpid(), None, -1, None
            for _attempt in range(2):
                fd = self._file(self._slot_now())
                fcntl.flock(fd, fcntl.LOCK_SH)
                if os.fstat(fd).st_nlink == 0:  # flushed under us (a stalled thread, spool_flush --all)
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    self._close()
                    continue
                try:
                    _write_all(fd, line)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                break
            else:  # pragma: no cover - two flushes in a row took the file
                raise OSError(f"spool {self.name}: no file to append to")
            self._start_flusher()

    def _file(self, slot: int) -> int:
        where = str(settings.SPOOL_DIR)  # a setting a test may change: the file follows it
        if self._fd is None or slot != self._slot or where != self._where:
            self._close()
            name = f"{socket.gethostname()}-{os.getpid()}-{slot}.jsonl"
            self._fd = os.open(self.directory() / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._slot, self._where = slot, where
        return self._fd

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd, self._slot = None, -1

    # --- flush -----------------------------------------------------------------------------
    def flush(self, *, everything: bool = False) -> int:
        """Write the rows of every finished file (``everything``: of every file, for a process
        that appends no more, e.g. a test or ``spool_flush --all``); return how many."""
        done = 0
        current = self._slot_now()
        for path in sorted(self.directory().glob("*.jsonl")):
            try:
                slot = int(path.stem.rsplit("-", 1)[1])
            except (IndexError, ValueError):
                continue
            if slot >= current - 1 and not everything:  # still (or about to be) written to
                continue
            done += self._flush_file(path)
        return done

    def _flush_file(self, path: Path) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0  # another flusher finished it
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # being appended to or flushed by another process
            if os.fstat(fd).st_nlink == 0:
                return 0
            with os.fdopen(os.dup(fd), "rb") as fh:
                data = fh.read()
            rows = []
            for number, raw in enumerate(data.splitlines(), start=1):
                if not raw.strip():
                    continue
                try:
                    rows.append(json.loads(raw))
                except ValueError:
                    log.error("spool %s: %s line %d is torn; skipped", self.name, path.name, number)
            if rows:
                try:
                    self.write(rows)
                except (OperationalError, InterfaceError):
                    # the database is unreachable (a restart, a failover): the file stays for
                    # the next flush; its rows' refs make the retry safe
                    log.warning("spool %s: database unavailable; %s kept for the next flush", self.name, path.name)
                    return 0
                except Exception:
                    # the rows themselves were refused: kept aside under failed/ for a person to
                    # look at (``spool_flush --failed`` retries them); the file is unlinked, so an
                    # appender still holding it starts a new one
                    failed = path.parent / "failed"
                    failed.mkdir(exist_ok=True)
                    (failed / path.name).write_bytes(data)
                    path.unlink()
                    log.exception("spool %s: %s kept in failed/ (%d rows)", self.name, path.name, len(rows))
                    return 0
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return len(rows)
        finally:
            os.close(fd)

    def retry_failed(self) -> int:
        """Put the files kept under ``failed/`` back in the spool and flush them (after the
        cause was fixed); return the rows written."""
        failed = self.directory() / "failed"
        for path in sorted(failed.glob("*.jsonl")) if failed.exists() else []:
            os.replace(path, self.directory() / path.name)
        return self.flush(everything=False)

    # --- the flushing thread -----------------------------------------------------------------
    def _start_flusher(self) -> None:
        if self._flusher is not None and self._flusher.is_alive():
            return
        if not (self.thread if self.thread is not None else settings.SPOOL_FLUSH_THREAD):
            return
        self._flusher = threading.Thread(target=self._flush_forever, name=f"spool-{self.name}", daemon=True)
        self._flusher.start()
        atexit.register(self.flush_own)

    def flush_own(self) -> int:
        """Write this process's own files, the current one included: at a clean exit (a worker
        recycled or stopped), so its last second does not wait for another process."""
        with self._lock:
            self._close()
        done = 0
        try:
            for path in sorted(self.directory().glob(f"{socket.gethostname()}-{os.getpid()}-*.jsonl")):
                done += self._flush_file(path)
        except Exception:
            log.exception("spool %s: flush at exit failed; another process will write the rows", self.name)
        return done

    def _flush_forever(self) -> None:
        while True:
            time.sleep(self.seconds)
            try:
                close_old_connections()
                self.flush()
            except Exception:
                log.exception("spool %s: flush failed; retried in %s s", self.name, self.seconds)
                with contextlib.suppress(Exception):
                    connection.close()


def _write_all(fd: int, data: bytes) -> None:
    """``write(2)`` until every byte is out (a short write on a full disk would tear the line)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


SPOOLS: dict[str, Spool] = {}


def register(spool: Spool) -> Spool:
    SPOOLS[spool.name] = spool
    return spool


def flush_all(*, everything: bool = False, failed: bool = False) -> dict[str, int]:
    if failed:
        return {name: spool.retry_failed() for name, spool in SPOOLS.items()}
    return {name: spool.flush(everything=everything) for name, spool in SPOOLS.items()}
