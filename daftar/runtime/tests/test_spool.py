"""The local write-ahead spool (``daftar/runtime/spool.py``, issue 7, decision 0022) and the licence
verification log that uses it: rows appended by one process are written by any other once their
second is over, exactly once, even after a crash between the insert and the file's removal; a
torn line is skipped, a refused batch kept. The verification endpoint with the spool on:
daftar/licences/tests/test_verify_cache.py."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from daftar.licences.models import VerificationLog
from daftar.runtime import spool as spool_module
from daftar.runtime.spool import Spool

pytestmark = pytest.mark.django_db


@pytest.fixture
def spool_dir(settings: Any, tmp_path: Path) -> Path:
    settings.SPOOL_DIR = tmp_path / "spool"
    return settings.SPOOL_DIR


class Sink:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.calls = 0

    def __call__(self, rows: list[dict[str, Any]]) -> None:
        self.calls += 1
        self.rows.extend(rows)


def test_rows_wait_for_their_second_to_end_then_are_written_once(spool_dir):
    sink = Sink()
    spool = Spool("test", sink, seconds=0.2)
    spool.append({"n": 1, "نام": "زهرا رضایی‌نژاد"})
    spool.append({"n": 2})
    assert spool.flush() == 0 and sink.rows == []  # the current slot is still being written
    time.sleep(0.45)
    assert spool.flush() == 2
    assert sink.rows == [{"n": 1, "نام": "زهرا رضایی‌نژاد"}, {"n": 2}]
    assert spool.flush() == 0 and sink.calls == 1  # the file is gone: nothing twice
    assert list((spool_dir / "test").glob("*.jsonl")) == []


def test_a_killed_process_leaves_its_rows_to_another(spool_dir):
    """kill -9 right after the append: the rows are on disk, another process writes them."""
    code = (
        "import os, signal, django;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.test';"
        "django.setup();"
        "from django.conf import settings;"
        f"settings.SPOOL_DIR = {str(spool_dir)!r};"
        "from daftar.runtime.spool import Spool;"
        "s = Spool('test', lambda rows: None, seconds=0.2);"
        "[s.append({'n': i}) for i in range(50)];"
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3], check=False)
    assert done.returncode == -9
    sink = Sink()
    time.sleep(0.45)
    assert Spool("test", sink, seconds=0.2).flush() == 50
    assert [row["n"] for row in sink.rows] == list(range(50))


def test_a_flush_that_dies_before_removing_its_file_writes_nothing_twice(spool_dir, settings):
    from daftar.licences import verification

    settings.VERIFICATION_LOG_SPOOL = True
    spool = Spool("verification-log", verification._write_log_rows, seconds=0.2)
    monkey_rows = [
        {"ref": f"{i:032x}", "number": "TEH-1404-000123", "licence": None, "at": "2026-11-24T10:00:00+00:00",
         "client": "c" * 64, "channel": "api"}
        for i in range(1, 4)
    ]  # fmt: skip
    for row in monkey_rows:
        spool.append(row)
    time.sleep(0.45)
    [path] = (spool_dir / "verification-log").glob("*.jsonl")
    kept = path.read_bytes()
    assert spool.flush() == 3
    path.write_bytes(kept)  # as if the flush had died between the insert and the unlink
    assert spool.flush() == 3
    assert VerificationLog.objects.count() == 3  # the unique refs kept the repeat out


def test_a_torn_line_is_skipped_and_a_refused_batch_is_kept(spool_dir, caplog):
    sink = Sink()
    spool = Spool("test", sink, seconds=0.2)
    spool.append({"n": 1})
    path = next((spool_dir / "test").glob("*.jsonl"))
    with path.open("ab") as fh:
        fh.write(b'{"n": 2, "cut')  # a write cut short
    time.sleep(0.45)
    assert spool.flush() == 1 and sink.rows == [{"n": 1}]
    assert "torn" in caplog.text

    def refuse(rows: list[dict[str, Any]]) -> None:
        raise RuntimeError("rows refused")

    broken = Spool("test", refuse, seconds=0.2)
    broken.append({"n": 3})
    time.sleep(0.45)
    assert broken.flush() == 0
    [kept] = (spool_dir / "test" / "failed").glob("*.jsonl")
    assert json.loads(kept.read_text()) == {"n": 3}
    assert list((spool_dir / "test").glob("*.jsonl")) == []  # an appender holding it starts anew


def test_the_flushing_thread_writes_without_being_asked(spool_dir):
    sink = Sink()
    # a name of its own: the thread outlives the test (a daemon, as in a web process)
    spool = Spool("test-thread", sink, seconds=0.1, thread=True)
    spool.append({"n": 1})
    deadline = time.monotonic() + 5
    while not sink.rows and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sink.rows == [{"n": 1}]


def test_the_beat_task_knows_the_verification_spool(spool_dir, settings):
    from daftar.runtime.tasks import flush_spools

    assert "verification-log" in flush_spools()
    assert "verification-log" in spool_module.SPOOLS


def test_a_process_leaving_writes_its_own_current_file(spool_dir):
    sink = Sink()
    spool = Spool("test", sink, seconds=60)  # the current slot would wait a minute
    other = spool_dir / "test" / "another-host-1-0.jsonl"
    spool.append({"n": 1})
    other.write_text('{"n": 2}\n')  # another process's file: not this one's to take now
    assert spool.flush_own() == 1 and sink.rows == [{"n": 1}]
    assert other.exists()


def test_an_append_after_its_file_was_flushed_starts_a_new_file(spool_dir):
    sink = Sink()
    spool = Spool("test", sink, seconds=60)
    spool.append({"n": 1})
    assert spool.flush(everything=True) == 1  # e.g. `spool_flush --all` on a live host
    spool.append({"n": 2})  # its file is gone: the row goes to a new one, not lost
    assert spool.flush(everything=True) == 1
    assert sink.rows == [{"n": 1}, {"n": 2}]


def test_rows_wait_out_a_database_outage_and_are_written_once_it_is_back(spool_dir):
    from django.db import OperationalError

    written: list[dict[str, Any]] = []
    state = {"down": True}

    def write(rows: list[dict[str, Any]]) -> None:
        if state["down"]:
            raise OperationalError("connection refused")  # a restart, a failover
        written.extend(rows)

    spool = Spool("test", write, seconds=0.2)
    spool.append({"n": 1})
    time.sleep(0.45)
    assert spool.flush() == 0 and written == []
    assert not (spool_dir / "test" / "failed").exists()  # not parked: it waits where it is
    state["down"] = False
    assert spool.flush() == 1 and written == [{"n": 1}]


def test_refused_rows_are_kept_aside_and_retried_on_request(spool_dir):
    from django.core.management import call_command

    written: list[dict[str, Any]] = []
    state = {"refuse": True}

    def write(rows: list[dict[str, Any]]) -> None:
        if state["refuse"]:
            raise ValueError("value too long for type character varying(64)")
        written.extend(rows)

    spool = spool_module.register(Spool("test-refused", write, seconds=0.2))
    try:
        spool.append({"n": 1})
        time.sleep(0.45)
        assert spool.flush() == 0
        assert len(list((spool_dir / "test-refused" / "failed").glob("*.jsonl"))) == 1
        state["refuse"] = False
        out = io.StringIO()
        call_command("spool_flush", "--failed", stdout=out)
        assert "test-refused: 1 rows written" in out.getvalue()
        assert written == [{"n": 1}]
        assert list((spool_dir / "test-refused" / "failed").glob("*.jsonl")) == []
    finally:
        spool_module.SPOOLS.pop("test-refused", None)
