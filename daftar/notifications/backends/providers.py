"""Iranian SMS providers (issue 20, point 8): thin clients on ``requests`` for Kavenegar and
SMS.ir, tried in the order of ``DAFTAR_SMS_PROVIDERS`` (``DAFTAR_SMS_BACKEND=providers``).

A one-time code (an outbox row of kind ``otp``) goes by the provider's template API when a
template is set: Kavenegar's ``verify/lookup`` (``template``, ``token``), SMS.ir's
``send/verify`` (``templateId``, ``parameters``); the code itself is taken from the message's
text in Latin digits (the text is in Persian digits, ``services.sms_text``). Every other
message is sent as plain text: Kavenegar's ``sms/send``, SMS.ir's ``send/bulk``.

Each provider is called once per message, with ``SMS_HTTP_TIMEOUT`` to connect and again to
read; the outbox's back-off is the retry. What a provider answers is classified:

- accepted: done, and the provider that delivered is logged (``sms_sent provider=…``) with the
  outbox row's reference;
- the provider failed (no connection, a time-out, a 5xx, an error status in the body for its
  account, key, line, credit or template): the next provider is tried; when all have failed,
  ``SmsError`` (temporary: the outbox tries again later);
- the recipient was refused (an invalid number): ``SmsRejected`` at once, no other provider
  is tried and the outbox does not retry (another provider would refuse it as well).

The shapes are those of the providers' documentation and official SDKs
(docs/decisions/0040-sms-providers-redis-replica.md); the recorded requests and answers are in
``daftar/notifications/tests/fixtures/sms/``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import requests
from django.conf import settings

from . import Sms, SmsError, SmsRejected

log = logging.getLogger(__name__)

OTP_KINDS = frozenset({"otp"})
# the code inside a one-time code's text: a run of 4 to 10 digits, Persian or Latin
_CODE = re.compile(r"(?<!\d)\d{4,10}(?!\d)")


class ProviderFailed(SmsError):
    """This provider could not take the message (down, or refused for its own account): the
    next provider is tried."""


def otp_code(text: str) -> str | None:
    """The one-time code in an SMS text, in Latin digits («رمز ورود شما ۰۸۶۰۳۲» -> "086032"):
    leading zeros kept. None when the text holds no code."""
    found = _CODE.search(text)
    if found is None:
        return None
    return "".join(str(unicodedata.digit(c)) for c in found.group())


class Provider(Protocol):
    name: ClassVar[str]

    def send(self, sms: Sms) -> None: ...


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _template_code(sms: Sms, template: object) -> str | None:
    """The code to send by the template API, or None to send the text as it is."""
    if sms.kind not in OTP_KINDS or not template:
        return None
    return otp_code(sms.text)


@dataclass
class Kavenegar:
    """``POST {url}/{API-KEY}/verify/lookup.json`` (``receptor``, ``template``, ``token``) or
    ``…/sms/send.json`` (``receptor``, ``message``, ``sender``), form-encoded as the official
    SDK sends them. The answer: ``{"return": {"status", "message"}, "entries": […]}``, status
    200 when accepted; the HTTP status carries the same code."""

    name: ClassVar[str] = "kavenegar"
    api_key: str
    sender: str = ""
    otp_template: str = ""
    url: str = "https://api.kavenegar.com/v1"
    timeout: float = 5.0

    # statuses that refuse the recipient, not this account: 411 receptor invalid
    RECIPIENT_REFUSED: ClassVar[frozenset[int]] = frozenset({411})

    def send(self, sms: Sms) -> None:
        code = _template_code(sms, self.otp_template)
        if code is not None:
            path = "verify/lookup.json"
            data = {"receptor": sms.to, "template": self.otp_template, "token": code}
        else:
            path = "sms/send.json"
            data = {"receptor": sms.to, "message": sms.text}
            if self.sender:
                data["sender"] = self.sender
        response = requests.post(
            f"{self.url.rstrip('/')}/{self.api_key}/{path}",
            data=data,
            headers={"Accept": "application/json"},
            timeout=(self.timeout, self.timeout),
        )
        answer = _json(response).get("return") or {}
        # Only Kavenegar's own answer says sent: a 200 page that is not its JSON (a captive
        # portal, a filter's page) is a failure, so the next provider is tried.
        status = answer.get("status")
        if status == 200 and response.ok:
            return
        if status is None:
            status = response.status_code if not response.ok else "without Kavenegar's answer"
        detail = f"{self.name} status {status}: {str(answer.get('message', response.text))[:200]}"
        if status in self.RECIPIENT_REFUSED:
            raise SmsRejected(detail)
        raise ProviderFailed(detail)


@dataclass
class SmsIr:
    """``POST {url}/send/verify`` (``mobile``, ``templateId``, ``parameters`` of ``name`` and
    ``value``) or ``{url}/send/bulk`` (``lineNumber``, ``messageText``, ``mobiles``), JSON with
    the key in ``X-API-KEY``. The answer: ``{"status", "message", "data"}``, status 1 when
    accepted (HTTP 200); an error answers another status, often with HTTP 4xx."""

    name: ClassVar[str] = "smsir"
    api_key: str
    line: str = ""
    otp_template_id: str = ""
    otp_parameter: str = "CODE"
    url: str = "https://api.sms.ir/v1"
    timeout: float = 5.0

    # statuses that refuse the recipient, not this account: 104 mobile number invalid
    RECIPIENT_REFUSED: ClassVar[frozenset[int]] = frozenset({104})

    def send(self, sms: Sms) -> None:
        code = _template_code(sms, self.otp_template_id)
        body: dict[str, Any]
        if code is not None:
            path = "send/verify"
            body = {
                "mobile": sms.to,
                "templateId": _number(self.otp_template_id),
                "parameters": [{"name": self.otp_parameter, "value": code}],
            }
        else:
            path = "send/bulk"
            body = {"lineNumber": _number(self.line), "messageText": sms.text, "mobiles": [sms.to]}
        response = requests.post(
            f"{self.url.rstrip('/')}/{path}",
            json=body,
            headers={"X-API-KEY": self.api_key, "Accept": "application/json"},
            timeout=(self.timeout, self.timeout),
        )
        answer = _json(response)
        status = answer.get("status")
        if status == 1 and response.ok:
            return
        if status is None:
            status = f"HTTP {response.status_code}"
        detail = f"{self.name} status {status}: {str(answer.get('message', response.text))[:200]}"
        if status in self.RECIPIENT_REFUSED:
            raise SmsRejected(detail)
        raise ProviderFailed(detail)


def _number(value: str) -> int | str:
    """SMS.ir's ids are numbers in its JSON; a setting is text."""
    return int(value) if value.isdigit() else value


def _setting(name: str) -> str:
    value = str(getattr(settings, name, "") or "")
    if not value:
        raise SmsError(f"DAFTAR_{name} is not set")
    return value


def build(name: str) -> Provider:
    """One provider from its settings (an unknown name or a missing key: ``SmsError``)."""
    timeout = float(settings.SMS_HTTP_TIMEOUT)
    if name == Kavenegar.name:
        return Kavenegar(
            api_key=_setting("KAVENEGAR_API_KEY"),
            sender=settings.KAVENEGAR_SENDER,
            otp_template=settings.KAVENEGAR_OTP_TEMPLATE,
            url=settings.KAVENEGAR_URL,
            timeout=timeout,
        )
    if name == SmsIr.name:
        return SmsIr(
            api_key=_setting("SMSIR_API_KEY"),
            line=_setting("SMSIR_LINE"),
            otp_template_id=settings.SMSIR_OTP_TEMPLATE_ID,
            otp_parameter=settings.SMSIR_OTP_PARAMETER,
            url=settings.SMSIR_URL,
            timeout=timeout,
        )
    raise SmsError(f"unknown SMS provider {name!r} in DAFTAR_SMS_PROVIDERS (kavenegar, smsir)")


@dataclass
class ProvidersBackend:
    """The providers in order of preference: the first that accepts the message delivers it."""

    providers: list[Provider]

    @classmethod
    def from_settings(cls) -> ProvidersBackend:
        names = [n.strip().lower() for n in settings.SMS_PROVIDERS if n.strip()]
        if not names:
            raise SmsError("DAFTAR_SMS_PROVIDERS is empty")
        return cls(providers=[build(n) for n in names])

    def send(self, sms: Sms) -> None:
        failures: list[str] = []
        for provider in self.providers:
            try:
                provider.send(sms)
            except SmsRejected as exc:
                log.error("sms_rejected provider=%s reference=%s error=%s", provider.name, sms.reference, exc)
                raise
            except (ProviderFailed, requests.RequestException) as exc:
                # A network error's text names the URL, and Kavenegar's URL holds the API key:
                # only the error's class goes to the logs and the outbox row.
                error = str(exc) if isinstance(exc, ProviderFailed) else type(exc).__name__
                failures.append(f"{provider.name}: {type(exc).__name__}: {error}"[:300])
                log.warning(
                    "sms_provider_failed provider=%s reference=%s error=%s", provider.name, sms.reference, error
                )
                continue
            log.info("sms_sent provider=%s reference=%s kind=%s", provider.name, sms.reference, sms.kind)
            return
        raise SmsError("; ".join(failures) or "no SMS provider")


def worst_send_seconds() -> float:
    """The longest one message can take: each provider once, to connect and to read."""
    names = [n for n in settings.SMS_PROVIDERS if n.strip()]
    return max(1, len(names)) * 2 * float(settings.SMS_HTTP_TIMEOUT)
