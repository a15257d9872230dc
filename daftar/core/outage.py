"""A lost database is a clean ``503``, never a 500 page with a trace (issue 8, fault injection).

While PostgreSQL restarts (or the network to it drops), every query fails with
``django.db.OperationalError`` / ``InterfaceError`` (psycopg's errors, wrapped by Django; a raw
psycopg connection raises psycopg's own). Wherever that happens in a request, the answer is
``503 Service Unavailable`` with ``Retry-After`` and a Persian message: the API's error body
``{"code": "service_unavailable", "detail", "fields"}`` under ``/api/``, a small Persian page
otherwise. Nothing is lost: the request's transaction did not commit, and the client is told to
send it again.

Two hooks, because Django turns an exception into a response wherever it is raised:

- ``DatabaseOutageMiddleware.process_exception`` catches it from a view (most cases), before
  Django logs it as an internal error: one warning line instead of a trace per request;
- ``daftar.core.views.server_error`` (``handler500``) asks ``outage_response`` too, for an
  error raised in a middleware (the session or the user looked up, the session saved).

Recovery needs nothing: Django drops a connection that failed (``CONN_HEALTH_CHECKS``), and the
next request opens a new one.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from . import messages as m
from .api import error_body
from .context_processors import site

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
CODE = "service_unavailable"

_WARN_EVERY = 10.0  # seconds between two warnings of one process (an outage fails every request)
_last_warning = 0.0


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import psycopg

        errors += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    return tuple(errors)


DATABASE_ERRORS = _database_errors()


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Is ``exc`` (or an exception it was raised from) the database being unreachable?"""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
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
        context: dict[str, Any] = {**site(request), "title": m.SERVICE_UNAVAILABLE_TITLE, "text": m.SERVICE_UNAVAILABLE}
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
