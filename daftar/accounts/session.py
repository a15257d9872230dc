"""Page sessions end on their own (ASVS V3.3, issue 8): after ``SESSION_IDLE_SECONDS`` without
a request (idle) and ``SESSION_COOKIE_AGE`` after the login (absolute), whichever comes first.

The login's time is stamped into the session by ``stamp_login`` (``user_logged_in``); the last
request's time is written at most once a minute (``SEEN_EVERY``), so a page view does not
always write the session. A session that carries a user but no login stamp (made before this
existed) has ended: its age is unknown, so it can be neither trusted as a fresh login nor
given a new absolute limit (Django's ``login``, ``force_login`` included, always stamps).

An ended session is flushed (Django's ``logout``) and the page is served as to anyone not
logged in: a page that needs a login sends them to it with a Persian notice. A form sent
(POST) or an htmx request when the session has ended is answered here: the POST goes to the
login with the page it came from as ``next`` (not the POST-only address), an htmx request gets
``HX-Redirect`` so the whole page goes to the login instead of a fragment.

``recently_authenticated`` tells whether the login is fresh enough for a sensitive change
(``REAUTH_SECONDS``; the mobile number, daftar/accounts/views.py ``mobile_change``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import messages as msg

LOGIN_AT = "auth_at"
SEEN_AT = "seen_at"
SEEN_EVERY = 60  # seconds: the idle clock's resolution


def stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: the session's login time (the start of the absolute limit)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


def session_ended(session: Any, now: int) -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True  # of unknown age: see above
    return now - login_at > settings.SESSION_COOKIE_AGE or now - seen_at > settings.SESSION_IDLE_SECONDS


def recently_authenticated(request: HttpRequest, now: int | None = None) -> bool:
    login_at = request.session.get(LOGIN_AT)
    now = int(time.time()) if now is None else now
    return isinstance(login_at, int) and now - login_at <= settings.REAUTH_SECONDS


class SessionTimeoutMiddleware:
    """After ``AuthenticationMiddleware``: ends an idle or too old page session (see above).
    Requests authenticated by an API token carry no session and pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None and SESSION_KEY in session:
            now = int(time.time())
            if session_ended(session, now):
                logout(request)
                messages.info(request, msg.SESSION_ENDED)
                if not request.path.startswith("/api/"):
                    answer = self._to_login(request)
                    if answer is not None:
                        return answer
            elif now - session.get(SEEN_AT, 0) >= SEEN_EVERY:
                session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponse | None:
        """Where a request of an ended session goes, if not on to its view (see above)."""
        htmx = request.headers.get("HX-Request") == "true"
        if not htmx and request.method in ("GET", "HEAD"):
            return None  # the view decides: a page that needs a login redirects to it
        came_from = request.headers.get("HX-Current-URL" if htmx else "Referer") or ""
        back = urlsplit(came_from)
        ok = url_has_allowed_host_and_scheme(came_from, {request.get_host()}, require_https=request.is_secure())
        target = reverse("accounts:login")
        if ok and back.path:
            target += "?" + urlencode({"next": back.path + (f"?{back.query}" if back.query else "")})
        if htmx:
            response = HttpResponse(status=200)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
