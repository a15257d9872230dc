"""Talking to the national licensing portal (S4, decision 0044; the contract is docs/portal.md).

An adapter does two things: it *delivers* one outbound message (a case's status or decision, a
licence to register) and answers the portal's reply as a dict (for a licence,
``{"national_id": "<16 digits>"}``); and it lists the *applications* filed on the portal for
daftar. It raises ``PortalUnavailable`` when the portal gave no usable answer (timeout,
connection error, 5xx, a refused request, a malformed reply): the outbox tries again later, so
nothing is lost while the portal is down. ``settings.PORTAL_BACKEND`` picks the simulator
(development, tests, the demo) or the HTTP client, like the inquiries' adapters.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from daftar.kernel.validators import national_code_is_valid

log = logging.getLogger(__name__)

# the path of each outbound kind under the portal's base address (docs/portal.md)
PATHS = {
    "status_changed": "cases/status",
    "decision": "cases/decision",
    "licence_issued": "licences",
    "register_licence": "licences",
}
LICENCE_KINDS = frozenset({"licence_issued", "register_licence"})


class PortalUnavailable(Exception):
    """No usable answer; ``code`` says which kind (the staff page words it in Persian)."""

    def __init__(self, detail: str, code: str = "unavailable") -> None:
        super().__init__(detail)
        self.code = code


class Adapter(Protocol):
    def deliver(self, kind: str, payload: dict[str, Any], *, timeout: float) -> dict[str, Any]: ...

    def applications(self, *, timeout: float) -> list[dict[str, Any]]: ...


def national_id_for(number: str) -> str:
    """The simulator's national id of a licence: 16 digits derived from its number (stable, so
    a second registration of the same licence answers the same id, as the portal does)."""
    digest = int(hashlib.sha256(f"portal:{number}".encode()).hexdigest(), 16)
    return f"1{digest % 10**15:015d}"


def _national_code(seed: str) -> str:
    """A valid national code (Iranian check digit) from nine digits."""
    body = seed[:9].rjust(9, "0")
    total = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    check = total if total < 2 else 11 - total
    code = f"{body}{check}"
    assert national_code_is_valid(code)
    return code


# The applications the simulated portal has for daftar: two filed in Tehran for the demo's
# licence type, by people who have no account here yet (docs/portal.md «Simulator»).
SIMULATED_APPLICATIONS: tuple[dict[str, Any], ...] = tuple(
    {
        "reference": f"NLP-1405-{n:08d}",
        "municipality": "tehran",
        "licence_type": "e-city-office",
        "district": n,
        "applicant": {
            "mobile": f"0912777000{n}",
            "national_code": _national_code(f"00777000{n}"),
            "first_name": first,
            "last_name": last,
        },
        "facts": {
            "has_criminal_record": False,
            "has_addiction_certificate": True,
            "health_certified": True,
            "government_employee": False,
            "represents_other_office": False,
            "degree_level": "bachelor",
            "degree_field": "urban_planning",
            "experience_years": 3,
            "training_completed": True,
            "premises_area_m2": 60,
            "premises_use": "commercial",
            "equipment": ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"],
        },
        "filed_at": "2026-11-20T09:30:00+03:30",
    }
    for n, first, last in ((1, "نرگس", "کاظمی"), (2, "حامد", "رضایی"))
)


class SimulatorAdapter:
    """The portal played in process. It accepts every well-formed message, answers a licence
    with ``national_id_for(number)``, and lists ``SIMULATED_APPLICATIONS`` plus whatever
    ``simulator_file`` added. Fault injection: while ``simulator_down(True)`` (a flag in
    Django's cache, so every worker sees it) every call raises ``PortalUnavailable``."""

    DOWN_KEY = "portal-sim:down"
    FILED_KEY = "portal-sim:filed"
    SENT_KEY = "portal-sim:sent"

    def deliver(self, kind: str, payload: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        self._check_up(timeout)
        if kind not in PATHS:
            raise PortalUnavailable(f"unknown kind {kind!r}", code="rejected")
        sent = cache.get(self.SENT_KEY) or []
        cache.set(self.SENT_KEY, [*sent[-99:], {"kind": kind, "payload": payload}], None)
        if kind in LICENCE_KINDS:
            number = payload.get("number")
            if not isinstance(number, str) or not number:
                raise PortalUnavailable("licence without a number", code="rejected")
            return {"national_id": national_id_for(number)}
        return {"accepted": True}

    def applications(self, *, timeout: float) -> list[dict[str, Any]]:
        self._check_up(timeout)
        return [*SIMULATED_APPLICATIONS, *(cache.get(self.FILED_KEY) or [])]

    def _check_up(self, timeout: float) -> None:
        if cache.get(self.DOWN_KEY):
            raise PortalUnavailable(f"simulated timeout after {timeout}s", code="timeout")


def simulator_down(down: bool) -> None:
    """Take the simulated portal down (True) or bring it back (False)."""
    if down:
        cache.set(SimulatorAdapter.DOWN_KEY, True, None)
    else:
        cache.delete(SimulatorAdapter.DOWN_KEY)


def simulator_file(application: dict[str, Any]) -> None:
    """File one more application on the simulated portal."""
    filed = cache.get(SimulatorAdapter.FILED_KEY) or []
    cache.set(SimulatorAdapter.FILED_KEY, [*filed, application], None)


def simulator_sent() -> list[dict[str, Any]]:
    """What the simulated portal received (the last hundred messages), oldest first."""
    return list(cache.get(SimulatorAdapter.SENT_KEY) or [])


class HttpAdapter:
    """JSON over HTTPS: ``POST {PORTAL_HTTP_URL}/{path}`` per kind, ``GET …/applications``, with
    ``Authorization: Bearer {PORTAL_HTTP_KEY}`` (docs/portal.md). A 2xx answer is a JSON object;
    for a licence it carries ``national_id`` (16 digits). Anything else is unavailable,
    including 4xx (our request is wrong: logged at error level for us to fix, and kept for a
    retry once it is)."""

    def __init__(self, url: str, key: str) -> None:
        if not url:
            raise ImproperlyConfigured("PORTAL_HTTP_URL is required when PORTAL_BACKEND is 'http'.")
        self.url = url.rstrip("/")
        self.key = key

    def deliver(self, kind: str, payload: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        if kind not in PATHS:
            raise PortalUnavailable(f"unknown kind {kind!r}", code="rejected")
        data = self._call("post", PATHS[kind], timeout=timeout, json={"kind": kind, **payload})
        if kind in LICENCE_KINDS:
            national_id = data.get("national_id")
            if not (isinstance(national_id, str) and re.fullmatch(r"[0-9]{16}", national_id)):
                raise self._malformed(kind, data)
        return data

    def applications(self, *, timeout: float) -> list[dict[str, Any]]:
        data = self._call("get", "applications", timeout=timeout)
        rows = data.get("applications")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise self._malformed("applications", data)
        return rows

    def _call(self, method: str, path: str, *, timeout: float, **kwargs: Any) -> dict[str, Any]:
        try:
            response = requests.request(
                method,
                f"{self.url}/{path}",
                headers={"Authorization": f"Bearer {self.key}", "Accept": "application/json"},
                timeout=timeout,
                **kwargs,
            )
        except requests.Timeout as exc:
            raise PortalUnavailable(f"{type(exc).__name__}: {exc}", code="timeout") from exc
        except requests.RequestException as exc:  # connection refused, DNS, TLS
            raise PortalUnavailable(f"{type(exc).__name__}: {exc}", code="connection") from exc
        if 400 <= response.status_code < 500:
            log.error("portal_rejected path=%s status=%s body=%.300s", path, response.status_code, response.text)
            raise PortalUnavailable(f"HTTP {response.status_code} (request refused)", code="rejected")
        if not 200 <= response.status_code < 300:
            raise PortalUnavailable(f"HTTP {response.status_code}", code="server_error")
        try:
            data = response.json()
        except ValueError as exc:
            log.error("portal_bad_reply path=%s body=%.300s", path, response.text)
            raise PortalUnavailable("malformed reply", code="bad_reply") from exc
        if not isinstance(data, dict):
            raise self._malformed(path, data)
        return data

    @staticmethod
    def _malformed(what: str, data: Any) -> PortalUnavailable:
        log.error("portal_bad_reply what=%s body=%.300s", what, data)
        return PortalUnavailable("malformed reply", code="bad_reply")


def get_adapter() -> Adapter:
    """The adapter named by ``settings.PORTAL_BACKEND``, read on every call so tests can switch."""
    backend = settings.PORTAL_BACKEND
    if backend == "simulator":
        return SimulatorAdapter()
    if backend == "http":
        return HttpAdapter(settings.PORTAL_HTTP_URL, settings.PORTAL_HTTP_KEY)
    raise ImproperlyConfigured(f"Unknown PORTAL_BACKEND {backend!r} (use 'simulator' or 'http').")
