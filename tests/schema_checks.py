"""What the schema fuzzing (``test_schema_fuzz.py``) and the plain requests that replay what it
found (``test_schema_conformance.py``) check of every answer: no 5xx, and its status, content
type, headers and body as the OpenAPI schema documents them."""

from __future__ import annotations

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
