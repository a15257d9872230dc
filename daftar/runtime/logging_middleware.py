"""The request id of every request, and the request's own log line (issue 20).

The outermost middleware. It takes the id from the incoming ``X-Request-ID`` header when it is
sane (nginx sets one; :func:`~daftar.runtime.logging_setup.sane_request_id`), else makes one, and
hands it to django-structlog's ``RequestMiddleware``, which binds it (with the user's id, later)
to every log line of the request, writes one ``request_finished`` line (or ``request_failed``
with the traceback), and, with ``DJANGO_STRUCTLOG_CELERY_ENABLED``, puts it in the headers of
every Celery task the request queues, so the task's lines carry it too. The audit entry of an
action done in the request or its tasks stores it (``daftar.audit.services.audit_record``). The
answer carries it back as ``X-Request-ID``.

The logged request line is scrubbed like every other line (``daftar.runtime.scrub``); the client
address is not logged here (``DJANGO_STRUCTLOG_IP_LOGGING_ENABLED`` off: nginx's log has it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django_structlog.middlewares.request import RequestMiddleware

from daftar.runtime.logging_setup import REQUEST_ID_HEADER, new_request_id, sane_request_id
from daftar.runtime.scrub import scrub_text

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

_META_KEY = "HTTP_X_REQUEST_ID"


class RequestIdMiddleware(RequestMiddleware):
    async_capable = False  # the project is served by WSGI (gunicorn)

    def __call__(self, request: HttpRequest) -> Any:
        request_id = sane_request_id(request.META.get(_META_KEY)) or new_request_id()
        request.META[_META_KEY] = request_id  # what django-structlog reads (it trusts it: it is sane now)
        request.__dict__.pop("headers", None)  # the cached view of META, should anything have read it
        request.request_id = request_id  # type: ignore[attr-defined]
        response = cast("HttpResponse", super().__call__(request))  # sync: async_capable is off
        response[REQUEST_ID_HEADER] = request_id
        return response

    @staticmethod
    def format_request(request: HttpRequest) -> str:
        return scrub_text(f"{request.method} {request.get_full_path()}")
