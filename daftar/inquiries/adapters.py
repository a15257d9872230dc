"""Talking to the outside bodies that answer inquiries (identity, courts, health, ministry).

An adapter answers one question about one person: it returns an ``Outcome`` (the body
answered, yes or no) or raises ``InquiryUnavailable`` (it did not answer: try later). Nothing
else may escape, so that the caller can tell "the applicant failed" from "the body was down".
``settings.INQUIRY_BACKEND`` picks the simulator (demo, tests) or the HTTP gateway.

The mobile-ownership inquiry (S15.3, the national «شاهکار» check: is this mobile number
registered to this national code?) is the same kind of question with its own method,
``mobile_owner``, and its own choice of backend (``settings.OWNERSHIP_BACKEND``,
``get_ownership_adapter``): only the number and the code are sent, nothing else of the person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from daftar.kernel.validators import national_code_is_valid

from . import messages as msg

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    national_code: str
    birth_date: dt.date | None
    first_name: str
    last_name: str
    degree_level: str | None
    degree_field: str | None


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str  # Persian, shown to staff and the applicant
    reference: str  # the body's tracking number of its answer


class InquiryUnavailable(Exception):
    """The body gave no usable answer (timeout, connection error, 5xx, bad reply): retry later."""


class Adapter(Protocol):
    def check(self, kind: str, person: Person, *, timeout: float) -> Outcome: ...


class OwnershipAdapter(Protocol):
    def mobile_owner(self, mobile: str, national_code: str, *, timeout: float) -> Outcome: ...


# The kind of the mobile-ownership inquiry: its gateway path, breaker and audit name. It is not a
# ``models.Kind``: it is asked of a person's profile, not of a case.
MOBILE_OWNER = "mobile_owner"


class SimulatorAdapter:
    """A deterministic stand-in for the outside bodies, keyed on the national code.

    Every valid national code passes, except by its first three digits: 999 fails
    criminal_record, 998 addiction, 997 health, 996 degree. Identity also fails without a birth
    date, and every kind fails for an invalid code. Fault injection: with 990 the first
    ``FLAKY_FAILURES`` calls for each (code, kind) time out, then it answers. That counter is
    in Django's cache (Redis in production) so that retries on other workers see it.

    Mobile ownership (``mobile_owner``): every number is registered to every valid national
    code, so the demo's and the tests' people pass as they are, except numbers beginning
    ``0999``, which are registered to nobody's code (the squatter of the tests and the demo).
    An invalid code fails; with a code beginning 990 the first ``FLAKY_FAILURES`` calls for each
    (number, code) time out, then it answers (the outage of the tests and the demo).
    """

    UNREGISTERED_MOBILE_PREFIX = "0999"

    FAIL_PREFIXES = {"999": "criminal_record", "998": "addiction", "997": "health", "996": "degree"}
    FLAKY_PREFIX = "990"
    FLAKY_FAILURES = 2
    FLAKY_MEMORY = 24 * 3600  # seconds the call counter is kept

    def check(self, kind: str, person: Person, *, timeout: float) -> Outcome:
        code = person.national_code
        reference = f"SIM-{kind}-{hashlib.sha256(code.encode()).hexdigest()[:10]}"
        if code.startswith(self.FLAKY_PREFIX) and self._flaky_call(kind, code) <= self.FLAKY_FAILURES:
            raise InquiryUnavailable(f"simulated timeout after {timeout}s")
        if not national_code_is_valid(code):
            return Outcome(False, msg.SIM_BAD_CODE, reference)
        if kind == "identity" and person.birth_date is None:
            return Outcome(False, msg.SIM_NO_BIRTH_DATE, reference)
        if self.FAIL_PREFIXES.get(code[:3]) == kind:
            return Outcome(False, msg.SIM_FAILED[kind], reference)
        return Outcome(True, msg.SIM_PASSED, reference)

    def mobile_owner(self, mobile: str, national_code: str, *, timeout: float) -> Outcome:
        pair = f"{mobile}:{national_code}"
        reference = f"SIM-{MOBILE_OWNER}-{hashlib.sha256(pair.encode()).hexdigest()[:10]}"
        if national_code.startswith(self.FLAKY_PREFIX) and self._flaky_call(MOBILE_OWNER, pair) <= self.FLAKY_FAILURES:
            raise InquiryUnavailable(f"simulated timeout after {timeout}s")
        if not national_code_is_valid(national_code):
            return Outcome(False, msg.SIM_BAD_CODE, reference)
        if mobile.startswith(self.UNREGISTERED_MOBILE_PREFIX):
            return Outcome(False, msg.SIM_NOT_OWNER, reference)
        return Outcome(True, msg.SIM_OWNER, reference)

    def _flaky_call(self, kind: str, code: str) -> int:
        """Count this call for (code, kind); ``add`` then ``incr`` is atomic on Redis."""
        key = f"inquiry-sim:{kind}:{code}"
        cache.add(key, 0, self.FLAKY_MEMORY)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.FLAKY_MEMORY)
            return 1


class HttpAdapter:
    """A JSON gateway: ``POST {INQUIRY_HTTP_URL}/{kind}`` with the person, Bearer key; for the
    mobile ownership ``POST {OWNERSHIP_HTTP_URL}/mobile_owner`` with ``{"mobile", "national_code"}``.

    A 2xx answer is ``{"passed": bool, "reason": str, "reference": str}``. Everything else is
    "unavailable", including 4xx: it means our request is wrong, which is not the applicant's
    fault, so it must not fail them; it is logged at error level for us to fix.
    """

    def __init__(self, url: str, key: str) -> None:
        if not url:
            raise ImproperlyConfigured("INQUIRY_HTTP_URL is required when INQUIRY_BACKEND is 'http'.")
        self.url = url.rstrip("/")
        self.key = key

    def check(self, kind: str, person: Person, *, timeout: float) -> Outcome:
        body: dict[str, Any] = asdict(person)
        body["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
        return self._post(kind, body, timeout=timeout)

    def mobile_owner(self, mobile: str, national_code: str, *, timeout: float) -> Outcome:
        return self._post(MOBILE_OWNER, {"mobile": mobile, "national_code": national_code}, timeout=timeout)

    def _post(self, kind: str, body: dict[str, Any], *, timeout: float) -> Outcome:
        try:
            response = requests.post(
                f"{self.url}/{kind}",
                json=body,
                headers={"Authorization": f"Bearer {self.key}"},
                timeout=timeout,
            )
        except requests.RequestException as exc:  # timeouts and connection errors
            raise InquiryUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if 400 <= response.status_code < 500:
            log.error("inquiry_rejected kind=%s status=%s body=%.300s", kind, response.status_code, response.text)
            raise InquiryUnavailable(f"HTTP {response.status_code} (request refused)")
        if not 200 <= response.status_code < 300:
            raise InquiryUnavailable(f"HTTP {response.status_code}")
        try:
            data = response.json()
            passed, reason, reference = data["passed"], data["reason"], data["reference"]
        except (ValueError, TypeError, KeyError) as exc:
            log.error("inquiry_bad_reply kind=%s body=%.300s", kind, response.text)
            raise InquiryUnavailable("malformed reply") from exc
        if not (isinstance(passed, bool) and isinstance(reason, str) and isinstance(reference, str)):
            log.error("inquiry_bad_reply kind=%s body=%.300s", kind, response.text)
            raise InquiryUnavailable("malformed reply")
        return Outcome(passed, reason, reference)


def get_adapter() -> Adapter:
    """The adapter named by ``settings.INQUIRY_BACKEND``, read on every call so tests can switch."""
    backend = settings.INQUIRY_BACKEND
    if backend == "simulator":
        return SimulatorAdapter()
    if backend == "http":
        return HttpAdapter(settings.INQUIRY_HTTP_URL, settings.INQUIRY_HTTP_KEY)
    raise ImproperlyConfigured(f"Unknown INQUIRY_BACKEND {backend!r} (use 'simulator' or 'http').")


def get_ownership_adapter() -> OwnershipAdapter:
    """The adapter named by ``settings.OWNERSHIP_BACKEND`` (by default the same as the other
    inquiries'), read on every call so tests can switch."""
    backend = settings.OWNERSHIP_BACKEND
    if backend == "simulator":
        return SimulatorAdapter()
    if backend == "http":
        if not settings.OWNERSHIP_HTTP_URL:
            raise ImproperlyConfigured("OWNERSHIP_HTTP_URL is required when OWNERSHIP_BACKEND is 'http'.")
        return HttpAdapter(settings.OWNERSHIP_HTTP_URL, settings.OWNERSHIP_HTTP_KEY)
    raise ImproperlyConfigured(f"Unknown OWNERSHIP_BACKEND {backend!r} (use 'simulator' or 'http').")
