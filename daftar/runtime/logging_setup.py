"""Log lines: one JSON object each in production, a readable line in development (issue 20).

structlog renders every line, ours and those of the standard ``logging`` calls across the code,
Django's, gunicorn's and Celery's (structlog's ``ProcessorFormatter`` for "foreign" loggers):

    {"timestamp": "2026-12-06T15:30:00.123456Z", "level": "info", "logger": "daftar.accounts.services",
     "event": "otp_requested mobile=0912***", "request_id": "3f2a…", "user_id": 7, …}

``DAFTAR_LOG_FORMAT`` chooses ``json`` (the production default) or ``console`` (the default
elsewhere). Everything a request or a task has bound (its ``request_id``, ``user_id``,
``task_id``) is added to each of its lines from structlog's context variables. Every line
passes :func:`daftar.runtime.scrub.scrub` before it is written: mobile numbers masked, national
codes and secrets removed (decision 0039).

This module is imported by the settings (and can be by ``gunicorn_conf.py``): it touches no
Django setting and no model.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

import structlog
from structlog.types import EventDict, Processor

from daftar.runtime.scrub import scrub

FORMATS = ("json", "console")
# An incoming X-Request-ID is kept when it looks like one nginx or another proxy makes (nginx's
# $request_id is 32 hex digits; UUIDs have 36 characters): 8 to 64 letters, digits, "-", "_",
# "." or ":". 64 is also the length of ``AuditEntry.request_id``. Anything else is replaced.
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{8,64}")


def sane_request_id(value: str | None) -> str | None:
    """The incoming id if it is one we may repeat in logs, headers and the audit log, else None."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    """A fresh id in nginx's shape (32 hex digits)."""
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The request id bound to this request or task ("" outside one)."""
    return str(structlog.contextvars.get_contextvars().get("request_id") or "")


def _scrub(logger: Any, method: str, event_dict: EventDict) -> EventDict:
    return scrub(event_dict)  # type: ignore[no-any-return]


def _gunicorn_access(logger: Any, method: str, event_dict: EventDict) -> EventDict:
    """gunicorn's access line as fields (method, path, status, bytes, duration, request id)
    instead of the Apache-style text; the client address is left to nginx's own log."""
    atoms = event_dict.pop("positional_args", None)  # the record's arguments (pass_foreign_args)
    record = event_dict.get("_record")
    if record is None or record.name != "gunicorn.access" or not isinstance(atoms, dict):
        return event_dict
    event_dict["event"] = "http_request"
    event_dict["method"] = atoms.get("m")
    event_dict["path"] = atoms.get("U")
    event_dict["query"] = atoms.get("q") or ""
    event_dict["status"] = int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s")
    event_dict["bytes"] = atoms.get("B")
    event_dict["duration_ms"] = round(int(atoms.get("D") or 0) / 1000, 1)
    event_dict["request_id"] = atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i") or ""
    return event_dict


_FIRST = ("timestamp", "level", "logger", "event", "request_id")


def _in_order(logger: Any, method: str, event_dict: EventDict) -> EventDict:
    """timestamp, level, logger, event, request_id first (null outside a request or task), then
    the rest as they were bound: every line starts alike."""
    event_dict.setdefault("request_id", None)
    first = {key: event_dict.pop(key) for key in _FIRST if key in event_dict}
    return {**first, **event_dict}


# Added to every line, structlog's and the standard library's alike.
SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    """structlog's loggers hand their events to the standard library, whose handlers (LOGGING)
    render them with :func:`formatter` (one renderer for every line)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(fmt: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every handler: ``json`` one object a line, ``console`` for people."""
    if fmt not in FORMATS:
        raise ValueError(f"DAFTAR_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    renderer: Processor
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False, default=str)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    return structlog.stdlib.ProcessorFormatter(
        pass_foreign_args=True,  # for _gunicorn_access, which removes them again
        foreign_pre_chain=[*SHARED_PROCESSORS, _gunicorn_access],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if fmt == "json" else _noop,
            _scrub,
            _in_order if fmt == "json" else _noop,
            renderer,
        ],
    )


def _noop(logger: Any, method: str, event_dict: EventDict) -> EventDict:
    return event_dict


def logging_config(fmt: str, level: str = "INFO") -> dict[str, Any]:
    """Django's LOGGING: one handler on stderr with :func:`formatter`, for every logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"daftar": {"()": formatter, "fmt": fmt}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "daftar"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Django's "Not Found: /x" and "Internal Server Error" lines repeat what the request's
            # own line (request_finished / request_failed, with its request id) already says
            "django.request": {"level": "ERROR"},
        },
    }


def gunicorn_logconfig(fmt: str, level: str = "INFO") -> dict[str, Any]:
    """gunicorn's ``logconfig_dict``: its error and access loggers through the same formatter
    (the access line becomes fields: :func:`_gunicorn_access`)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"daftar": {"()": formatter, "fmt": fmt}},
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "daftar", "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "daftar", "stream": "ext://sys.stdout"},
        },
        "root": {"handlers": ["error_console"], "level": level},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["error_console"],
                "level": level,
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            "gunicorn.access": {
                "handlers": ["console"],
                "level": "INFO",
                "propagate": False,
                "qualname": "gunicorn.access",
            },
        },
    }


def line_handler(stream: Any, fmt: str = "json") -> logging.Handler:
    """A handler writing lines in ``fmt`` to ``stream`` (tests read the JSON lines with it)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(fmt))
    return handler
