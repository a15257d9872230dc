"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability (docs/security.md).

The contact is a setting (``DAFTAR_SECURITY_CONTACT``); its default is an example address that
the operating municipality replaces (``check --deploy`` warns while it is the example:
daftar.W001). ``Expires`` is 180 days ahead (the RFC asks for less than a year); ``Canonical``
is built from ``SITE_URL`` where it is set, not from the request's host.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    expires = (timezone.now() + dt.timedelta(days=180)).replace(microsecond=0)
    base = (settings.SITE_URL or request.build_absolute_uri("/")).rstrip("/")
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(dt.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: fa, en",
        f"Canonical: {base}/.well-known/security.txt",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
