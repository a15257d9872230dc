"""A lost database answers 503 + Retry-After with a Persian message, never a 500 with a trace
(daftar/runtime/outage.py). The live version, with PostgreSQL really restarted, is in
test_faults.py (``make test-fault``)."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.kernel import messages as m
from daftar.runtime.outage import RETRY_AFTER_SECONDS, is_database_unavailable
from daftar.site.views import server_error

ERRORS = [
    OperationalError("connection to server at 127.0.0.1 failed: Connection refused"),
    InterfaceError("connection already closed"),
    psycopg.OperationalError("terminating connection due to administrator command"),
]


def _raiser(exc: BaseException) -> Any:
    def view(request: HttpRequest) -> HttpResponse:
        raise exc

    return view


class _DrfBoom(APIView):
    permission_classes = [AllowAny]
    error: BaseException = OperationalError("server closed the connection unexpectedly")

    def get(self, request: Any) -> Response:
        raise self.error


urlpatterns = [
    path("api/v1/boom", lambda r: _raiser(r.boom)(r)),  # type: ignore[attr-defined]
    path("api/v1/drf-boom", _DrfBoom.as_view()),
    path("boom/", lambda r: _raiser(r.boom)(r)),  # type: ignore[attr-defined]
    path("call/", lambda r: r.view(r)),  # type: ignore[attr-defined]
    path("", include("config.urls")),  # the pages' layout names the real URLs
]
handler500 = "daftar.site.views.server_error"


@pytest.fixture
def client(settings: Any) -> Client:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def _get(client: Client, url: str, exc: BaseException) -> Any:
    from django.core.handlers.wsgi import WSGIRequest

    with mock.patch.object(WSGIRequest, "boom", exc, create=True):
        return client.get(url)


def _assert_no_trace(body: str) -> None:
    for needle in ("Traceback", "OperationalError", "InterfaceError", "psycopg", "Connection refused"):
        assert needle not in body


@pytest.mark.parametrize("exc", ERRORS, ids=lambda e: type(e).__module__ + "." + type(e).__name__)
def test_api_view_losing_the_database_answers_503_json(client: Client, exc: BaseException) -> None:
    response = _get(client, "/api/v1/boom", exc)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "service_unavailable", "detail": m.SERVICE_UNAVAILABLE, "fields": {}}
    _assert_no_trace(response.content.decode())


def test_drf_view_losing_the_database_answers_503_json(client: Client) -> None:
    response = client.get("/api/v1/drf-boom")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["detail"] == m.SERVICE_UNAVAILABLE


@pytest.mark.parametrize("exc", ERRORS, ids=lambda e: type(e).__module__ + "." + type(e).__name__)
def test_page_losing_the_database_answers_a_persian_503_page(client: Client, exc: BaseException) -> None:
    response = _get(client, "/boom/", exc)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert m.SERVICE_UNAVAILABLE in body
    assert 'lang="fa"' in body and 'dir="rtl"' in body
    _assert_no_trace(body)


class _LosingMiddleware:
    """Stands for a middleware reaching the database before the view (the session, the user)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise OperationalError("connection refused")


@pytest.mark.parametrize("url", ["/api/v1/drf-boom", "/boom/"])
def test_error_raised_in_a_middleware_is_mapped_too(client: Client, settings: Any, url: str) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}._LosingMiddleware"]
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert m.SERVICE_UNAVAILABLE in (response.json()["detail"] if url.startswith("/api/") else body)
    _assert_no_trace(body)


@pytest.mark.parametrize("where", ["/api/v1/x", "/x/"])
def test_handler500_maps_a_lost_database_and_nothing_else(where: str) -> None:
    request = RequestFactory().get(where)
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert m.SERVICE_UNAVAILABLE in (json.loads(body)["detail"] if where.startswith("/api/") else body)
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_other_errors_stay_500(client: Client) -> None:
    response = _get(client, "/api/v1/boom", DatabaseError("syntax error"))
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    response = _get(client, "/boom/", RuntimeError("a bug"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_cause_chain() -> None:
    try:
        try:
            raise psycopg.OperationalError("gone")
        except psycopg.OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_database_unavailable(outer)
    assert not is_database_unavailable(ValueError("x"))
    assert not is_database_unavailable(None)


def _pg_error(cls: type[BaseException], sqlstate: str | None) -> BaseException:
    """Django's OperationalError raised from psycopg's, as the PostgreSQL backend raises it."""
    inner = cls("server said so")
    if sqlstate is not None:
        inner.sqlstate = sqlstate  # type: ignore[attr-defined]
    try:
        try:
            raise inner
        except BaseException as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as outer:
        return outer


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (_pg_error(psycopg.OperationalError, None), True),  # refused, closed by the server
        (_pg_error(psycopg.errors.AdminShutdown, "57P01"), True),
        (_pg_error(psycopg.errors.CannotConnectNow, "57P03"), True),
        (_pg_error(psycopg.errors.TooManyConnections, "53300"), True),
        (_pg_error(psycopg.OperationalError, "08006"), True),
        (_pg_error(psycopg.errors.QueryCanceled, "57014"), False),  # a statement timeout
        (_pg_error(psycopg.errors.DeadlockDetected, "40P01"), False),
        (_pg_error(psycopg.errors.SerializationFailure, "40001"), False),
        (_pg_error(psycopg.errors.ProgramLimitExceeded, "54000"), False),
    ],
)
def test_only_a_database_that_is_not_there_is_an_outage(error: BaseException, outage: bool) -> None:
    """Review of issue 8: a timeout or a deadlock is about this request, not the service; it
    must stay a 500 with its trace in the log, not a quiet "come back in 5 s"."""
    assert is_database_unavailable(error) is outage


def test_sqlite_lock_is_an_outage_and_a_missing_table_is_not() -> None:
    import sqlite3

    def wrapped(text: str) -> BaseException:
        try:
            try:
                raise sqlite3.OperationalError(text)
            except sqlite3.OperationalError as exc:
                raise OperationalError(text) from exc
        except OperationalError as outer:
            return outer

    assert is_database_unavailable(wrapped("database is locked"))
    assert not is_database_unavailable(wrapped("no such table: daftar_x"))


def test_an_error_raised_while_handling_a_database_error_is_that_error(client: Client) -> None:
    def handler_bug(request: HttpRequest) -> HttpResponse:
        try:
            raise OperationalError("connection refused")
        except OperationalError:
            found: dict[str, HttpResponse] = {}
            return found["missing"]  # a bug in the except block: a 500, not an outage

    def deliberate_404(request: HttpRequest) -> HttpResponse:
        from django.http import Http404

        try:
            raise OperationalError("connection refused")
        except OperationalError:
            raise Http404 from None

    from django.core.handlers.wsgi import WSGIRequest

    for view, status in ((handler_bug, 500), (deliberate_404, 404)):
        with mock.patch.object(WSGIRequest, "view", staticmethod(view), create=True):
            assert client.get("/call/").status_code == status


def test_an_outage_is_logged_as_one_warning_not_a_trace_per_request(client: Client, caplog: Any) -> None:
    import daftar.runtime.outage as outage

    outage._last_warning = 0.0
    with caplog.at_level("WARNING"):
        for _ in range(5):
            assert _get(client, "/api/v1/boom", ERRORS[0]).status_code == 503
    records = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert len(records) == 1 and records[0].name == "daftar.runtime.outage", [r.getMessage() for r in records]
    assert records[0].exc_info is None
