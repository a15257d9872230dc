"""Unhandled errors to a Sentry-compatible server, only when one is configured (issue 20).

``DAFTAR_SENTRY_DSN`` names the server: a municipality's own GlitchTip or self-hosted Sentry.
Unset (the default), :func:`init_sentry` does nothing: no client, no integration, nothing leaves
the host. Set, errors in views (Django integration) and in Celery tasks (Celery integration) are
sent with ``send_default_pii`` off (the SDK's default, asserted by the tests), without request
bodies or local variables (they hold people's data), and through :func:`before_send`, which
masks mobile numbers and removes national codes and secrets wherever they are left
(``daftar.runtime.scrub``) and tags the event with the request id of its log lines. No
performance tracing is sent unless ``DAFTAR_SENTRY_TRACES_SAMPLE_RATE`` asks.

Imported by the settings: it touches no Django setting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from daftar.runtime.logging_setup import current_request_id
from daftar.runtime.scrub import scrub

# the parts of an event that carry text from the request, the error or the code's data; ids,
# timestamps and the SDK's own fields are left as they are
_SCRUBBED_PARTS = ("message", "logentry", "exception", "threads", "request", "extra", "breadcrumbs", "user", "tags")


def before_send(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    for part in _SCRUBBED_PARTS:
        if part in event:
            event[part] = scrub(event[part])
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    # An outgoing HTTP call's breadcrumb keeps only the host: an SMS provider's URL path may hold
    # its API key (Kavenegar's does), and query strings hold numbers and codes.
    data = crumb.get("data")
    if crumb.get("category") == "httplib" and isinstance(data, dict) and isinstance(data.get("url"), str):
        parts = urlsplit(data["url"])
        data["url"] = f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"
        data.pop("http.query", None)
        data.pop("http.fragment", None)
    return scrub(crumb)  # type: ignore[no-any-return]


def init_sentry(
    dsn: str,
    *,
    environment: str = "production",
    release: str = "",
    traces_sample_rate: float = 0.0,
    transport: Any = None,
) -> bool:
    """Start the error reporter if ``dsn`` is set; True if it was started.

    ``transport``: the SDK's transport (tests capture the envelopes with one; else HTTP to the DSN).
    """
    if not dsn:
        return False
    # only with a DSN: importing the integrations patches Django and Celery
    import sentry_sdk  # (as above)
    from sentry_sdk.integrations.celery import CeleryIntegration  # (as above)
    from sentry_sdk.integrations.django import DjangoIntegration  # (as above)

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment or "production",
        "release": release or None,
        # send_default_pii stays unset, i.e. off: sentry-sdk 2.76 warns that setting it is
        # deprecated (for ``data_collection``, which would also turn off its own event scrubber)
        "include_local_variables": False,
        "max_request_body_size": "never",
        "traces_sample_rate": traces_sample_rate,
        "before_send": before_send,
        "before_breadcrumb": before_breadcrumb,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True
