"""``GET /health/live``, ``GET /health/ready`` and ``GET /metrics`` (API.md «Operations»).

Plain Django views, not DRF: no authentication, throttles or content negotiation, and not in
the OpenAPI schema (docs/operations.md documents them). ``OpsMiddleware`` answers them before
any other middleware (no host check, no HTTPS redirect, no session); the routes in
``config/urls.py`` serve the same views where that middleware is not installed, and answer the
``404`` of a ``/metrics`` asked from elsewhere.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
from functools import lru_cache

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from health_check.base import HealthCheckResult

from daftar.ops import checks, metrics

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


@lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def metrics_allowed(request: HttpRequest) -> bool:
    """With ``Authorization: Bearer <METRICS_TOKEN>`` when a token is set, or from an address in
    ``METRICS_ALLOWED_NETWORKS``: the socket's own peer (``REMOTE_ADDR``), and only for a request
    that came straight to the process. A request carrying ``X-Forwarded-For`` came through a proxy
    (or claims to): its forwarded entries are the client's to write, so they never open the
    endpoint, and the proxy's own loopback address must not either. Prometheus and probes scrape
    a replica's own port; nginx never serves ``/metrics`` (deploy/nginx)."""
    token = str(settings.METRICS_TOKEN or "")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")).split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS)))


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; anyone not allowed gets the site's ordinary 404 page."""
    if not metrics_allowed(request):
        raise Http404
    body, content_type = metrics.render()
    return _machine(HttpResponse(body, content_type=content_type))
