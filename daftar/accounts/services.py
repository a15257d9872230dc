"""Writes of the accounts app: one-time codes, login, profile, roles.

Each function runs in a transaction and records an audit entry for every decision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError, ThrottledError, UnavailableError
from daftar.kernel.events import ask
from daftar.kernel.normalize import persian_digits, wait_text
from daftar.kernel.validators import normalize_mobile
from daftar.municipalities.models import Municipality
from daftar.notifications.services import notify
from daftar.runtime import ratelimit
from daftar.runtime.housekeeping import delete_in_batches

from . import login_limits, policy, sms
from . import messages as msg
from .authentication import remember_new_token
from .captcha import captcha_check
from .constants import PersonType, Role
from .events import MobileOwnership, MobileOwnershipAsked
from .models import OneTimeCode, RoleAssignment, User

log = logging.getLogger(__name__)


def _code_hash(mobile: str, code: str) -> str:
    key = hashlib.sha256(b"otp:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class OtpIssued:
    expires_in: int
    resend_after: int
    # handed to this requester only: a check that carries it is checked against this code alone,
    # and only such checks (or, without one, checks from the same requester) count its tries
    request_id: str = ""


# --- who asks (issue 17, decision 0029) -------------------------------------------------------
# The caps that protect a number from an SMS flood and from guessing are counted per number; the
# ones a person meets in normal use are counted per *requester*, so a stranger exhausts only
# their own. A requester is a device that logged in to the number before (a signed token the
# login hands out: a cookie on the pages, ``device_token`` on the API) or else the client
# address, IPv6 grouped by /64 (one host holds a whole /64).

_DEVICE_SALT = "daftar.accounts.otp-device"
_ROWS_NEEDED = dt.timedelta(days=1)  # the longest look-back of the caps below


def _device_tag(mobile: str) -> str:
    return _code_hash(f"device:{mobile}", "")[:24]


def device_token_issue(*, mobile: str) -> str:
    """A token for the client that has just logged in to ``mobile``: signed, bound to the number
    (as an HMAC, so the cookie does not show it), valid OTP_DEVICE_DAYS days."""
    return signing.dumps({"m": _device_tag(mobile), "d": secrets.token_hex(8)}, salt=_DEVICE_SALT)


def _device_of(token: str, mobile: str) -> str | None:
    """The device id in ``token`` if it is a valid token of ``mobile``, else None."""
    if not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=_DEVICE_SALT, max_age=settings.OTP_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not hmac.compare_digest(str(data.get("m", "")), _device_tag(mobile)):
        return None
    return str(data.get("d", ""))[:32] or None


def _requester(address: str, device: str | None) -> str:
    return f"d:{device}" if device else f"a:{ratelimit.address_group(address)[:60]}"


def _request_key(request_id: str) -> str:
    return hashlib.sha256(f"otp-request:{request_id}".encode()).hexdigest()


def otp_request(
    *,
    mobile: str,
    captcha_key: str,
    captcha_value: str,
    address: str,
    person_type: str = PersonType.NATURAL,
    nationality: str = "IR",
    device_token: str = "",
    pow_solution: str = "",
) -> OtpIssued:
    """Send a 6-digit login code to ``mobile`` (already normalised).

    The answer is the same whether or not the number has an account: no account is read here.
    Throttles, each a ``ThrottledError`` with the seconds to wait: per address group
    (``login_limits``: a proof of work past a threshold, a far ceiling; wrong captchas counted
    apart); then per number *and requester* a resend gap and an hourly cap; per number, over
    requesters without a device of it, an hourly and a daily cap (SMS flood). A stranger who
    fills their own caps does not touch the owner's (issue 17); a device of the number is spared
    the number's caps.
    """
    login_limits.admit_code_request(address, pow_solution)
    if not captcha_check(captcha_key, captcha_value):
        login_limits.count_captcha_failure(address)
        raise ApplicationError(msg.CAPTCHA_WRONG, code="captcha_invalid", fields={"captcha_value": [msg.CAPTCHA_WRONG]})
    login_limits.count_code_request(address)

    device = _device_of(device_token, mobile)
    requester = _requester(address, device)
    with _number_lock(mobile):
        created = timezone.now()
        _number_caps_check(mobile, requester, device is not None, created)
        wait = ratelimit.gap(f"otp:{mobile}:{requester}", seconds=settings.OTP_RESEND_SECONDS, now=time.time())
        if wait:
            raise ThrottledError(
                msg.OTP_RESEND_WAIT.format(wait=wait_text(wait)), retry_after=wait, code="otp_resend_wait"
            )
        request_id = _code_issue(mobile, person_type, nationality, address, requester, created)
    log.info("otp_requested mobile=%s***", mobile[:4])
    return OtpIssued(
        expires_in=settings.OTP_TTL_SECONDS, resend_after=settings.OTP_RESEND_SECONDS, request_id=request_id
    )


@contextlib.contextmanager
def _number_lock(mobile: str) -> Iterator[None]:
    """One code request of ``mobile`` at a time, across processes: the caps read the number's
    codes and the code is then written, and two requests from distinct requesters in between
    would each pass a cap the other fills (issue 17). A lock in the shared cache (an atomic
    ``add``; it works on PostgreSQL and on SQLite alike), held until the code is committed and
    freed by its timeout if the process dies. A request that finds it taken waits for it a
    moment, then is told to retry in a few seconds."""
    key, token = f"otp:lock:{mobile}", secrets.token_hex(8)
    for _ in range(40):
        if cache.add(key, token, timeout=10):
            break
        time.sleep(0.05)
    else:
        wait = 3
        raise ThrottledError(msg.OTP_RESEND_WAIT.format(wait=wait_text(wait)), retry_after=wait, code="otp_resend_wait")
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def _code_issue(
    mobile: str, person_type: str, nationality: str, address: str, requester: str, created: dt.datetime
) -> str:
    """Write the code and its SMS, committed before the number's lock is freed; return the
    request id."""
    code = f"{secrets.randbelow(10**6):06d}"
    request_id = secrets.token_urlsafe(18)
    with transaction.atomic():
        OneTimeCode.objects.create(
            mobile=mobile,
            code_hash=_code_hash(mobile, code),
            person_type=person_type,
            nationality=nationality,
            created_at=created,
            expires_at=created + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
            address=address if _is_ip(address) else None,
            requester=requester,
            request_key=_request_key(request_id),
        )
        # to the number (its account may not exist yet); no municipality: an account's own SMS
        notify(
            sms.OTP.key,
            to=mobile,
            municipality=None,
            sensitive=True,
            code=code,
            minutes=max(1, settings.OTP_TTL_SECONDS // 60),
        )
    return request_id


def _number_caps_check(mobile: str, requester: str, known_device: bool, now: dt.datetime) -> None:
    """Sliding windows counted from the codes themselves (they hold across processes and
    restarts): OTP_HOURLY_CAP codes an hour for this number and this requester; and
    OTP_NUMBER_HOURLY_CAP an hour and OTP_NUMBER_DAILY_CAP a day for the number over every
    requester without a device of it (a device counts them for itself alone). Requests of one
    requester cannot race past its cap, nor distinct requesters past the number's: the caller
    holds the number's lock (``_number_lock``) from this read until the code is committed."""
    # one query: the number's codes of the last day (a few dozen at most: the caps bound them)
    day = list(
        OneTimeCode.objects.filter(mobile=mobile, created_at__gt=now - _ROWS_NEEDED)
        .order_by("-created_at")
        .values_list("requester", "created_at")
    )
    own = [made for who, made in day if who == requester]
    # a device of the number is a pool of its own; every other requester shares the number's
    pool = own if known_device else [made for who, made in day if who.startswith("a:")]
    hour = dt.timedelta(hours=1)
    for made, cap, span, code, text in (
        (own, settings.OTP_HOURLY_CAP, hour, "otp_hourly_cap", msg.OTP_HOURLY_CAP),
        (pool, settings.OTP_NUMBER_HOURLY_CAP, hour, "otp_hourly_cap", msg.OTP_HOURLY_CAP),
        (pool, settings.OTP_NUMBER_DAILY_CAP, _ROWS_NEEDED, "otp_daily_cap", msg.OTP_DAILY_CAP),
    ):
        recent = [t for t in made if t > now - span][:cap]
        if len(recent) >= cap:
            wait = max(1, math.ceil((recent[-1] + span - now).total_seconds()))
            raise ThrottledError(text.format(wait=wait_text(wait)), retry_after=wait, code=code)


def otp_codes_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete one-time code rows older than OTP_RETENTION_DAYS (they hold the client address),
    but never one the caps still count (a day), in batches. Returns how many went (with
    ``dry_run``, how many would). Run by housekeeping (``daftar/runtime/housekeeping.py``)."""
    now = now or timezone.now()
    keep = max(
        dt.timedelta(days=settings.OTP_RETENTION_DAYS), _ROWS_NEEDED + dt.timedelta(seconds=settings.OTP_TTL_SECONDS)
    )
    return delete_in_batches(OneTimeCode.objects.filter(created_at__lt=now - keep), dry_run=dry_run)


def captchas_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete captcha challenges past their expiry (django-simple-captcha's store; its own
    ``remove_expired`` is one unbounded DELETE). The proof of work keeps no rows (the cache)."""
    now = now or timezone.now()
    return delete_in_batches(CaptchaStore.objects.filter(expiration__lt=now), dry_run=dry_run)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def otp_verify(
    *, mobile: str, code: str, address: str, channel: str, request_id: str = "", device_token: str = ""
) -> User:
    """Check ``code`` for ``mobile``; return the (new) user.

    Which code: the one ``request_id`` names (handed out with it, to its requester only); a
    client that sends none gets the latest code its requester asked for, else the number's
    latest. The holder's wrong tries (its request id, or the device it was asked with) count on
    the code and the fifth kills it (API.md); id-less tries from the asking address have five
    of their own, killing it for id-less checks only; anyone else's leave it alive (issue 17).
    A check with a live code's request id skips the per-address check limit. Every check counts
    first, atomically, against the number's OTP_DAILY_TRIES (a device of the number has a count
    of its own); past it, checks other than the holder's are refused unread for the rest of the
    day. The holder's are bounded anyway: OTP_MAX_ATTEMPTS a code, and the caps on codes. The
    right code is used once. The user is created on first login with the person type and
    nationality chosen at the request (S15.2).

    Failures a stranger could provoke answer alike (``otp_invalid``, OTP_WRONG) whether the
    number has no code, a used, expired or dead one, or is out of budget: "used", "expired" and
    "dead" are said only to whoever sends that code's right digits or its request id.
    """
    if not _live_request(mobile, request_id):  # a live code's holder is bounded by its tries
        login_limits.verify_throttle(address)
    if not re.fullmatch(r"[0-9]{6}", code or ""):
        raise ApplicationError(msg.OTP_FORMAT, code="otp_invalid", fields={"code": [msg.OTP_FORMAT]})

    device = _device_of(device_token, mobile)
    requester = _requester(address, device)
    digest = _code_hash(mobile, code)
    # Counted before the comparison, so parallel checks cannot race past it. A device of the
    # number has a count of its own: strangers cannot spend the owner's.
    budget = f"otp:tries:{mobile}" + (f":d:{device}" if device else "")
    spent = ratelimit.hit(budget, limit=settings.OTP_DAILY_TRIES, window=86400)
    failure: tuple[str, str] = (msg.OTP_WRONG, "otp_invalid")
    with transaction.atomic():
        codes = OneTimeCode.objects.select_for_update().filter(mobile=mobile).order_by("-created_at", "-id")
        if request_id:
            otp = codes.filter(request_key=_request_key(request_id)).first()
        else:
            otp = codes.filter(requester=requester).first() or codes.first()
        # The check of the one who holds this code is bounded by its own tries, so the number's
        # budget does not refuse it (a stranger who spent it cannot lock the owner out).
        # A code handed out with a request id is its holder's: without the id only a device of
        # the number (a secret of one browser or app) holds its tries, never an address, which
        # strangers behind one carrier NAT share. Checks without the id from the address that
        # asked (API clients that ignore the id, API.md) have five tries of their own, kept
        # apart: their fifth wrong one kills the code for checks without the id only, and the
        # holder of the id still logs in; like every other check they are refused unread once
        # the number's budget is spent, so a day still compares at most 100 codes (0029).
        holder = otp is not None and (
            bool(request_id) or (otp.requester == requester and (not otp.request_key or requester.startswith("d:")))
        )
        shared = otp is not None and not holder and not request_id and otp.requester == requester
        shared_key = f"otp:shared-tries:{otp.pk}" if otp is not None else ""
        shared_tries = int(cache.get(shared_key) or 0) if otp is not None and otp.request_key else 0
        dead = otp is not None and (
            otp.attempts >= settings.OTP_MAX_ATTEMPTS or (not request_id and shared_tries >= settings.OTP_MAX_ATTEMPTS)
        )
        now = timezone.now()
        if otp is None or (spent and not holder):
            pass
        elif hmac.compare_digest(otp.code_hash, digest):
            if otp.used_at is not None:
                failure = (msg.OTP_USED, "otp_used")
            elif dead:
                failure = (msg.OTP_LOCKED, "otp_locked")
            elif now >= otp.expires_at:
                failure = (msg.OTP_EXPIRED, "otp_expired")
            else:
                user = _login(otp, mobile, now, channel)
                if user is not None:
                    return user
        elif holder or shared:
            live = otp.used_at is None and now < otp.expires_at
            if live and not dead:
                if holder:
                    otp.attempts += 1
                    otp.save(update_fields=["attempts"])
                    tries = otp.attempts
                else:
                    cache.add(shared_key, 0, timeout=settings.OTP_TTL_SECONDS + 60)
                    try:
                        tries = cache.incr(shared_key)
                    except ValueError:  # expired between add and incr
                        cache.set(shared_key, 1, timeout=settings.OTP_TTL_SECONDS + 60)
                        tries = 1
                if tries >= settings.OTP_MAX_ATTEMPTS:
                    failure = (msg.OTP_LOCKED, "otp_locked")
            elif request_id:  # only its requester holds the id: tell them why
                if otp.used_at is not None:
                    failure = (msg.OTP_USED, "otp_used")
                elif otp.attempts >= settings.OTP_MAX_ATTEMPTS:
                    failure = (msg.OTP_LOCKED, "otp_locked")
                else:
                    failure = (msg.OTP_EXPIRED, "otp_expired")
    raise ApplicationError(failure[0], code=failure[1], fields={"code": [failure[0]]})


def _live_request(mobile: str, request_id: str) -> bool:
    """Whether ``request_id`` names a live code of ``mobile`` (unused, unexpired, alive): one
    indexed look-up, made only for checks that carry an id."""
    if not request_id:
        return False
    return OneTimeCode.objects.filter(
        mobile=mobile,
        request_key=_request_key(request_id),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        attempts__lt=settings.OTP_MAX_ATTEMPTS,
    ).exists()


def _login(otp: OneTimeCode, mobile: str, now: dt.datetime, channel: str) -> User | None:
    """The right, live code: use it, and return its user (made at the first login), or None
    when the account is deactivated."""
    otp.used_at = now
    otp.save(update_fields=["used_at"])
    user, created = User.objects.get_or_create(
        mobile=mobile,
        defaults={"person_type": otp.person_type, "nationality": otp.nationality},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(actor=user, action="user_registered", obj=user, data={"channel": channel})
    if not user.is_active:
        return None
    user.last_login = now
    user.save(update_fields=["last_login"])
    audit_record(actor=user, action="user_logged_in", obj=user, data={"channel": channel})
    return user


def auth_token_create(*, user: User) -> str:
    """Issue an API bearer token (stored hashed by knox, revocable, expiring)."""
    instance, token = AuthToken.objects.create(user=user)
    remember_new_token(instance)
    return token


def auth_token_revoke(*, user: User, token_key: str | None = None, all_tokens: bool = False) -> int:
    qs = AuthToken.objects.filter(user=user)
    if not all_tokens:
        qs = qs.filter(token_key=token_key)
    with transaction.atomic():
        count, _ = qs.delete()
        audit_record(actor=user, action="user_logged_out", obj=user, data={"tokens": count})
    return count


PROFILE_FIELDS = (
    "person_type",
    "nationality",
    "national_code",
    "national_id",
    "legal_name",
    "first_name",
    "last_name",
    "birth_date",
)


# the ownership inquiry's answers that leave a stored, unproven code as it is (decision 0030)
OWNERSHIP_REFUSALS = frozenset({"ownership_not_proven", "ownership_unavailable", "ownership_cap", "ownership_retry"})


def user_update_profile(*, user: User, actor: User, data: dict[str, Any]) -> User:
    """Change profile fields (already validated by the caller's serializer or form).

    Cross-field rules live here so both front doors share them: a national code only for
    Iranian natural persons, a national ID only for legal persons; both unique.

    A national code is saved only once the mobile-ownership inquiry proves that the account's
    number is registered to it (S15.3; decision 0030): a new code, or the stored one re-entered
    while still unproven (then a refusal or no answer still saves the other fields, and the
    stored code stays unproven). The refusal for a number that is not the code's speaks of that number
    only, whether or not another account holds the code (no enumeration); a code held by an
    account whose own number fails the same inquiry goes to its proven owner
    (``_claim_national_code``). With no answer from the inquiry nothing is saved (503).
    """
    changes = {k: v for k, v in data.items() if k in PROFILE_FIELDS and getattr(user, k) != v}
    claim = data.get("national_code") or ""
    prove = bool(claim) and (claim != user.national_code or not user.national_code_verified)
    if not changes and not prove:
        return user
    merged = {k: changes.get(k, getattr(user, k)) for k in PROFILE_FIELDS}
    if merged["national_code"] and (merged["person_type"] != PersonType.NATURAL or merged["nationality"] != "IR"):
        raise ApplicationError(
            msg.NATIONAL_CODE_FOR_NATURAL, code="invalid", fields={"national_code": [msg.NATIONAL_CODE_FOR_NATURAL]}
        )
    if merged["national_id"] and merged["person_type"] != PersonType.LEGAL:
        raise ApplicationError(
            msg.NATIONAL_ID_FOR_LEGAL, code="invalid", fields={"national_id": [msg.NATIONAL_ID_FOR_LEGAL]}
        )
    national_id = changes.get("national_id")
    if national_id and User.objects.filter(national_id=national_id).exclude(pk=user.pk).exists():
        raise ApplicationError(
            msg.NATIONAL_ID_TAKEN, code="conflict", status=409, fields={"national_id": [msg.NATIONAL_ID_TAKEN]}
        )
    if prove:
        if claim != user.national_code or not changes:
            return _claim_national_code(user=user, actor=actor, changes=changes, claim=claim)
        # The stored code, still unproven, sent again with other fields (the page always sends
        # it): it is proven when the inquiry says so, but its refusal or silence never blocks the
        # name or the birth date of an account from before the inquiry; the code stays unproven.
        try:
            return _claim_national_code(user=user, actor=actor, changes=changes, claim=claim)
        except ApplicationError as exc:
            if exc.code not in OWNERSHIP_REFUSALS:
                raise
    try:
        with transaction.atomic():
            for key, value in changes.items():
                setattr(user, key, value)
            fields = list(changes)
            if "national_code" in changes:  # cleared: its proof goes with it
                fields += user.drop_ownership()
            user.save(update_fields=fields)
            audit_record(actor=actor, action="user_profile_updated", obj=user, data={"fields": sorted(changes)})
    except IntegrityError as exc:  # a concurrent writer took the same identifier
        raise ApplicationError(msg.NATIONAL_ID_TAKEN, code="conflict", status=409) from exc
    return user


def _ownership(mobile: str, national_code: str) -> MobileOwnership:
    """The mobile-ownership inquiry's answer now (asked of the inquiries app, above this one);
    no answer is a 503 with the wait, and nothing is saved."""
    answer: MobileOwnership = ask(MobileOwnershipAsked(mobile=mobile, national_code=national_code))
    if not answer.answered:
        text = msg.OWNERSHIP_UNAVAILABLE.format(wait=wait_text(answer.retry_after))
        raise UnavailableError(
            text, retry_after=answer.retry_after, code="ownership_unavailable", fields={"national_code": [text]}
        )
    return answer


def _ownership_budget(user: User, claim: str) -> None:
    """``OWNERSHIP_CHECKS_PER_DAY`` distinct codes per account a day (``429`` past it). Asking
    again for the same code (after a "try later", say) does not count: the cap is against
    searching many codes for one's own number's registrant, not against retries."""
    day = 24 * 3600
    seen = f"ownership:asked:{user.pk}:{hashlib.sha256(claim.encode()).hexdigest()[:16]}"
    if not cache.add(seen, 1, day):
        return
    wait = ratelimit.hit(f"ownership:{user.pk}", limit=settings.OWNERSHIP_CHECKS_PER_DAY, window=day)
    if wait:
        cache.delete(seen)  # refused: not counted as asked
        hours = persian_digits(max(1, math.ceil(wait / 3600)))
        raise ThrottledError(msg.OWNERSHIP_CAP.format(hours=hours), retry_after=wait, code="ownership_cap")


def _claim_national_code(*, user: User, actor: User, changes: dict[str, Any], claim: str) -> User:
    """Save ``changes`` with the national code ``claim`` once the inquiry proves it is the
    owner's of ``user.mobile``.

    1. The person's own number is asked first, before anything about other accounts is read,
       so a refusal (400) is the same answer, after the same work, whether or not the code is
       taken. Each new code asked counts on a daily cap per account (``_ownership_budget``).
    2. Proven, and another account holds the code: that account's number is asked too (now:
       numbers change hands). If it is not the code's, the code is released to the proven
       owner: taken off the other account (its proof with it), audited on both, the other
       number told by SMS in neutral words. Its cases stay bound to it (decision 0030). If it
       is the code's too, one person has two accounts: a 409 that only this proven owner reads.
    The inquiry is asked outside any transaction; the rows are then locked and read again, and
    a holder that changed meanwhile is "try again" (503).
    """
    _ownership_budget(user, claim)
    mine = _ownership(user.mobile, claim)
    if not mine.owner:
        with transaction.atomic():
            audit_record(actor=actor, action="national_code_not_proven", obj=user, data={"reference": mine.reference})
        raise ApplicationError(
            msg.OWNERSHIP_NOT_PROVEN, code="ownership_not_proven", fields={"national_code": [msg.OWNERSHIP_NOT_PROVEN]}
        )
    holder = User.objects.filter(national_code=claim).exclude(pk=user.pk).only("pk", "mobile").first()
    theirs = _ownership(holder.mobile, claim) if holder is not None else None
    if holder is not None and theirs is not None and theirs.owner:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="national_code_on_two_accounts",
                obj=user,
                data={"other": holder.pk, "reference": mine.reference, "other_reference": theirs.reference},
            )
        raise ApplicationError(
            msg.NATIONAL_CODE_ON_OWN_ACCOUNT,
            code="conflict",
            status=409,
            fields={"national_code": [msg.NATIONAL_CODE_ON_OWN_ACCOUNT]},
        )
    changes = {**changes, "national_code": claim}
    now = timezone.now()
    try:
        with transaction.atomic():
            ids = [user.pk] if holder is None else [user.pk, holder.pk]
            locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
            current = User.objects.filter(national_code=claim).exclude(pk=user.pk).values_list("pk", "mobile").first()
            if (
                current != (None if holder is None else (holder.pk, holder.mobile))
                or locked[user.pk].mobile != user.mobile
            ):
                raise UnavailableError(msg.OWNERSHIP_RACE, retry_after=5, code="ownership_retry")
            if holder is not None and theirs is not None:
                _release(locked[holder.pk], to=user, reference=theirs.reference)
            for key, value in changes.items():
                setattr(user, key, value)
            fields = [*changes, *user.prove_ownership(reference=mine.reference, at=now)]
            user.save(update_fields=fields)
            data: dict[str, Any] = {"fields": sorted(changes), "ownership_reference": mine.reference}
            if holder is not None:
                data["released_from"] = holder.pk
            audit_record(actor=actor, action="user_profile_updated", obj=user, data=data)
    except IntegrityError as exc:  # another account took the code between the read and the write
        raise UnavailableError(msg.OWNERSHIP_RACE, retry_after=5, code="ownership_retry") from exc
    return user


def _release(holder: User, *, to: User, reference: str) -> None:
    """Take the national code off ``holder`` (locked), whose number the inquiry found is not
    the code's: audited (the system decided, on the inquiry's answer ``reference``), and the
    holder's number told. The code itself is not written to the audit or the SMS."""
    holder.national_code = ""
    holder.save(update_fields=["national_code", *holder.drop_ownership()])
    audit_record(
        actor=None,
        action="national_code_released",
        obj=holder,
        data={"to": to.pk, "reference": reference},
        actor_label="system",
    )
    notify(sms.NATIONAL_CODE_RELEASED.key, to=holder, municipality=None)


def role_grant(*, user: User, role: str, municipality: Municipality, actor: User | None) -> RoleAssignment:
    """Grant ``role`` in ``municipality`` (idempotent: granting twice returns the same row)."""
    return _role_grant(user=user, role=role, municipality=municipality, actor=actor)[0]


def _role_grant(
    *, user: User, role: str, municipality: Municipality, actor: User | None
) -> tuple[RoleAssignment, bool]:
    """``role_grant``, and whether this call made the row (False: it was there, or a grant sent
    at the same moment made it first)."""
    if role not in Role.values:
        raise ApplicationError("نقش ناشناخته است.", code="invalid")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, municipality=municipality, defaults={"granted_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="role_granted",
                obj=assignment,
                municipality=municipality,
                data={"user": user.pk, "role": role},
                actor_label="" if actor else "system",
            )
    return assignment, created


def role_revoke(*, assignment: RoleAssignment, actor: User | None) -> None:
    with transaction.atomic():
        municipality = assignment.municipality
        data = {"user": assignment.user_id, "role": assignment.role}
        audit_record(actor=actor, action="role_revoked", obj=assignment, municipality=municipality, data=data)
        assignment.delete()


def _role_invalid(message: str, field: str, status: int = 400, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, status=status, fields={field: [message]})


def role_grant_check(*, municipality: Municipality, mobile: str, role: str, actor: Any) -> str:
    """Check a grant by mobile number (the page and the admin alike) and return the number in
    its canonical form. Refused: a municipality that is not the actor's (404), a malformed
    number, a role the actor may not grant (``policy.grantable_roles``), the actor's own number,
    and a role the person already holds there (409)."""
    if not policy.may_manage_roles(actor, municipality.pk):
        raise policy.not_found()
    try:
        number = normalize_mobile(str(mobile or ""))
    except ValidationError:
        raise _role_invalid(msg.ROLE_MOBILE_INVALID, "mobile") from None
    if role not in policy.grantable_roles(actor):
        raise _role_invalid(msg.ROLE_NOT_GRANTABLE, "role", code="role_not_grantable")
    if number == getattr(actor, "mobile", None):
        raise _role_invalid(msg.ROLE_SELF, "mobile", code="self_grant")
    if RoleAssignment.objects.filter(user__mobile=number, role=role, municipality=municipality).exists():
        raise _role_invalid(msg.ROLE_HELD, "mobile", status=409, code="role_held")
    return number


def role_grant_by_mobile(*, municipality: Municipality, mobile: str, role: str, actor: Any) -> RoleAssignment:
    """Grant ``role`` in ``municipality`` to the person with ``mobile`` (their account is made if
    they have never logged in, as the admin does); audited, and the person told by SMS."""
    number = role_grant_check(municipality=municipality, mobile=mobile, role=role, actor=actor)
    with transaction.atomic():
        user, _created = user_get_or_create(mobile=number, actor=actor)
        if RoleAssignment.objects.select_for_update().filter(user=user, role=role, municipality=municipality).exists():
            raise _role_invalid(msg.ROLE_HELD, "mobile", status=409, code="role_held")
        assignment, created = _role_grant(user=user, role=role, municipality=municipality, actor=actor)
        if not created:  # a grant sent at the same moment (a double click) made it: one SMS, one audit
            raise _role_invalid(msg.ROLE_HELD, "mobile", status=409, code="role_held")
        notify(
            sms.ROLE_GRANTED.key,
            to=user,
            municipality=municipality,
            role=Role(role).label,
            municipality_name=municipality.name,
        )
    return assignment


def role_revoke_check(*, assignment: RoleAssignment, actor: Any) -> None:
    """Refused: another municipality's role or one the actor may not revoke (404), and the
    municipality's last administrator (409), whoever asks."""
    if not policy.may_manage_roles(actor, assignment.municipality_id):
        raise policy.not_found()
    if assignment.role not in policy.grantable_roles(actor):
        raise policy.not_found()
    if assignment.role == Role.MUNICIPALITY_ADMIN:
        admins = RoleAssignment.objects.filter(municipality_id=assignment.municipality_id, role=Role.MUNICIPALITY_ADMIN)
        if not admins.exclude(pk=assignment.pk).exists():
            raise ApplicationError(msg.ROLE_LAST_ADMIN, code="last_admin", status=409)


def role_revoke_checked(*, assignment: RoleAssignment, actor: Any) -> None:
    """``role_revoke`` after ``role_revoke_check`` (the admins' rows locked, so two revocations
    at once cannot leave the municipality without one); audited, the person told by SMS."""
    with transaction.atomic():
        list(
            RoleAssignment.objects.select_for_update()
            .filter(municipality_id=assignment.municipality_id, role=Role.MUNICIPALITY_ADMIN)
            .values_list("pk", flat=True)
        )
        # the row itself, under lock: a second revocation sent at once finds it gone (not found),
        # rather than writing a second audit entry and SMS
        if not RoleAssignment.objects.select_for_update().filter(pk=assignment.pk).exists():
            raise policy.not_found()
        role_revoke_check(assignment=assignment, actor=actor)
        user, municipality, role = assignment.user, assignment.municipality, assignment.role
        role_revoke(assignment=assignment, actor=actor)
        notify(
            sms.ROLE_REVOKED.key,
            to=user,
            municipality=municipality,
            role=Role(role).label,
            municipality_name=municipality.name,
        )


def user_get_or_create(*, mobile: str, actor: User | None = None) -> tuple[User, bool]:
    with transaction.atomic():
        # made with an unusable password (logins are by code), not saved a second time for it
        user, created = User.objects.get_or_create(mobile=mobile, defaults={"password": make_password(None)})
        if created:
            audit_record(actor=actor, action="user_created", obj=user, actor_label="" if actor else "system")
    return user, created


# --- changing the mobile number (issue 8: only right after a fresh login) ---------------------


@dataclass
class MobileChange:
    """A pending change, kept in the page session (server side): the new number, its code's
    HMAC (bound to the user and the number), when the code dies, and the wrong tries so far."""

    mobile: str
    code_hash: str
    expires_at: float
    attempts: int = 0


def _change_code_hash(user: User, mobile: str, code: str) -> str:
    return _code_hash(f"change:{user.pk}:{mobile}", code)


def mobile_change_request(*, user: User, new_mobile: str, address: str) -> MobileChange:
    """Send a code to ``new_mobile`` (normalised) to prove the person holds it.

    Whether the number already has an account is not said here (the code is sent either way;
    only its holder learns it at the confirmation). Throttles: the login code's resend gap for
    the number, and OTP_HOURLY_CAP requests per account an hour.
    """
    if new_mobile == user.mobile:
        raise ApplicationError(msg.MOBILE_SAME, code="mobile_same", fields={"mobile": [msg.MOBILE_SAME]})
    # its own resend gap: a change request must not hold back the number's login codes
    wait = ratelimit.gap(f"otp-change:{new_mobile}", seconds=settings.OTP_RESEND_SECONDS, now=time.time())
    if wait:
        raise ThrottledError(msg.OTP_RESEND_WAIT.format(wait=wait_text(wait)), retry_after=wait, code="otp_resend_wait")
    wait = ratelimit.hit(f"mobile-change:{user.pk}", limit=settings.OTP_HOURLY_CAP, window=3600)
    if wait:
        raise ThrottledError(msg.MOBILE_CHANGE_CAP.format(wait=wait_text(wait)), retry_after=wait)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # to the new number, not yet the account's; its own key, not "otp": a provider's
        # login-code template would drop this text's own wording
        notify(
            sms.MOBILE_CHANGE_CODE.key,
            to=new_mobile,
            municipality=None,
            sensitive=True,
            code=code,
            minutes=max(1, settings.OTP_TTL_SECONDS // 60),
        )
    log.info("mobile_change_requested user=%s address=%s", user.pk, address)
    return MobileChange(
        mobile=new_mobile,
        code_hash=_change_code_hash(user, new_mobile, code),
        expires_at=time.time() + settings.OTP_TTL_SECONDS,
    )


def mobile_change_confirm(*, user: User, pending: MobileChange, code: str) -> User:
    """Check the code sent to the new number; then the account's number is the new one.

    Every try counts (in the cache, atomically; the caller keeps ``pending`` for the message);
    after the fifth the code is dead. On success,
    in one transaction: the number changes, every API token of the account is revoked (each
    was issued to the old number), an audit entry records the change (numbers masked) and the
    OLD number is told by SMS, so a takeover does not go unnoticed.
    """
    fail: str | None = None
    if not re.fullmatch(r"[0-9]{6}", code or ""):
        fail = msg.OTP_FORMAT
    elif time.time() >= pending.expires_at:
        fail = msg.OTP_EXPIRED
    else:
        # Every try is counted in the shared cache, atomically, before the code is compared:
        # the session's own count alone would let parallel requests each see "no try yet".
        tries_key = f"mobile-change-try:{user.pk}:{pending.code_hash[:16]}"
        over = ratelimit.hit(tries_key, limit=settings.OTP_MAX_ATTEMPTS, window=settings.OTP_TTL_SECONDS)
        if over or pending.attempts >= settings.OTP_MAX_ATTEMPTS:
            fail = msg.OTP_LOCKED
        elif not hmac.compare_digest(pending.code_hash, _change_code_hash(user, pending.mobile, code)):
            pending.attempts += 1
            fail = msg.OTP_LOCKED if pending.attempts >= settings.OTP_MAX_ATTEMPTS else msg.OTP_WRONG
    if fail:
        raise ApplicationError(fail, code="otp_invalid", fields={"code": [fail]})

    old = user.mobile
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if User.objects.filter(mobile=pending.mobile).exclude(pk=user.pk).exists():
                raise IntegrityError("mobile taken")
            locked.mobile = pending.mobile
            locked.save(update_fields=["mobile"])
            tokens, _ = AuthToken.objects.filter(user=locked).delete()
            audit_record(
                actor=locked,
                action="user_mobile_changed",
                obj=locked,
                data={
                    "from": f"{old[:4]}***{old[-2:]}",
                    "to": f"{pending.mobile[:4]}***{pending.mobile[-2:]}",
                    "tokens_revoked": tokens,
                },
            )
            # to the old number, which is no longer the account's (so no account on the row)
            notify(sms.MOBILE_CHANGED.key, to=old, municipality=None)
    except IntegrityError:
        raise ApplicationError(msg.MOBILE_TAKEN, code="mobile_taken", fields={"mobile": [msg.MOBILE_TAKEN]}) from None
    return locked
