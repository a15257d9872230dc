"""Load shedding for the heavy endpoints (issue 7): a rate-based admission gate.

gunicorn queues requests before Django sees them, so counting requests *in flight* cannot
shed a spike (at most workers × threads run at once; the rest wait in the socket backlog).
Instead each group of heavy endpoints gets a budget of requests per second across all
processes, counted in the cache (Redis in production) with a fixed one-second window.

Over budget, the request is answered at once — before the view runs and before anything is
written; only who is asking is looked up (the cached token, or the session of a page) — with
``429`` and ``Retry-After``. Only requests the view could serve are counted (see «who is
counted» below), so junk cannot spend the budget of real applicants. Every shed
request takes the next place in a line of those told to come back, ``rate`` places a second:
the k-th place is ``ceil(k / rate)`` seconds after the line started (at least 1, at most
``ADMISSION_MAX_RETRY_AFTER``), so clients who come back when told arrive spread out, about
``rate`` per second, instead of all together again or on top of the next wave.

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
from rest_framework.exceptions import AuthenticationFailed

from daftar.kernel.api import error_body
from daftar.kernel.branding import site_context
from daftar.kernel.normalize import persian_number
from daftar.runtime import ratelimit

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
LINE_TTL_MARGIN = 10  # the line of those told to come back outlives its longest promise by this

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
    return _place_in_line(group, rate, cap, now)


def _place_in_line(group: str, rate: float, cap: int, now: float) -> int:
    """Seconds a shed request is told to wait: its place in the line of everyone already told
    to come back (``rate`` of them a second), not only of this second's crowd, so those who
    return when told find the budget free instead of meeting the next wave. The line empties
    (and starts again from now) once its last promised slot has passed."""
    start_key, count_key = f"admission:{group}:line:start", f"admission:{group}:line:count"
    found = cache.get_many([start_key, count_key])
    start, promised = found.get(start_key), found.get(count_key)
    if start is None or promised is None or float(start) + int(promised) / rate <= now:
        start = now
        cache.set_many({start_key: now, count_key: 0}, timeout=cap + LINE_TTL_MARGIN)
    try:
        place = cache.incr(count_key)
    except ValueError:  # expired between the two calls
        cache.set(count_key, 1, timeout=cap + LINE_TTL_MARGIN)
        place = 1
    return retry_after_at(float(start) + place / rate - now, cap)


def retry_after_at(seconds: float, cap: int) -> int:
    return max(1, min(int(cap), math.ceil(round(seconds, 6))))


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
        context: dict[str, Any] = {**site_context(), "title": OVERLOADED_TITLE, "text": detail}
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
            client = counted_client(request, group)
            if client is None:
                return None  # refused by the view anyway, at no cost to anyone's budget
            wait = fair_share(group, client, rate) or admit(group, rate)
        except Exception as exc:  # fail open: a cache outage must neither shed nor 500
            _warn_cache_down(group, exc)
            return None
        if wait is None:
            return None
        request.throttle_gate = f"admission:{group}"  # type: ignore[attr-defined]  # the 429s per gate (daftar/ops)
        return overloaded_response(request, wait)


# --- who is counted ---------------------------------------------------------------------------
#
# A budget shared by everyone can be spent by anyone: a client sending junk would shed
# everybody else. So a request is counted only when its view could do the work:
# - ``create`` and ``submit`` need a signed-in applicant: requests without a valid token or
#   session are not counted (their view answers 401 or the login page at once), and one user
#   may take at most ``FAIR_SHARE`` of a second's budget (more is shed for them alone, with a
#   one-second wait, without spending the shared budget);
# - ``login`` is anonymous by nature: an address past its challenge threshold (code requests or
#   wrong captchas in the sliding hour, ``OTP_CHALLENGE_AFTER`` /
#   ``OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER``; daftar/accounts/login_limits.py) is not counted:
#   its requests are refused at once by the view unless they carry a solved proof of work, which
#   paid for them. Many addresses can still fill the budget; that is a flood for the proxy's
#   per-address limits, not for this gate.

FAIR_SHARE = 0.1


def counted_client(request: HttpRequest, group: str) -> str | None:
    """Who the request is counted for, or None when it is not counted (see above)."""
    if group == "login":
        address = ratelimit.client_address(request)
        passed_key, failed_key = ratelimit.login_keys(address)
        if ratelimit.sliding_count(passed_key, window=3600) >= settings.OTP_CHALLENGE_AFTER:
            return None
        if ratelimit.sliding_count(failed_key, window=3600) >= settings.OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER:
            return None
        return f"a:{ratelimit.address_group(address)}"
    user = _signed_in(request)
    return None if user is None else f"u:{user.pk}"


# How an API request's user is found without running the view: the API's token authentication,
# registered by the app that owns it (daftar.accounts, AccountsConfig.ready). A DRF
# authentication class; without one, no API request of ``create`` or ``submit`` is counted.
_api_authentication: type[Any] | None = None


def register_api_authentication(authentication: type[Any]) -> None:
    global _api_authentication
    _api_authentication = authentication


def _signed_in(request: HttpRequest) -> Any:
    if request.path.startswith("/api/"):
        if _api_authentication is None:
            return None
        try:
            found = _api_authentication().authenticate(request)
        except AuthenticationFailed:
            return None
        return found[0] if found else None
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def fair_share(group: str, client: str, rate: float, *, now: float | None = None) -> int | None:
    """Shed this client's request (1 s) when it already had its share of this second's budget."""
    if client.startswith("a:"):
        return None  # addresses are shared (carrier NAT): their cap is the hourly one
    now = _now() if now is None else now
    key = f"admission:{group}:{client}:{int(now)}"
    cache.add(key, 0, timeout=WINDOW_TTL)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=WINDOW_TTL)
        used = 1
    return 1 if used > max(1, math.ceil(rate * FAIR_SHARE)) else None
