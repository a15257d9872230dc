"""Request guards that run before any view."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from daftar.kernel import messages as m
from daftar.kernel.api import error_body
from daftar.kernel.normalize import normalize_text


class PersianQueryMiddleware:
    """Normalise the query string (digits, ی/ک, trimming) for every view; bodies are
    normalised by the API parsers and the form base classes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.GET:
            normalized = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                normalized.setlist(normalize_text(key), [normalize_text(v) for v in values])
            normalized._mutable = False
            request.GET = normalized  # type: ignore[assignment]
        return self.get_response(request)


class ApiBodyLimitMiddleware:
    """Refuse an oversized API body with ``413`` before anything reads it.

    Every API body (JSON, form or multipart) is held to ``API_MAX_BODY_BYTES``, except paths
    listed in ``API_UPLOAD_PATHS``, which get ``API_MAX_UPLOAD_BYTES``; pages: ``_page_limit``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.upload_paths = [re.compile(p) for p in settings.API_UPLOAD_PATHS]
        self.page_upload_paths = [re.compile(p) for p in settings.PAGE_UPLOAD_PATHS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self._page_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        upload = any(p.match(request.path) for p in self.upload_paths)
        limit = settings.API_MAX_UPLOAD_BYTES if upload else settings.API_MAX_BODY_BYTES
        if length > limit:
            return JsonResponse(error_body("body_too_large", m.BODY_TOO_LARGE), status=413)
        return self.get_response(request)

    def _page_limit(self, request: HttpRequest) -> HttpResponse:
        """Pages' POST bodies are small forms: anything over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is
        refused before Django parses it (and spools its files to disk), except the page upload
        paths (``PAGE_UPLOAD_PATHS``), whose views check the upload limit themselves."""
        if request.method == "POST" and not any(p.match(request.path) for p in self.page_upload_paths):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                context = {"title": m.BODY_TOO_LARGE, "text": m.BODY_TOO_LARGE}
                return render(request, "error.html", context, status=413)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every answer (issue 17 §8): the browser features in
    ``PERMISSIONS_POLICY`` are denied to every page and to anything a page could frame.

    No page asks for the camera, the microphone or the position (the office finder searches by
    district and by a point chosen on the map, never by the device's location), nor pays,
    nor speaks to devices. Playing a sound needs no permission.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response
