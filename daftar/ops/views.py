"""``GET /health/live`` and ``GET /health/ready`` (API.md «Operations»).

Plain Django views, not DRF: no authentication, throttles or content negotiation, and not in
the OpenAPI schema (docs/operations.md documents them). ``OpsMiddleware`` answers them before
any other middleware (no host check, no HTTPS redirect, no session); the routes in
``config/urls.py`` serve the same views where that middleware is not installed.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from health_check.base import HealthCheckResult

from daftar.ops import checks

NO_STORE = "no-store"


def _machine(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def live(request: HttpRequest) -> HttpResponse:
    """The process serves requests. Touches no database, cache or session."""
    return _machine(JsonResponse({"status": "ok"}))


async def _results() -> list[HealthCheckResult]:
    return list(await asyncio.gather(*(check().get_result() for check in checks.READINESS)))


@require_safe
def ready(request: HttpRequest) -> HttpResponse:
    """Every dependency answers: ``200 {"status": "ok", "checks": {name: "ok"|"not used…"}}``,
    or ``503`` with ``"status": "unavailable"`` and the failing checks' reasons."""
    results = async_to_sync(_results)()
    found: dict[str, str] = {}
    for result in results:
        check = result.check
        assert isinstance(check, checks.Probe)
        found[check.key] = getattr(result.error, "message", str(result.error)) if result.error else check.passed
    failed = any(result.error for result in results)
    body = {"status": "unavailable" if failed else "ok", "checks": found}
    return _machine(JsonResponse(body, status=503 if failed else 200))
