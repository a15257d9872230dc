"""OpenAPI schema: the error answers every operation can give, documented once.

drf-spectacular documents what each view declares; the answers the plumbing gives on any
operation (authentication, CSRF, a missing object, an unreadable or oversized body, an
out-of-range page of DRF's pager, a throttle, a lost database) are added here, with the ``Error`` body of
``daftar/kernel/api.py``, wherever they can really happen (``tests/test_schema_fuzz.py``
holds the schema to it).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer: a machine code, a Persian `detail`, and per-field Persian messages.",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["code", "detail", "fields"],
}
UNSAFE = {"post", "put", "patch", "delete"}
DESCRIPTIONS = {
    "400": "invalid input: a field, a query parameter, a header or an unreadable body (`fields` names each)",
    "401": "not authenticated: no, an unknown or an expired token (`not_authenticated`, `authentication_failed`)",
    "403": "not allowed: the role does not permit it, or a session request without its CSRF token",
    "404": "not found, or not yours (`not_found`); for a list, a page past its end",
    "413": "the body is larger than the API accepts (`body_too_large`)",
    "415": "a body in a media type the operation does not read (`unsupported_media_type`)",
    "429": "too many requests from this address or account (`throttled`); try again after `Retry-After` seconds",
    "503": "the database is unreachable for a moment (`service_unavailable`); try again after `Retry-After` seconds",
}
PAST_THE_END = "a page past the end is 404"
RETRY_AFTER = {"schema": {"type": "integer"}, "description": "seconds to wait"}


def _error(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status in {"429", "503"}:
        response["headers"] = {"Retry-After": dict(RETRY_AFTER)}
    return response


def _schemes(operation: dict[str, Any]) -> set[str]:
    return {name for requirement in operation.get("security") or [] for name in requirement}


def errors_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses the plumbing can answer on this operation."""
    schemes = _schemes(operation)
    parameters = operation.get("parameters") or []
    statuses: list[str] = []
    if operation.get("requestBody") or any(
        p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters
    ):
        statuses.append("400")  # malformed JSON, not an object, a bad Idempotency-Key
    if schemes:
        statuses.append("401")  # every authenticating view refuses a bad bearer token
    if method in UNSAFE and "cookieAuth" in schemes:
        statuses.append("403")  # a session request without its CSRF token
    if "{" in path or any(PAST_THE_END in (p.get("description") or "") for p in parameters):
        statuses.append("404")  # a missing object; or DRF's pager past the end (page_parameters)
    statuses.append("413")  # ApiBodyLimitMiddleware: any API request with too long a body
    if operation.get("requestBody"):
        statuses.append("415")
    statuses.append("429")  # the throttle backstop of every API view (daftar/runtime/throttles.py)
    statuses.append("503")  # daftar/runtime/outage.py: the database is not there
    return statuses


def document_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in errors_for(path, method, operation):
                responses.setdefault(status, _error(status))
            for status in ("429", "503"):  # a view's own 429 or 503 says when to come back, too
                if status in responses:
                    responses[status].setdefault("headers", {"Retry-After": dict(RETRY_AFTER)})
            for status, response in responses.items():
                if status in DESCRIPTIONS and not response.get("description"):
                    response["description"] = DESCRIPTIONS[status]
                if status in {"429", "503"}:  # a view's own 429 (a login limit…) waits the same way
                    response.setdefault("headers", {}).setdefault("Retry-After", dict(RETRY_AFTER))
            operation["responses"] = dict(sorted(responses.items()))
    return result


def paginated(name: str, results: Any, **extra: Any) -> Any:
    """The schema of a page of ``PageNumberPagination`` for an ``APIView`` (drf-spectacular
    paginates only generic views' lists): ``results`` is the item serializer with ``many=True``."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.CharField(allow_null=True, help_text="the next page's URL"),
            "previous": serializers.CharField(allow_null=True, help_text="the previous page's URL"),
            "results": results,
            **extra,
        },
    )


def page_parameters() -> list[Any]:
    """``page`` and ``page_size`` (a page past the end is ``404``)."""
    return [OpenApiParameter("page", int, description=PAST_THE_END), OpenApiParameter("page_size", int)]
