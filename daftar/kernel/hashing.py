"""Keyed hashes of what must be kept without being readable, such as a client's address."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def address_hash(address: str) -> str:
    """HMAC-SHA-256 of ``address`` under ``SECRET_KEY``, hex: the same address always gives the
    same value, but it cannot be found again by hashing the whole IPv4 space without the key."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
