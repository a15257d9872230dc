"""HTTP SMS gateway backend.

Protocol (the common shape of Iranian bulk-SMS web services, kept generic): ``POST`` to
``DAFTAR_SMS_HTTP_URL`` with ``Authorization: Bearer <DAFTAR_SMS_HTTP_KEY>`` and the JSON body
``{"to", "text", "sender", "reference"}``. A 2xx answer means accepted. 5xx, 429, time-outs
and connection errors are temporary (retried here a few times, then by the outbox); other 4xx
answers are a permanent refusal. ``reference`` is the outbox row's UUID, so a gateway that
deduplicates on it never delivers a retried message twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from django.conf import settings

from daftar.notifications.backends import Sms, SmsError, SmsRejected


@dataclass
class HttpGatewayBackend:
    url: str
    key: str
    sender: str = ""
    timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.5

    @classmethod
    def from_settings(cls) -> HttpGatewayBackend:
        if not settings.SMS_HTTP_URL:
            raise SmsError("DAFTAR_SMS_HTTP_URL is not set")
        return cls(
            url=settings.SMS_HTTP_URL,
            key=settings.SMS_HTTP_KEY,
            sender=settings.SMS_HTTP_SENDER,
            timeout=settings.SMS_HTTP_TIMEOUT,
            retries=settings.SMS_HTTP_RETRIES,
        )

    def send(self, sms: Sms) -> None:
        body = {"to": sms.to, "text": sms.text, "sender": self.sender, "reference": sms.reference}
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        last_error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                response = requests.post(self.url, json=body, headers=headers, timeout=(self.timeout, self.timeout))
            except requests.RequestException as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                continue
            if 200 <= response.status_code < 300:
                return
            if response.status_code == 429 or response.status_code >= 500:
                last_error = f"HTTP {response.status_code}"
                continue
            raise SmsRejected(f"HTTP {response.status_code}: {response.text[:200]}")
        raise SmsError(last_error or "gateway unavailable")
