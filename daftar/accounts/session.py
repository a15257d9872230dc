"""Page sessions end on their own (ASVS V3.3, issue 8): after ``SESSION_IDLE_SECONDS`` without
a request (idle) and ``SESSION_COOKIE_AGE`` after the login (absolute), whichever comes first.

The login's time is stamped into the session by ``stamp_login`` (``user_logged_in``); the last
request's time is written at most once a minute (``SEEN_EVERY``), so a page view does not
always write the session. A session that carries a user but no login stamp (made before this
existed, or by a test's ``force_login``) is stamped on its first request, never trusted for
longer. An ended session is flushed (Django's ``logout``) and the page is served as to anyone
not logged in: a page that needs a login sends them to it with a Persian notice.

``recently_authenticated`` tells whether the login is fresh enough for a sensitive change
(``REAUTH_SECONDS``; the mobile number, daftar/accounts/views.py ``mobile_change``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse

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
        return False  # not stamped yet: stamped below
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
            elif not isinstance(session.get(LOGIN_AT), int):
                session[LOGIN_AT] = session[SEEN_AT] = now
            elif now - session.get(SEEN_AT, 0) >= SEEN_EVERY:
                session[SEEN_AT] = now
        return self.get_response(request)
