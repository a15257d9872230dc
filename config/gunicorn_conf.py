"""gunicorn's configuration for daftar: ``gunicorn -c python:config.gunicorn_conf config.wsgi``
(scripts/run_prod.sh; README «Production»). Command-line options still win over these.

No ``Server`` banner (issue 17 §8): gunicorn writes ``Server: gunicorn`` into every answer
itself, before the application's headers, and has no setting to leave it out. Its response
class is given a ``default_headers`` without that line here, in the master before it forks, so
every worker inherits it. ``daftar/site/tests/test_gunicorn_banner.py`` starts a real gunicorn
with this file and reads the raw answer, so a gunicorn release that moves the line is caught.

Metrics of several workers (issue 20, daftar/ops/metrics.py): prometheus_client's multiprocess
mode. ``PROMETHEUS_MULTIPROC_DIR`` (default ``var/prometheus``; one directory per gunicorn, on a
local disk) is set here, before the application is imported in any worker, emptied when the
master starts (``on_starting``: counters of a previous run would be added to this one's), and
a worker that exits is marked dead (``child_exit``) so that its live gauges leave the sum.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gunicorn.http import wsgi

METRICS_DIR = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", str(Path(__file__).resolve().parent.parent / "var" / "prometheus")
    )
)

_default_headers = wsgi.Response.default_headers


def _without_server(self: Any) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]


def on_starting(server: Any) -> None:
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in METRICS_DIR.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess  # here: only once PROMETHEUS_MULTIPROC_DIR is set

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))


# JSON log lines (issue 20 §5): where DAFTAR_LOG_FORMAT is set (the image's compose stack sets
# json), gunicorn's error and access lines go through the same formatter as the application's,
# with the request id. Unset (``make run-prod``, the benchmarks), gunicorn logs as it always did.
if os.environ.get("DAFTAR_LOG_FORMAT"):
    from daftar.runtime.logging_setup import gunicorn_logconfig  # no Django settings imported

    logconfig_dict = gunicorn_logconfig(os.environ["DAFTAR_LOG_FORMAT"], os.environ.get("DAFTAR_LOG_LEVEL", "INFO"))
    accesslog = "-"
