"""Deployment checks: development-only conveniences must be off in production (API.md). The apps
register checks of their own (e.g. the outbox lease: daftar/notifications/checks.py)."""

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
