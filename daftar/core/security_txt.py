"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability (docs/security.md).

The contact is a setting (``DAFTAR_SECURITY_CONTACT``); its default is an example address that
the operating municipality replaces. ``Expires`` is always a year ahead, as the RFC asks that
the file be kept fresh.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    expires = (timezone.now() + dt.timedelta(days=365)).replace(microsecond=0)
    base = request.build_absolute_uri("/").rstrip("/")
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(dt.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: fa, en",
        f"Canonical: {base}/.well-known/security.txt",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
