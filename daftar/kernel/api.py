"""API plumbing: the error body of API.md, ``{"code", "detail", "fields"}``, never a 500 for
bad input, and JSON 404/500 answers for paths under ``/api/``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from daftar.kernel import messages as m
from daftar.kernel.errors import ApplicationError, ThrottledError, UnavailableError
from daftar.kernel.normalize import persian_digits

log = logging.getLogger(__name__)


def request_body(request: Any) -> Any:
    """The request body as a mapping (the parsers refuse anything but a JSON object; a body
    DRF could not read as one gives an empty mapping)."""
    return request.data if hasattr(request.data, "get") else {}


def error_body(code: str, detail: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": detail, "fields": fields or {}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _django_validation_fields(exc: DjangoValidationError) -> tuple[str, dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        fields = {k: [str(msg) for e in v for msg in e.messages] for k, v in exc.error_dict.items()}
        first = next(iter(fields.values()), [m.VALIDATION_FAILED])
        return (first[0] if len(fields) == 1 else m.VALIDATION_FAILED), fields
    return exc.messages[0], {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ThrottledError):
        throttled = Response(error_body(exc.code, exc.message), status=429)
        throttled["Retry-After"] = str(exc.retry_after)
        return throttled
    if isinstance(exc, ApplicationError):
        answer = Response({**exc.extra, **error_body(exc.code, exc.message, exc.fields)}, status=exc.status_code)
        if isinstance(exc, UnavailableError):
            answer["Retry-After"] = str(exc.retry_after)
        return answer
    if isinstance(exc, DjangoValidationError):
        detail, fields = _django_validation_fields(exc)
        code = getattr(exc, "code", None) or "invalid"
        return Response(error_body(code, detail, fields), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    handled = drf_exception_handler(exc, context)
    if handled is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    response: Response = handled
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, dict):
            non_field = fields.pop("non_field_errors", None)
            detail = non_field[0] if non_field else m.VALIDATION_FAILED
            if len(fields) == 1 and not non_field:
                only = next(iter(fields.values()))
                detail = only[0] if isinstance(only, list) and only and isinstance(only[0], str) else detail
        else:
            detail, fields = (fields[0] if fields else m.VALIDATION_FAILED), {}
        response.data = error_body("invalid", detail, fields)
        return response
    code, detail = _code_and_detail(exc)
    response.data = error_body(code, detail)
    return response


def _code_and_detail(exc: exceptions.APIException) -> tuple[str, str]:
    mapping: dict[type, tuple[str, str]] = {
        exceptions.NotAuthenticated: ("not_authenticated", m.NOT_AUTHENTICATED),
        exceptions.AuthenticationFailed: ("authentication_failed", m.NOT_AUTHENTICATED),
        exceptions.PermissionDenied: ("permission_denied", m.PERMISSION_DENIED),
        exceptions.NotFound: ("not_found", m.NOT_FOUND),
        exceptions.MethodNotAllowed: ("method_not_allowed", m.METHOD_NOT_ALLOWED),
        exceptions.UnsupportedMediaType: ("unsupported_media_type", m.UNSUPPORTED_MEDIA),
    }
    for cls, value in mapping.items():
        if isinstance(exc, cls):
            return value
    if isinstance(exc, exceptions.Throttled):
        return "throttled", m.THROTTLED.format(seconds=persian_digits(int(getattr(exc, "wait", None) or 60)))
    if isinstance(exc, exceptions.ParseError):
        code = exc.get_codes()
        if code in {"malformed_json", "body_not_object"}:
            return str(code), str(exc.detail)
        return "parse_error", m.BODY_MALFORMED  # e.g. a multipart body without its boundary
    return str(exc.default_code), str(exc.detail)


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", m.NOT_FOUND), status=status.HTTP_404_NOT_FOUND)


def api_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("bad_request", m.BAD_REQUEST), status=400)


def api_forbidden(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("permission_denied", m.PERMISSION_DENIED), status=403)


def api_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("server_error", m.SERVER_ERROR), status=500)
