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

import contextlib
import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from daftar.kernel.errors import ThrottledError
from daftar.kernel.hashing import address_hash
from daftar.kernel.jalali import jalali_iso
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.runtime import ratelimit, spool
from daftar.runtime.cache import incr_and_get_many, version_get
from daftar.runtime.housekeeping import delete_in_batches

from . import messages as msg
from . import signing
from .models import Licence, LicenceStatus, VerificationLog
from .services import licence_is_verifiable, licence_payload, mask_name

log = logging.getLogger(__name__)

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
    return Licence.objects.select_related("municipality", "district", "office").filter(number=number).first()


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
        # the name the licence was issued under, as the certificate prints it (the office's
        # manager may rename the office, so a check never vouches for a later name); the name the
        # office trades under now follows when it differs
        "office": licence.office_name,
        "office_current_name": current if (current := licence.display_name) != licence.office_name else None,
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
        # the licence's unique id on the national licensing portal (S4), empty until given
        "national_id": licence.national_id,
    }


# --- the check itself: throttle, look up, log -------------------------------------------------


def client_hash(address: str) -> str:
    """The address as kept in the log: HMAC-SHA-256 under ``SECRET_KEY`` (not reversible by
    hashing the IPv4 space without the key; ``daftar.kernel.hashing``)."""
    return address_hash(address)


def verification_throttle(address: str) -> None:
    wait = ratelimit.hit(
        f"licence-verify:{client_hash(address)}", limit=settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY, window=3600
    )
    if wait:
        raise ThrottledError(msg.VERIFY_THROTTLED.format(seconds=persian_digits(wait)), retry_after=wait)


def licence_verify(*, raw_number: object, address: str, channel: str) -> Licence | None:
    """One public check: refuse when the address is over its hourly cap (``ThrottledError``),
    else find the licence (None when unknown or malformed) and log the check."""
    verification_throttle(address)
    licence = licence_by_number(normalize_number(raw_number))
    log_check(
        normalize_text(str(raw_number or ""))[:64],
        licence.pk if licence else None,
        client_hash(address),
        channel,
    )
    return licence


# --- the public API's fast path: a cached snapshot (issue 7) ---------------------------------
#
# The answer for a number is kept in Django's cache (Redis in production) for the day, under a
# per-number version bumped on every save or delete of the licence or of one of its events
# (``signals.py``), so the licence is not re-read and its signature not re-verified on every
# check, while a suspension or revocation shows in the very next answer. The version expires
# after ``SNAPSHOT_VERSION_TTL`` seconds and restarts from a fresh value, so a change made behind
# the signals' back (``QuerySet.update``) is seen at most that long after. The throttle and the
# log row stay per check.

SNAPSHOT_VERSION_TTL = 60  # seconds
SNAPSHOT_TTL = 3600  # seconds; unreachable anyway once the version or the day moves on


def _snapshot_version_key(number: str) -> str:
    return f"licence-verify:v:{number}"


def licence_changed(number: str) -> None:
    """Call after changing a licence behind the signals' back (``QuerySet.update``): the next
    check of ``number`` reads it afresh."""
    with contextlib.suppress(ValueError):  # absent or expired: the next read starts afresh anyway
        cache.incr(_snapshot_version_key(number))


def _snapshot_key(number: str, today: dt.date) -> str:
    return f"licence-verify:s:{number}:{today.isoformat()}"


def licence_snapshot(
    number: str | None, today: dt.date | None = None, found: dict[str, Any] | None = None
) -> tuple[int | None, dict[str, Any] | None]:
    """``(licence id, verification body)`` for a normalised number, ``(None, None)`` when there
    is no such licence; from the cache when nothing changed since it was built. ``found``: the
    snapshot's keys already read by the caller (``licence_verify_body``)."""
    if number is None:
        return None, None
    today = today or timezone.localdate()
    version_key, key = _snapshot_version_key(number), _snapshot_key(number, today)
    if found is None:
        found = cache.get_many([version_key, key])
    version = version_get(version_key, timeout=SNAPSHOT_VERSION_TTL, found=found)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        _version, pk, body = entry
    else:
        licence = licence_by_number(number)
        pk, body = (licence.pk, verification_body(licence, today)) if licence else (None, None)
        cache.set(key, (version, pk, body), timeout=SNAPSHOT_TTL)
    return pk, (dict(body) if body is not None else None)


def licence_verify_body(*, raw_number: object, address: str, channel: str) -> dict[str, Any] | None:
    """``licence_verify`` for the API: the same throttle and log row, the answer's body (None
    when unknown or malformed) from ``licence_snapshot``. No query when the log is spooled
    (``log_check``); the throttle's count, its window and the snapshot are moved on and read in
    one cache round trip."""
    client = client_hash(address)
    number = normalize_number(raw_number)
    today = timezone.localdate()
    throttle = f"licence-verify:{client}"
    start_key, count_key = ratelimit.window_keys(throttle)
    keys = [start_key] + ([_snapshot_version_key(number), _snapshot_key(number, today)] if number else [])
    counted, found = incr_and_get_many(count_key, keys)  # one cache round trip for all of it
    wait = ratelimit.hit(
        throttle,
        limit=settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY,
        window=3600,
        started=found.get(start_key),
        counted=counted,
    )
    if wait:
        raise ThrottledError(msg.VERIFY_THROTTLED.format(seconds=persian_digits(wait)), retry_after=wait)
    pk, body = licence_snapshot(number, today, found)
    log_check(normalize_text(str(raw_number or ""))[:64], pk, client, channel)
    return body


# --- the log ----------------------------------------------------------------------------------
#
# Each check's row goes through a local write-ahead spool (daftar/runtime/spool.py; decision 0022)
# when ``VERIFICATION_LOG_SPOOL`` is on (production): one append to a file instead of an INSERT
# and a commit per check, the rows written in bulk about a second later. Off (tests, the eager
# demo), the row is inserted at once.


def _write_log_rows(rows: list[dict[str, Any]]) -> None:
    VerificationLog.objects.bulk_create(
        [
            VerificationLog(
                ref=row["ref"],
                number=row["number"],
                licence_id=row["licence"],
                at=dt.datetime.fromisoformat(row["at"]),
                client=row["client"],
                channel=row["channel"],
                found=row["licence"] is not None,
            )
            for row in rows
        ],
        batch_size=1000,
        ignore_conflicts=True,  # rows of a flush repeated after a crash (unique ``ref``)
    )


LOG_SPOOL = spool.register(spool.Spool("verification-log", _write_log_rows))


def log_check(number: str, licence_id: int | None, client: str, channel: str) -> None:
    """Record one public check (issue 5 §4: every check logged)."""
    row = {
        "ref": uuid.uuid4().hex,
        "number": number,
        "licence": licence_id,
        "at": timezone.now().isoformat(),
        "client": client,
        "channel": channel,
    }
    if settings.VERIFICATION_LOG_SPOOL:
        try:
            LOG_SPOOL.append(row)
            return
        except OSError:  # the spool's disk is full or unwritable: the row goes in directly
            log.exception("verification log: spool unavailable, row inserted at once")
    _write_log_rows([row])


def verification_log_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete public licence checks older than RETENTION_VERIFICATION_LOG_DAYS, in batches; run
    by housekeeping (``daftar/runtime/housekeeping.py``)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RETENTION_VERIFICATION_LOG_DAYS)
    return delete_in_batches(VerificationLog.objects.filter(at__lt=cutoff), dry_run=dry_run)
