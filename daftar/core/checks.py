"""Deployment checks: development-only conveniences must be off in production (API.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def development_backends_off(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    errors: list[Error | Warning] = []
    if settings.DEBUG:
        return errors
    if settings.SMS_BACKEND in {"console", "file", "locmem"}:
        errors.append(
            Error(
                f"SMS backend '{settings.SMS_BACKEND}' does not send real messages.",
                hint="Set DAFTAR_SMS_BACKEND=http and the gateway settings in production.",
                id="daftar.E001",
            )
        )
    if settings.CAPTCHA_TEST_MODE:
        errors.append(
            Error(
                "Captcha test mode accepts a fixed answer.",
                hint="Unset DAFTAR_CAPTCHA_TEST_MODE in production.",
                id="daftar.E002",
            )
        )
    if "example" in settings.SECURITY_CONTACT:
        errors.append(
            Warning(
                f"security.txt names the example contact {settings.SECURITY_CONTACT}.",
                hint="Set DAFTAR_SECURITY_CONTACT to where the operator receives vulnerability reports "
                "(mailto: or https:; docs/security.md).",
                id="daftar.W001",
            )
        )
    key = Path(settings.LICENCE_SIGNING_KEY_FILE)
    if not key.is_file():
        errors.append(
            Error(
                f"The licence signing key {key} does not exist: licences cannot be issued or verified.",
                hint="Run `manage.py licence_keygen` once (keep the file secret and backed up), "
                "or set DAFTAR_LICENCE_SIGNING_KEY_FILE to the existing key.",
                id="daftar.E003",
            )
        )
    return errors


@register()
def outbox_lease_fits_a_send(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """A claimed SMS is kept from other workers for OUTBOX_LEASE_SECONDS; a send started just
    before the margin must end inside it, or another worker could send it again
    (daftar/notifications/services.py ``_lease_margin``)."""
    from daftar.notifications.services import worst_send_seconds

    needed = 2 * (worst_send_seconds() + 5)
    if needed > settings.OUTBOX_LEASE_SECONDS:
        return [
            Warning(
                f"DAFTAR_OUTBOX_LEASE_SECONDS={settings.OUTBOX_LEASE_SECONDS} is shorter than twice one "
                f"worst-case send with its margin ({needed:.0f} s).",
                hint="Raise the lease, or lower DAFTAR_SMS_HTTP_TIMEOUT / DAFTAR_SMS_HTTP_RETRIES.",
                id="daftar.W002",
            )
        ]
    return []
