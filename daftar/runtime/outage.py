"""A lost database is a clean ``503``, never a 500 page with a trace (issue 8, fault injection).

While PostgreSQL restarts (or the network to it drops), every query fails with
``django.db.OperationalError`` / ``InterfaceError`` (psycopg's errors, wrapped by Django; a raw
psycopg connection raises psycopg's own). Wherever that happens in a request, the answer is
``503 Service Unavailable`` with ``Retry-After`` and a Persian message: the API's error body
``{"code": "service_unavailable", "detail", "fields"}`` under ``/api/``, a small Persian page
otherwise. The request's transaction is rolled back where the server saw the failure; where the
connection dropped while a commit's answer was on its way, the change may have been kept: a
client that sends it again should send the same ``Idempotency-Key`` (API.md), which every
creating request takes.

Only a database that is *not there* is a 503 (class 08 and the shutdown/start-up/too-many
SQLSTATEs, psycopg's connection-level errors, a closed connection; SQLite's lock): a statement
timeout, a deadlock or a serialization failure is a 500 logged with its trace, as any error.

Two hooks, because Django turns an exception into a response wherever it is raised:

- ``DatabaseOutageMiddleware.process_exception`` catches it from a view (most cases), before
  Django logs it as an internal error: one warning line instead of a trace per request;
- ``daftar.site.views.server_error`` (``handler500``) asks ``outage_response`` too, for an
  error raised in a middleware (the session or the user looked up, the session saved).

Recovery needs nothing: Django drops a connection that failed (``CONN_HEALTH_CHECKS``), and the
next request opens a new one.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

from daftar.kernel import messages as m
from daftar.kernel.api import error_body
from daftar.kernel.branding import site_context

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
CODE = "service_unavailable"

_WARN_EVERY = 10.0  # seconds between two warnings of one process (an outage fails every request)
_last_warning = 0.0


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import psycopg  # optional: the app runs without the driver on SQLite (the default)

        errors += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    return tuple(errors)


DATABASE_ERRORS = _database_errors()

# PostgreSQL's SQLSTATEs that mean "the server is not there for us" (besides class 08,
# connection exceptions): shut down by an administrator or a crash, starting up, too many
# connections. Other OperationalErrors (a statement timeout 57014, a deadlock 40P01, a
# serialization failure 40001, a lock not available 55P03, program limits 54xxx) are answers
# about *this* request: they stay errors, logged with their trace (issue 8 review).
OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
# SQLite's only "not there" conditions (the embedded default)
SQLITE_OUTAGE_TEXTS = ("database is locked", "unable to open database")


def _is_outage(error: BaseException) -> bool:
    """One database error: is it the database being unreachable (see above)?"""
    if isinstance(error, InterfaceError) or type(error).__name__ == "InterfaceError":
        return True  # the connection is closed or unusable
    state = getattr(error, "sqlstate", None)
    if state is not None:  # psycopg's own error
        return str(state).startswith("08") or state in OUTAGE_SQLSTATES
    cause = error.__cause__
    if cause is not None and cause is not error:
        if type(cause).__module__.startswith("psycopg"):
            return _is_outage(cause)  # Django's wrapper of psycopg's error: judge psycopg's
        if type(cause).__module__ == "sqlite3":
            return any(text in str(cause).lower() for text in SQLITE_OUTAGE_TEXTS)
    # psycopg's connection-level errors (refused, closed by the server) carry no SQLSTATE; a
    # bare OperationalError with no cause is one of those (or ours)
    return True


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Is ``exc``, or an exception it was explicitly raised ``from``, the database being
    unreachable? Only ``__cause__`` is followed: an error raised while *handling* a database
    error (a bug in an ``except`` block, or a deliberate 404) is that error, not an outage."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DATABASE_ERRORS):
            return _is_outage(exc)
        exc = exc.__cause__
        seen += 1
    return False


def outage_response(request: HttpRequest) -> HttpResponse:
    """``503`` + ``Retry-After``: the API's JSON error body, or a Persian page.

    The page is rendered without the request (no context processors: no session or user
    lookup, which would need the database that is gone)."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(CODE, m.SERVICE_UNAVAILABLE), status=503)
    else:
        context: dict[str, Any] = {
            **site_context(),
            "title": m.SERVICE_UNAVAILABLE_TITLE,
            "text": m.SERVICE_UNAVAILABLE,
        }
        response = HttpResponse(render_to_string("error.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django would log every one (with a trace when raised in a middleware): ``_warn`` logs the
    # outage instead, once every _WARN_EVERY seconds per process
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _warn(request: HttpRequest, exc: BaseException) -> None:
    global _last_warning
    now = time.monotonic()
    if _last_warning == 0.0 or now - _last_warning >= _WARN_EVERY:
        _last_warning = now
        log.warning("database unavailable: answering 503 (%s %s: %s)", request.method, request.path, exc)


def current_outage_response(request: HttpRequest) -> HttpResponse | None:
    """For ``handler500``: the 503 when the exception being handled is a lost database."""
    exc = sys.exc_info()[1]
    if not is_database_unavailable(exc):
        return None
    assert exc is not None
    _warn(request, exc)
    return outage_response(request)


class DatabaseOutageMiddleware:
    """A view's lost-database error becomes ``outage_response`` (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        _warn(request, exception)
        return outage_response(request)


# Outages as periods (issue 21 §2) ---------------------------------------------------------------
# The 503 above is what a request sees; legal clocks need to know *how long* the system was down.
# A periodic task beats (``outage_heartbeat``); a gap between two beats longer than
# ``settings.OUTAGE_HEARTBEAT_GAP_MINUTES`` means nothing ran (database, workers or beat down),
# and the gap is recorded as an ``Outage``. An administrator can record one in the admin too.

HEARTBEAT_REASON = "وقفه در کار زمان‌بندی سامانه (ثبت خودکار)"


def outage_heartbeat(name: str, now: Any = None) -> Any:
    """Record a beat of ``name``; returns the ``Outage`` recorded for the gap before it, if any.

    Two beats at once (two workers) record one outage: the row is locked."""
    from .models import Heartbeat, Outage  # here: the middleware imports this module before the app registry

    now = now or timezone.now()
    if settings.OUTAGE_HEARTBEAT_GAP_MINUTES <= 0:  # switched off (the tests travel in time between sweeps)
        return None
    gap = dt.timedelta(minutes=settings.OUTAGE_HEARTBEAT_GAP_MINUTES)
    with transaction.atomic():
        beat, created = Heartbeat.objects.select_for_update().get_or_create(name=name, defaults={"beat_at": now})
        if created or beat.beat_at >= now:
            return None
        last, beat.beat_at = beat.beat_at, now
        beat.save(update_fields=["beat_at"])
        if now - last <= gap:
            return None
        log.warning("outage recorded: no %s beat from %s to %s", name, last.isoformat(), now.isoformat())
        return Outage.objects.create(started_at=last, ended_at=now, reason=HEARTBEAT_REASON)
