"""The mobile-ownership inquiry (S15.3): is this mobile number registered to this national code?

Asked while the person waits on their profile (``daftar.accounts.services.user_update_profile``
asks through ``MobileOwnershipAsked``), so unlike a case's inquiries it is not queued: one call
with ``OWNERSHIP_TIMEOUT``, through its own circuit breaker (``inquiry:mobile_owner``), so that
during an outage nobody waits out the time-out. No answer is "try later" for the caller, never
a refusal: a body that is down must not decide who owns a code.
"""

from __future__ import annotations

import logging

from django.conf import settings

from daftar.accounts.events import MobileOwnership, MobileOwnershipAsked

from .adapters import MOBILE_OWNER, InquiryUnavailable, get_ownership_adapter
from .breaker import Breaker

log = logging.getLogger(__name__)


def _breaker() -> Breaker:
    return Breaker(f"inquiry:{MOBILE_OWNER}")


def mobile_owner_check(*, mobile: str, national_code: str) -> MobileOwnership:
    """Ask the body now whether ``mobile`` is registered to ``national_code``.

    Any failure to answer (time-out, connection error, a malformed reply, a bug in the adapter)
    counts on the breaker and is answered ``answered=False`` with a wait; while the circuit is
    open the body is not asked at all.
    """
    breaker = _breaker()
    if not breaker.allow():
        log.warning("mobile_owner_circuit_open mobile=%s***", mobile[:4])
        return MobileOwnership(answered=False, retry_after=breaker.retry_after())
    try:
        outcome = get_ownership_adapter().mobile_owner(mobile, national_code, timeout=settings.OWNERSHIP_TIMEOUT)
    except InquiryUnavailable as exc:
        breaker.failure()
        log.warning("mobile_owner_unavailable mobile=%s*** error=%s", mobile[:4], exc)
        return MobileOwnership(answered=False, retry_after=int(settings.INQUIRY_BREAKER_COOLDOWN))
    except Exception:
        breaker.failure()
        log.exception("mobile_owner_adapter_crashed mobile=%s***", mobile[:4])
        return MobileOwnership(answered=False, retry_after=int(settings.INQUIRY_BREAKER_COOLDOWN))
    breaker.success()
    log.info("mobile_owner_answered mobile=%s*** owner=%s ref=%s", mobile[:4], outcome.passed, outcome.reference)
    return MobileOwnership(answered=True, owner=outcome.passed, reference=outcome.reference[:64])


def answer(event: MobileOwnershipAsked) -> MobileOwnership:
    """The handler of ``MobileOwnershipAsked`` (registered in ``InquiriesConfig.ready``)."""
    return mobile_owner_check(mobile=event.mobile, national_code=event.national_code)
