"""The OpenAPI schema at ``/api/schema/``, built once per process and served from memory
(issue 17, decision 0031).

drf-spectacular builds the schema by walking every view and serializer: 110–210 ms of CPU and
263–539 KB per request, which let a handful of anonymous clients starve the rest of the site.
The schema is a function of the code alone (served public: ``SERVE_PUBLIC``), so each process
builds each format once, on its first request for it, with drf-spectacular's own generator and
renderer: the bytes are the ones ``SpectacularAPIView`` would send. A new deploy is new
processes, hence a new schema. Answers carry a strong ``ETag`` (``If-None-Match`` gets ``304``),
``Cache-Control``, a gzip variant for clients that accept it, and the ``schema`` throttle.

What the cache key leaves out, so that no client can make a process build (or hold) more than
one body per format: media-type parameters (``Accept: application/json; indent=2``), ``?lang=``
(there is one language) and ``?version=`` (the API is not versioned by parameter).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request

from daftar.runtime.throttles import SchemaThrottle

# Clients may keep the schema five minutes, then ask again with If-None-Match (a deploy shows
# within five minutes; a 304 costs next to nothing).
CACHE_CONTROL = "public, max-age=300"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\b)")


@dataclass(frozen=True)
class BuiltSchema:
    body: bytes
    gzipped: bytes
    content_type: str
    disposition: str
    etag: str

    @property
    def etag_gzipped(self) -> str:
        return self.etag[:-1] + '-gz"'


class CachedSchemaView(SpectacularAPIView):
    throttle_classes = [SchemaThrottle]
    _built: ClassVar[dict[tuple[type, str], BuiltSchema]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        built = self.built(request)
        gzipped = bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        etag = built.etag_gzipped if gzipped else built.etag
        if etag in _etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            response: HttpResponse = HttpResponseNotModified()
        else:
            response = HttpResponse(built.gzipped if gzipped else built.body, content_type=built.content_type)
            response["Content-Disposition"] = built.disposition
            if gzipped:
                response["Content-Encoding"] = "gzip"
        response["ETag"] = etag
        response["Cache-Control"] = CACHE_CONTROL
        response["Vary"] = "Accept, Accept-Encoding"
        return response

    def built(self, request: Request) -> BuiltSchema:
        """This process's schema in the format the request negotiated, built on first use."""
        renderer = request.accepted_renderer
        # the URL configuration too: tests may serve another one in the same process
        key = (type(renderer), str(getattr(request, "urlconf", None) or settings.ROOT_URLCONF))
        found = self._built.get(key)
        if found is None:
            with self._lock:
                found = self._built.get(key)
                if found is None:
                    found = self._built[key] = self._build(request, renderer)
        return found

    def _build(self, request: Request, renderer: Any) -> BuiltSchema:
        request.accepted_media_type = renderer.media_type  # no client parameters: one body per format
        response = self._get_schema_response(request)  # drf-spectacular's generation, unchanged
        response.accepted_renderer = renderer
        response.accepted_media_type = renderer.media_type
        response.renderer_context = self.get_renderer_context()
        response.render()
        body = bytes(response.content)
        return BuiltSchema(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            content_type=str(response["Content-Type"]),
            disposition=str(response["Content-Disposition"]),
            etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        )

    @classmethod
    def forget(cls) -> None:
        """Drop the built schemas (tests that change the API in-process)."""
        with cls._lock:
            cls._built.clear()


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (weak ones compared as strong: the body is
    the same bytes either way)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
