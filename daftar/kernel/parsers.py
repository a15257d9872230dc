"""DRF parsers that normalise every string of the request (digits, ی/ک, trimming).

The JSON parser also insists on an object body: every endpoint of the API takes one.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from daftar.kernel import messages as m
from daftar.kernel.normalize import normalize_data, normalize_text


def _normalize_querydict(data: QueryDict) -> QueryDict:
    out = QueryDict(mutable=True)
    for key, values in data.lists():
        out.setlist(normalize_text(key), [normalize_text(v) if isinstance(v, str) else v for v in values])
    out._mutable = False
    return out


class NormalizingJSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except (ParseError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            raise ParseError(m.BODY_MALFORMED, code="malformed_json") from exc
        if not isinstance(data, dict):
            raise ParseError(m.BODY_NOT_OBJECT, code="body_not_object")
        try:
            return normalize_data(data)
        except RecursionError as exc:
            raise ParseError(m.BODY_MALFORMED, code="malformed_json") from exc


class NormalizingFormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return _normalize_querydict(super().parse(stream, media_type, parser_context))


class NormalizingMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(_normalize_querydict(result.data), result.files)
