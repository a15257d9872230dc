"""Per-address limits of the login (S15.3; decision 0028): a crowd is slowed, never locked out.

Iranian mobile users sit behind carrier-grade NAT, so one address can be a thousand honest
people at a call's opening. For each address group (an IPv4 address or an IPv6 /64,
``ratelimit.address_group``) two sliding hours are counted in the shared cache:

- code requests that passed the captcha (``OTP_CHALLENGE_AFTER`` of them need nothing more);
- requests whose captcha was wrong, counted apart so that they never spend the honest budget
  (``OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER`` of them need nothing more);
- captchas minted (``CAPTCHA_CHALLENGE_AFTER``; only ``CAPTCHA_PER_ADDRESS_CEILING`` refuses).

Past either figure each request must also carry a solved proof of work (``proof_of_work.py``)
whose level grows with the pressure, up to ``POW_MAX_LEVEL``: it costs an honest browser a
second or a few, and a client cycling numbers without solving it is refused at once, before
its captcha is even looked at. Only ``OTP_PER_ADDRESS_CEILING`` requests in a sliding hour,
far above any crowd we expect, answer ``429``. The same limits serve the API and the page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.normalize import wait_text
from daftar.runtime import ratelimit

from . import messages as msg
from .proof_of_work import new_challenge, solution_level

HOUR = 3600
# Past the threshold the level rises by one for each further LEVEL_STEP thresholds' worth.
LEVEL_STEP = 4


def challenge_level(address: str) -> int:
    """The proof-of-work level the next code request from ``address`` needs (0: none): code
    requests that passed the captcha, wrong captchas and captchas minted each raise it past
    their own threshold."""
    passed_key, failed_key = ratelimit.login_keys(address)
    pressures = (
        (ratelimit.sliding_count(passed_key, window=HOUR), settings.OTP_CHALLENGE_AFTER),
        (ratelimit.sliding_count(failed_key, window=HOUR), settings.OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER),
        (ratelimit.sliding_count(_captcha_key(address, "mint"), window=HOUR), settings.CAPTCHA_CHALLENGE_AFTER),
    )
    busy = [(count, after) for count, after in pressures if count >= after]
    if not busy:
        return 0
    level = 1 + sum(int((count - after) // (max(1, after) * LEVEL_STEP)) for count, after in busy)
    return min(level, settings.POW_MAX_LEVEL)


def challenge_for(address: str) -> dict[str, Any] | None:
    """A challenge to solve before the next code request from ``address``, when it needs one."""
    level = challenge_level(address)
    return new_challenge(level) if level else None


class ChallengeRequired(ApplicationError):
    """The address is busy: the request must carry a solved proof of work (``challenge``)."""

    def __init__(self, challenge: dict[str, Any]):
        super().__init__(
            msg.CHALLENGE_REQUIRED,
            code="challenge_required",
            fields={"pow_solution": [msg.CHALLENGE_REQUIRED]},
            extra={"challenge": challenge},
        )
        self.challenge = challenge


def admit_code_request(address: str, pow_solution: str) -> None:
    """Before the captcha is checked: the ceiling (``ThrottledError``), then, for a busy
    address, the proof of work (``ChallengeRequired`` with a fresh challenge)."""
    passed_key, _failed_key = ratelimit.login_keys(address)
    wait = ratelimit.sliding_wait(passed_key, limit=settings.OTP_PER_ADDRESS_CEILING, window=HOUR)
    if wait:
        raise ThrottledError(msg.OTP_ADDRESS_CAP.format(wait=wait_text(wait)), retry_after=wait)
    level = challenge_level(address)
    if level and solution_level(pow_solution) < max(1, level - 1):  # one level of grace: the
        raise ChallengeRequired(new_challenge(level))  # address may have got busier meanwhile


def count_captcha_failure(address: str) -> None:
    ratelimit.sliding_add(ratelimit.login_keys(address)[1], window=HOUR)


def count_code_request(address: str) -> None:
    ratelimit.sliding_add(ratelimit.login_keys(address)[0], window=HOUR)


def verify_throttle(address: str) -> None:
    """Code checks per address group: a sliding hour of ``OTP_VERIFY_PER_ADDRESS_HOURLY``, of
    the checks that carry no request id of a live code (the caller spares those: five tries a
    code bound them). A refused check is not counted: however long a flood lasts, the address
    frees up as the checks admitted an hour ago slide out, and the flood gets only its share."""
    key = f"otp:verify:{ratelimit.address_group(address)}"
    wait = ratelimit.sliding_wait(key, limit=settings.OTP_VERIFY_PER_ADDRESS_HOURLY, window=HOUR)
    if wait:
        raise ThrottledError(msg.OTP_ADDRESS_CAP.format(wait=wait_text(wait)), retry_after=wait)
    ratelimit.sliding_add(key, window=HOUR)


def _captcha_key(address: str, kind: str) -> str:
    return f"captcha:{kind}:{ratelimit.address_group(address)}"


def captcha_throttle(address: str, kind: str) -> None:
    """Captchas minted (``kind="mint"``) or drawn (``"render"``) per address group, sliding hour.
    Minting is refused only past ``CAPTCHA_PER_ADDRESS_CEILING``; before that a busy address's
    mints raise the proof of work its code requests need (``challenge_level``), so a client that
    mints without end slows its neighbours down but cannot shut them out. Refusals are not
    counted."""
    limit = settings.CAPTCHA_PER_ADDRESS_CEILING if kind == "mint" else settings.CAPTCHA_RENDERS_PER_ADDRESS_HOURLY
    key = _captcha_key(address, kind)
    wait = ratelimit.sliding_wait(key, limit=limit, window=HOUR)
    if wait:
        raise ThrottledError(msg.CAPTCHA_THROTTLED.format(wait=wait_text(wait)), retry_after=wait)
    ratelimit.sliding_add(key, window=HOUR)
