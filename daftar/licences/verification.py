"""Public verification of a licence (S16, issue 5 §4): is this office licensed, and is the
certificate's signed QR payload genuine and current?

Anyone may ask, without logging in, by number (the API and the page) or by scanning the
certificate's QR code, which carries ``<payload>.<signature>`` (Ed25519, ``signing.py``). The
answer gives the live status, never the stored one alone: an active licence past its
``valid_until`` reads as expired even before the hourly sweep marks it. The holder's name is
masked. Every check is written to ``VerificationLog`` with the client's address hashed (HMAC
SHA-256 under ``SECRET_KEY``), and each address is capped per hour
(``LICENCE_VERIFY_PER_ADDRESS_HOURLY``). An unknown number and a malformed one get the same
answer, so the endpoint tells nothing about the numbering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from daftar.core import ratelimit
from daftar.core.errors import ThrottledError
from daftar.core.jalali import jalali_iso
from daftar.core.normalize import normalize_text

from . import messages as msg
from . import signing
from .models import Licence, LicenceStatus, VerificationLog
from .services import licence_is_verifiable, licence_payload, mask_name

# ``TEH-1404-000123`` and the like: letters, digits and dashes; anything else is "not found".
NUMBER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")
CHANNEL_API, CHANNEL_PAGE = "api", "page"


# --- reads ------------------------------------------------------------------------------------


def normalize_number(raw: object) -> str | None:
    """The number as stored (Latin digits, upper case), or None when it cannot be a number."""
    number = normalize_text(str(raw or "")).upper()
    return number if NUMBER_PATTERN.match(number) else None


def licence_by_number(number: str | None) -> Licence | None:
    if number is None:
        return None
    return Licence.objects.select_related("municipality", "district").filter(number=number).first()


def live_status(licence: Licence, today: dt.date | None = None) -> str:
    """The status the public sees: an active licence past ``valid_until`` is expired."""
    today = today or timezone.localdate()
    if licence.status == LicenceStatus.ACTIVE and licence.valid_until < today:
        return LicenceStatus.EXPIRED.value
    return str(licence.status)


def revoked_at(licence: Licence) -> dt.datetime | None:
    if licence.status != LicenceStatus.REVOKED:
        return None
    event = licence.events.filter(action="revoke").order_by("-at").first()
    return event.at if event else None


def signature_valid(licence: Licence) -> bool:
    """The stored signature is the authority's and its payload still matches the record."""
    return licence_is_verifiable(licence)


@dataclass(frozen=True)
class QrCheck:
    signature_valid: bool
    matches: bool  # the signed payload is the one the live record would carry

    @property
    def message(self) -> str:
        if not self.signature_valid:
            return msg.QR_INVALID
        return msg.QR_VALID if self.matches else msg.QR_STALE


def qr_check(licence: Licence, raw: str) -> QrCheck:
    """Check a scanned ``<payload>.<signature>`` (``signing.token``) against the key and
    against the live record of ``licence``: a genuine certificate of an earlier validity
    (before a renewal) is genuine but stale."""
    try:
        payload, signature = signing.token_parse(raw)
    except signing.MalformedPayload:
        return QrCheck(signature_valid=False, matches=False)
    if not signing.verify(payload, signature):
        return QrCheck(signature_valid=False, matches=False)
    return QrCheck(signature_valid=True, matches=payload == licence_payload(licence))


def verification_body(licence: Licence, today: dt.date | None = None) -> dict[str, Any]:
    """What the public may know about a licence (API.md «Licences (S16)»)."""
    suspended = licence.status == LicenceStatus.SUSPENDED
    revoked = revoked_at(licence)
    status = live_status(licence, today)
    return {
        "number": licence.number,
        "status": status,
        "status_display": LicenceStatus(status).label,
        "holder": mask_name(licence.holder_name),
        "office": licence.office_name,
        "municipality": {"slug": licence.municipality.slug, "name": licence.municipality.name},
        "district": {"id": licence.district_id, "number": licence.district.number, "name": licence.district.name},
        "valid_from": licence.valid_from,
        "valid_from_jalali": jalali_iso(licence.valid_from),
        "valid_until": licence.valid_until,
        "valid_until_jalali": jalali_iso(licence.valid_until),
        "suspended_until": licence.suspended_until if suspended else None,
        "suspended_until_jalali": jalali_iso(licence.suspended_until) if suspended else None,
        "revoked_at": revoked,
        "revoked_at_jalali": jalali_iso(revoked),
        "signature_valid": signature_valid(licence),
    }


# --- the check itself: throttle, look up, log -------------------------------------------------


def client_hash(address: str) -> str:
    """The address as kept in the log: HMAC-SHA-256 under ``SECRET_KEY`` (not reversible by
    hashing the IPv4 space without the key)."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def verification_throttle(address: str) -> None:
    wait = ratelimit.hit(
        f"licence-verify:{client_hash(address)}", limit=settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY, window=3600
    )
    if wait:
        raise ThrottledError(msg.VERIFY_THROTTLED.format(seconds=wait), retry_after=wait)


def licence_verify(*, raw_number: object, address: str, channel: str) -> Licence | None:
    """One public check: refuse when the address is over its hourly cap (``ThrottledError``),
    else find the licence (None when unknown or malformed) and log the check."""
    verification_throttle(address)
    licence = licence_by_number(normalize_number(raw_number))
    VerificationLog.objects.create(
        number=normalize_text(str(raw_number or ""))[:64],
        licence=licence,
        client=client_hash(address),
        channel=channel,
        found=licence is not None,
    )
    return licence
