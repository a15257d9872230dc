"""Prometheus metrics (issue 20): what ``GET /metrics`` shows besides django-prometheus's
request metrics.

- ``daftar_throttled_responses_total{gate}``: every ``429`` answered, by the gate that answered
  it (counted by ``OpsMiddleware``; the gate names are in docs/operations.md).
- Gauges computed at scrape time (``StateCollector``) from the database and this host's disk:
  the outbox's backlog and its oldest age, failed outbox messages by channel (SMS failures), the
  spools' files and their oldest age, overdue cases per municipality, the beat's heartbeat age.

Under gunicorn every worker is its own process: prometheus_client's multiprocess mode (the
``PROMETHEUS_MULTIPROC_DIR`` environment variable, set by ``config/gunicorn_conf.py``) keeps each
process's counters in a file there, and a scrape adds them up, whichever worker answers it.
The gauges are read afresh at each scrape, so they need no such files.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from daftar.ops import heartbeat, state

log = logging.getLogger(__name__)

THROTTLED = Counter(
    "daftar_throttled_responses",
    "Responses 429 (too many requests), by the gate that answered them.",
    ["gate"],
)


def count_throttled(gate: str) -> None:
    THROTTLED.labels(gate=gate).inc()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class _Forward(Collector):
    """The process's own registry (single-process mode: ``manage.py runserver``, the tests)."""

    def collect(self) -> Iterator[Any]:
        yield from prometheus_client.REGISTRY.collect()


class StateCollector(Collector):
    """Gauges read at scrape time. A source that cannot be read (the database down) is left
    out and ``daftar_state_up{source}`` says 0, so a scrape never fails for it."""

    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily("daftar_state_up", "1 when the source of the gauges could be read.", labels=["source"])
        for source, read, what in (
            ("database", self._database, "database figures"),
            ("spool", self._host, "spool figures"),
            ("cache", self._beat, "heartbeat"),
        ):
            try:
                families = list(read())
            except Exception as exc:
                log.warning("metrics: %s not read: %r", what, exc)
                families = []
            up.add_metric([source], 1 if families else 0)
            yield from families
        yield up

    def _database(self) -> Iterator[Any]:
        backlog = state.outbox_backlog()
        yield GaugeMetricFamily(
            "daftar_outbox_pending_messages", "Messages waiting in the outbox.", value=backlog.pending
        )
        yield GaugeMetricFamily(
            "daftar_outbox_oldest_pending_age_seconds",
            "Age of the oldest message waiting in the outbox (0 when none).",
            value=backlog.oldest_age,
        )
        failed = GaugeMetricFamily(
            "daftar_outbox_failed_messages",
            "Outbox messages that gave up after OUTBOX_MAX_ATTEMPTS (SMS failures), by channel.",
            labels=["channel"],
        )
        for channel, n in sorted({"sms": 0, **state.failed_messages()}.items()):
            failed.add_metric([channel], n)
        yield failed
        overdue = GaugeMetricFamily(
            "daftar_applications_overdue",
            "Cases past the municipality's deadline, by municipality.",
            labels=["municipality"],
        )
        for slug, n in sorted(state.overdue_by_municipality().items()):
            overdue.add_metric([slug], n)
        yield overdue

    def _host(self) -> Iterator[Any]:
        files = state.spool_files()
        yield GaugeMetricFamily("daftar_spool_files", "Files waiting in this host's spools.", value=files.files)
        yield GaugeMetricFamily(
            "daftar_spool_oldest_file_age_seconds",
            "Seconds since the oldest file waiting in this host's spools was written (0 when none).",
            value=files.oldest_age,
        )
        yield GaugeMetricFamily(
            "daftar_spool_failed_files", "Spool files whose rows the database refused.", value=files.failed
        )

    def _beat(self) -> Iterator[Any]:
        last = heartbeat.last()
        yield GaugeMetricFamily(
            "daftar_beat_heartbeat_age_seconds",
            "Seconds since the beat's last heartbeat (-1 when there is none).",
            value=-1 if last is None else max(0.0, time.time() - last),
        )


def scrape_registry() -> CollectorRegistry:
    """What one scrape shows: every process's metrics (multiprocess mode) or this process's,
    and the gauges of ``StateCollector``."""
    registry = CollectorRegistry()
    path = multiprocess_dir()
    if path:
        multiprocess.MultiProcessCollector(registry, path=path)
    else:
        registry.register(_Forward())
    registry.register(StateCollector())
    return registry


def render() -> tuple[bytes, str]:
    return prometheus_client.generate_latest(scrape_registry()), prometheus_client.CONTENT_TYPE_LATEST
