"""Uploads per person (issue 17): every upload endpoint, page or API, spends one budget per
account, ``UPLOADS_PER_USER_HOURLY`` files in a sliding hour, before its file is checked.

Checking a file costs real CPU (images decoded, PDFs parsed) and storage: this keeps one
account, or a stolen token, from turning the checks into a denial of service. A refused upload
is ``ThrottledError`` (429, ``Retry-After``, a Persian message with the wait) and not counted.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from daftar.kernel.errors import ThrottledError
from daftar.kernel.normalize import wait_text
from daftar.runtime.throttles import sliding_hit

from . import messages as m

log = logging.getLogger(__name__)


def upload_throttle(actor: Any) -> None:
    """Count one upload for ``actor``; raise ``ThrottledError`` when over the hourly budget.
    Anonymous callers never reach an upload (every upload endpoint needs a login)."""
    limit = settings.UPLOADS_PER_USER_HOURLY
    if not limit or not getattr(actor, "is_authenticated", False):
        return
    try:
        wait = sliding_hit(f"upload:{actor.pk}", limit=limit, window=3600)
    except Exception as exc:  # fail open: a cache outage must not stop uploads
        log.warning("upload not counted, the cache is unavailable: %s", exc)
        return
    if wait is not None:
        detail = m.UPLOAD_THROTTLED.format(wait=wait_text(wait))
        raise ThrottledError(detail, retry_after=wait, code="upload_throttled")
