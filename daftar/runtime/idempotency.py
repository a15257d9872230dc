"""``Idempotency-Key`` for creating requests (API.md «Conventions»).

``idempotent(request, scope, run)`` runs ``run()`` and keeps its answer under (user, scope,
key) in the same transaction, so a retry after a lost answer gets the first answer back, and
two concurrent requests with one key create one object: the second waits on the unique index,
rolls its own work back and answers with the first's result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from daftar.kernel import messages as m
from daftar.kernel.errors import ApplicationError
from daftar.runtime.models import IdempotencyRecord

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9_.:\-]{8,100}$")


def _describe(value: object) -> object:
    """Uploaded files are compared by name and size (their content is checked anyway)."""
    if hasattr(value, "read") and hasattr(value, "size"):
        return {"file": getattr(value, "name", ""), "size": value.size}
    return str(value)


def _request_body(request: Request, scope: str) -> str:
    try:
        data = request.data.dict() if hasattr(request.data, "dict") else request.data
        files = {k: _describe(v) for k, v in getattr(request, "FILES", {}).items()}
        body = json.dumps([data, files], sort_keys=True, ensure_ascii=False, default=_describe)
    except (TypeError, ValueError):
        body = ""
    return f"{scope}\n{body}"


def _request_hash(request: Request, scope: str) -> str:
    # keyed: a body may hold a number guessed in a few hours from a plain hash (a citizen's mobile
    # given for the feedback link, issue 22), and the hash is kept with the answer
    return salted_hmac("daftar.idempotency", _request_body(request, scope), algorithm="sha256").hexdigest()


def _same_request(record: IdempotencyRecord, digest: str, request: Request, scope: str) -> bool:
    """The stored hash is this request's: keyed as now, or a plain SHA-256 as records kept before
    the keyed hash were (until they expire, a retry of those is still recognised)."""
    if hmac.compare_digest(record.request_hash, digest):
        return True
    legacy = hashlib.sha256(_request_body(request, scope).encode()).hexdigest()
    return hmac.compare_digest(record.request_hash, legacy)


def _replay(record: IdempotencyRecord, digest: str, request: Request, scope: str) -> Response:
    if not _same_request(record, digest, request, scope):
        raise ApplicationError(m.IDEMPOTENCY_REUSED, code="idempotency_key_reused", status=422)
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request: Request, scope: str, run: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    key = key.strip()
    if not _KEY.match(key):
        raise ApplicationError(m.IDEMPOTENCY_KEY_INVALID, code="idempotency_key_invalid")
    digest = _request_hash(request, scope)
    user: Any = request.user
    found = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
    if found is not None:
        return _replay(found, digest, request, scope)
    try:
        with transaction.atomic():
            response = run()
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(
                    user=user,
                    scope=scope,
                    key=key,
                    request_hash=digest,
                    status_code=response.status_code,
                    body=json.loads(JSONRenderer().render(response.data)),
                )
    except (IntegrityError, ApplicationError):
        # a concurrent request with the same key may have won (the unique index, the case's row
        # lock or its own uniqueness stopped this one): then its answer is ours
        found = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
        if found is None:
            raise
        return _replay(found, digest, request, scope)
    return response
