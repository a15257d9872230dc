"""Writes of the accounts app: one-time codes, login, profile, roles.

Each function runs in a transaction and records an audit entry for every decision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.municipalities.models import Municipality
from daftar.notifications.services import outbox_enqueue
from daftar.runtime import ratelimit

from . import login_limits
from . import messages as msg
from .authentication import remember_new_token
from .captcha import captcha_check
from .constants import PersonType, Role
from .models import OneTimeCode, RoleAssignment, User

log = logging.getLogger(__name__)


def _code_hash(mobile: str, code: str) -> str:
    key = hashlib.sha256(b"otp:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class OtpIssued:
    expires_in: int
    resend_after: int


def otp_request(
    *,
    mobile: str,
    captcha_key: str,
    captcha_value: str,
    address: str,
    person_type: str = PersonType.NATURAL,
    nationality: str = "IR",
    pow_solution: str = "",
) -> OtpIssued:
    """Send a 6-digit login code to ``mobile`` (already normalised).

    The answer is the same whether or not the number has an account: no account is read here.
    Throttles (all in the shared cache): per address group (``login_limits``: a proof of work
    past a threshold, a far ceiling; wrong captchas counted apart), a resend gap per number and
    an hourly cap per number, each a ``ThrottledError`` with the seconds to wait.
    """
    login_limits.admit_code_request(address, pow_solution)
    if not captcha_check(captcha_key, captcha_value):
        login_limits.count_captcha_failure(address)
        raise ApplicationError(msg.CAPTCHA_WRONG, code="captcha_invalid", fields={"captcha_value": [msg.CAPTCHA_WRONG]})
    login_limits.count_code_request(address)

    now = time.time()
    wait = ratelimit.gap(f"otp:{mobile}", seconds=settings.OTP_RESEND_SECONDS, now=now)
    if wait:
        raise ThrottledError(msg.OTP_RESEND_WAIT.format(seconds=wait), retry_after=wait, code="otp_resend_wait")
    created = timezone.now()
    wait = _hourly_cap_wait(mobile, created)
    if wait:
        raise ThrottledError(msg.OTP_HOURLY_CAP.format(seconds=wait), retry_after=wait, code="otp_hourly_cap")

    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        OneTimeCode.objects.create(
            mobile=mobile,
            code_hash=_code_hash(mobile, code),
            person_type=person_type,
            nationality=nationality,
            created_at=created,
            expires_at=created + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
            address=address if _is_ip(address) else None,
        )
        outbox_enqueue(
            to=mobile,
            text=msg.OTP_SMS_TEXT.format(code=code, minutes=max(1, settings.OTP_TTL_SECONDS // 60)),
            kind="otp",
            sensitive=True,
        )
    log.info("otp_requested mobile=%s***", mobile[:4])
    return OtpIssued(expires_in=settings.OTP_TTL_SECONDS, resend_after=settings.OTP_RESEND_SECONDS)


def _hourly_cap_wait(mobile: str, now: dt.datetime) -> int | None:
    """A sliding hour: at most OTP_HOURLY_CAP codes for one number in any 60 minutes.

    Counted from the codes themselves, so it holds across processes and restarts; requests for
    one number cannot race here because the resend gap (an atomic cache ``add``) lets one
    through per minute.
    """
    window_start = now - dt.timedelta(hours=1)
    recent = list(
        OneTimeCode.objects.filter(mobile=mobile, created_at__gt=window_start)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.OTP_HOURLY_CAP]
    )
    if len(recent) < settings.OTP_HOURLY_CAP:
        return None
    oldest_counted = recent[-1]
    return max(1, math.ceil((oldest_counted + dt.timedelta(hours=1) - now).total_seconds()))


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def otp_verify(*, mobile: str, code: str, address: str, channel: str) -> User:
    """Check ``code`` against the latest code sent to ``mobile``; return the (new) user.

    A wrong code counts an attempt (committed even though the call fails); the fifth wrong
    try kills the code. The right code is used once. The user is created on first login with
    the person type and nationality chosen at the request (S15.2).
    """
    login_limits.verify_throttle(address)
    if not re.fullmatch(r"[0-9]{6}", code or ""):
        raise ApplicationError(msg.OTP_FORMAT, code="otp_invalid", fields={"code": [msg.OTP_FORMAT]})

    failure: tuple[str, str] | None = None
    with transaction.atomic():
        otp = OneTimeCode.objects.select_for_update().filter(mobile=mobile).order_by("-created_at", "-id").first()
        now = timezone.now()
        if otp is None:
            failure = (msg.OTP_WRONG, "otp_invalid")
        elif otp.used_at is not None:
            failure = (msg.OTP_USED, "otp_used")
        elif otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            failure = (msg.OTP_LOCKED, "otp_locked")
        elif now >= otp.expires_at:
            failure = (msg.OTP_EXPIRED, "otp_expired")
        elif not hmac.compare_digest(otp.code_hash, _code_hash(mobile, code)):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            locked = otp.attempts >= settings.OTP_MAX_ATTEMPTS
            failure = (msg.OTP_LOCKED, "otp_locked") if locked else (msg.OTP_WRONG, "otp_invalid")
        else:
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
                failure = (msg.OTP_WRONG, "otp_invalid")
            else:
                user.last_login = now
                user.save(update_fields=["last_login"])
                audit_record(actor=user, action="user_logged_in", obj=user, data={"channel": channel})
                return user
    assert failure is not None
    raise ApplicationError(failure[0], code=failure[1], fields={"code": [failure[0]]})


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


def user_update_profile(*, user: User, actor: User, data: dict[str, Any]) -> User:
    """Change profile fields (already validated by the caller's serializer or form).

    Cross-field rules live here so both front doors share them: a national code only for
    Iranian natural persons, a national ID only for legal persons; both unique.
    """
    changes = {k: v for k, v in data.items() if k in PROFILE_FIELDS and getattr(user, k) != v}
    if not changes:
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
    for field, message in (("national_code", msg.NATIONAL_CODE_TAKEN), ("national_id", msg.NATIONAL_ID_TAKEN)):
        value = changes.get(field)
        if value and User.objects.filter(**{field: value}).exclude(pk=user.pk).exists():
            raise ApplicationError(message, code="conflict", status=409, fields={field: [message]})
    try:
        with transaction.atomic():
            for key, value in changes.items():
                setattr(user, key, value)
            user.save(update_fields=list(changes))
            audit_record(actor=actor, action="user_profile_updated", obj=user, data={"fields": sorted(changes)})
    except IntegrityError as exc:  # a concurrent writer took the same identifier
        raise ApplicationError(msg.NATIONAL_CODE_TAKEN, code="conflict", status=409) from exc
    return user


def role_grant(*, user: User, role: str, municipality: Municipality, actor: User | None) -> RoleAssignment:
    """Grant ``role`` in ``municipality`` (idempotent: granting twice returns the same row)."""
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
    return assignment


def role_revoke(*, assignment: RoleAssignment, actor: User | None) -> None:
    with transaction.atomic():
        municipality = assignment.municipality
        data = {"user": assignment.user_id, "role": assignment.role}
        audit_record(actor=actor, action="role_revoked", obj=assignment, municipality=municipality, data=data)
        assignment.delete()


def user_get_or_create(*, mobile: str, actor: User | None = None) -> tuple[User, bool]:
    with transaction.atomic():
        user, created = User.objects.get_or_create(mobile=mobile)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
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
        raise ThrottledError(msg.OTP_RESEND_WAIT.format(seconds=wait), retry_after=wait, code="otp_resend_wait")
    wait = ratelimit.hit(f"mobile-change:{user.pk}", limit=settings.OTP_HOURLY_CAP, window=3600)
    if wait:
        raise ThrottledError(msg.MOBILE_CHANGE_CAP.format(seconds=wait), retry_after=wait)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        outbox_enqueue(
            to=new_mobile,
            text=msg.MOBILE_CHANGE_SMS.format(code=code, minutes=max(1, settings.OTP_TTL_SECONDS // 60)),
            kind="otp",
            sensitive=True,
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
            outbox_enqueue(to=old, text=msg.MOBILE_CHANGED_SMS, kind="security")
    except IntegrityError:
        raise ApplicationError(msg.MOBILE_TAKEN, code="mobile_taken", fields={"mobile": [msg.MOBILE_TAKEN]}) from None
    return locked
