"""System checks of the notifications app (registered from ``NotificationsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

from .services import worst_send_seconds


@register()
def outbox_lease_fits_a_send(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """A claimed SMS is kept from other workers for OUTBOX_LEASE_SECONDS; a send started just
    before the margin must end inside it, or another worker could send it again
    (``services._lease_margin``)."""
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
