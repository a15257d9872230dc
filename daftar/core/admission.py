"""Load shedding for the heavy endpoints (issue 7): a rate-based admission gate.

gunicorn queues requests before Django sees them, so counting requests *in flight* cannot
shed a spike (at most workers × threads run at once; the rest wait in the socket backlog).
Instead each group of heavy endpoints gets a budget of requests per second across all
processes, counted in the cache (Redis in production) with a fixed one-second window.

Over budget, the request is answered at once — before the view runs, before the session,
the user or anything else touches the database — with ``429`` and ``Retry-After``. The k-th
request over the budget in a second is told ``ceil(k / rate)`` seconds (at least 1, at most
``ADMISSION_MAX_RETRY_AFTER``), so clients who come back when told arrive spread out, about
``rate`` per second, instead of all together again.

Settings (docs/configuration.md «Admission gate»):

- ``ADMISSION_RATES``: group → requests per second; a group missing or ``0`` is not gated
  (the default ``{}`` turns the gate off).
- ``ADMISSION_MAX_RETRY_AFTER``: the largest ``Retry-After`` ever sent (seconds).

Only unsafe methods are gated (a ``GET`` of ``/api/v1/applications`` is a list, not a
create). If the cache fails, the request goes through and a warning is logged: the gate
never turns a working request into a 500.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .api import error_body
from .context_processors import site
from .normalize import persian_number

log = logging.getLogger(__name__)

# Group → URL names (``resolver_match.view_name``: namespaced for pages, bare for the API).
GROUPS: dict[str, frozenset[str]] = {
    # asking for a one-time code: the API and the login page's first step
    "login": frozenset({"api-auth-otp-request", "accounts:login"}),
    # submitting a case: the API and the case page's «ارسال» form
    "submit": frozenset({"api-application-submit", "applications:submit"}),
    # creating a case: POST /api/v1/applications and the call page's apply form
    "create": frozenset({"api-applications", "calls:detail"}),
}
_GROUP_OF: dict[str, str] = {name: group for group, names in GROUPS.items() for name in names}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DEFAULT_MAX_RETRY_AFTER = 120
WINDOW_TTL = 5  # seconds a one-second window's counter is kept (only cleans up)

OVERLOADED = "سامانه در این لحظه درخواست‌های زیادی دارد؛ لطفاً {seconds} ثانیه دیگر دوباره تلاش کنید."
OVERLOADED_TITLE = "سامانه شلوغ است"

_WARN_EVERY = 10.0  # seconds between two "cache down" warnings of one process
_last_warning = 0.0


def _now() -> float:
    return time.time()


def group_of(request: HttpRequest) -> str | None:
    """The admission group of ``request``, or None when it is not gated."""
    if request.method in SAFE_METHODS:
        return None
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    return _GROUP_OF.get(match.view_name)


def _rate(group: str) -> float:
    rates = getattr(settings, "ADMISSION_RATES", None) or {}
    try:
        rate = float(rates.get(group) or 0)
    except (TypeError, ValueError):
        return 0.0
    return rate if rate > 0 and math.isfinite(rate) else 0.0


def retry_after(over: int, rate: float, cap: int) -> int:
    """Seconds the ``over``-th request past a budget of ``rate``/s is told to wait."""
    return max(1, min(int(cap), math.ceil(over / rate)))


def admit(group: str, rate: float, *, now: float | None = None) -> int | None:
    """Count one request of ``group`` in the current second; return the seconds to wait when
    over ``rate``, else None. Raises whatever the cache raises."""
    now = _now() if now is None else now
    key = f"admission:{group}:{int(now)}"
    cache.add(key, 0, timeout=WINDOW_TTL)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired (or was evicted) between add and incr
        cache.set(key, 1, timeout=WINDOW_TTL)
        count = 1
    over = count - max(1, math.floor(rate))  # a budget under 1/s still admits one a second
    if over <= 0:
        return None
    cap = int(getattr(settings, "ADMISSION_MAX_RETRY_AFTER", DEFAULT_MAX_RETRY_AFTER) or DEFAULT_MAX_RETRY_AFTER)
    return retry_after(over, rate, cap)


def _warn_cache_down(group: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY or _last_warning == 0.0:
        _last_warning = now
        log.warning("admission gate: cache unavailable, letting %s requests through (%r)", group, exc)


def overloaded_response(request: HttpRequest, seconds: int) -> HttpResponse:
    """``429`` with ``Retry-After``: the API's JSON error body, or a small Persian page.

    The page is rendered without the request (no context processors): no session or user
    lookup, so a shed request costs no database work."""
    detail = OVERLOADED.format(seconds=persian_number(seconds))
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("overloaded", detail), status=429)
    else:
        context: dict[str, Any] = {**site(request), "title": OVERLOADED_TITLE, "text": detail}
        response = HttpResponse(render_to_string("429.html", context), status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class AdmissionMiddleware:
    """Shed requests over their group's per-second budget with ``429`` + ``Retry-After``.

    Sits right after ``SecurityMiddleware``; its ``process_view`` runs after URL resolution
    and before every other middleware's ``process_view`` (CSRF) and the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        group = group_of(request)
        if group is None:
            return None
        rate = _rate(group)
        if not rate:
            return None
        try:
            wait = admit(group, rate)
        except Exception as exc:  # fail open: a cache outage must neither shed nor 500
            _warn_cache_down(group, exc)
            return None
        if wait is None:
            return None
        return overloaded_response(request, wait)
