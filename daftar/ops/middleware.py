"""``OpsMiddleware``: the first middleware (issue 20).

- Answers ``/health/live``, ``/health/ready`` and an allowed ``/metrics`` itself, before any
  other middleware: no ``ALLOWED_HOSTS`` check (a probe from 127.0.0.1 or a pod address names
  no configured host), no HTTPS redirect (probes speak plain http inside the host), no
  session, user, admission gate or throttle, so ``/health/live`` touches no database or cache.
  These answers are not counted in the request metrics. A ``/metrics`` from anyone else goes
  down the ordinary way and gets the site's 404 page, like any unknown address.
- Counts every ``429`` in ``daftar_throttled_responses_total{gate}``. The gate is what the
  refusing code put in ``request.throttle_gate`` (the admission gate: ``admission:<group>``;
  the API's backstop throttles: ``api:<scope>``), otherwise the view's URL name
  (``view:api-auth-otp-request`` for the one-time-code limits, ``view:accounts:login``…).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from daftar.ops import metrics, views

SAFE = frozenset({"GET", "HEAD"})


def gate_of(request: HttpRequest) -> str:
    gate = getattr(request, "throttle_gate", None)
    if gate:
        return str(gate)
    match = getattr(request, "resolver_match", None)
    return f"view:{match.view_name}" if match is not None and match.view_name else "other"


class OpsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE:
            path = request.path_info
            if path == "/health/live":
                return views.live(request)
            if path == "/health/ready":
                return views.ready(request)
            if path == "/metrics" and views.metrics_allowed(request):
                return views.metrics_view(request)
        response = self.get_response(request)
        if response.status_code == 429:
            metrics.count_throttled(gate_of(request))
        return response
