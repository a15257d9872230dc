"""The harder challenge of a busy address: a proof of work (decision 0028).

The format is ALTCHA's first protocol (the MIT ``altcha`` library does the server side): the
server hands out ``{"algorithm": "SHA-256", "challenge", "maxnumber", "salt", "signature"}``;
the client finds the number ``n <= maxnumber`` with ``SHA-256(salt + n) == challenge`` and sends
back ``base64(JSON {"algorithm", "challenge", "number", "salt", "signature"})``. The browser
does it in a web worker (``static/js/pow.js``); an API client may use any ALTCHA v1 solver.

The salt carries the challenge's level and expiry, signed with the rest (HMAC under a key
derived from ``SECRET_KEY``), so a client can neither pick an easier one nor keep one past
``POW_TTL_SECONDS``; a solved challenge is accepted once (its hash is remembered in the cache
until it expires).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from typing import Any, cast

import altcha
from altcha.v1 import PayloadType
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

MAX_PAYLOAD = 1024  # characters of a solution; anything longer is refused unread


def _hmac_key() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"daftar:altcha", hashlib.sha256).hexdigest()


def new_challenge(level: int) -> dict[str, Any]:
    """A fresh challenge of ``level`` (1 upwards), as the JSON the client solves."""
    level = max(1, min(level, settings.POW_MAX_LEVEL))
    options = altcha.ChallengeOptionsV1(
        algorithm="SHA-256",
        max_number=level * settings.POW_MAX_NUMBER,
        hmac_key=_hmac_key(),
        expires=timezone.now() + dt.timedelta(seconds=settings.POW_TTL_SECONDS),
        params={"level": str(level)},
    )
    challenge = altcha.create_challenge_v1(options)
    return {**challenge.to_dict(), "level": level}


def solution_level(payload: str) -> int:
    """The level of the challenge ``payload`` solves, once; 0 when it is not a valid, unexpired,
    unused solution of one of our challenges."""
    if not payload or len(payload) > MAX_PAYLOAD:
        return 0
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return 0
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("salt", "challenge")):
        return 0
    solution = cast(PayloadType, data)
    ok, _error = altcha.verify_solution_v1(solution, _hmac_key(), check_expires=True)
    if not ok:
        return 0
    try:
        level = int(altcha.extract_params_v1(solution).get("level", ["0"])[0])
    except (TypeError, ValueError):
        return 0
    if not cache.add(f"pow:used:{data['challenge']}", 1, timeout=settings.POW_TTL_SECONDS + 60):
        return 0  # already spent
    return level
