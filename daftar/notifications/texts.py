"""SMS texts as templates an administrator can edit (issue 21 §4).

Every SMS the system sends is declared once, where it is sent from, in that app's ``sms.py``
(found by ``NotificationsConfig.ready``): a key, a Persian title for the administrator, the
default text and the fields it may use (``{code}``, ``{due}``…, each with a Persian
description and a sample value for the preview). ``render`` fills a text:

1. the municipality's own version (``MessageText`` with the municipality), else
2. the installation's version (``MessageText`` without one, Django admin), else
3. the declared default.

An edited text may use only its declared fields and must keep the ones a message cannot do
without (``required``: the code of a one-time password). A stored text that no longer passes
(a field dropped from the declaration later) is never sent broken: the default is used and a
warning logged. Digits come out in Persian in the outbox (``services.sms_text``).

Texts are read from a small per-process cache (``SMS_TEXT_CACHE_SECONDS``); saving a text through
``text_save``/``text_reset`` clears this process's copy, so an edit reaches the other processes
within that time (docs/notifications.md).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits

log = logging.getLogger(__name__)

# who reads a message: groups the administrator's list
AUDIENCES = {
    "applicant": "متقاضی",
    "holder": "دارندهٔ مجوز و مدیر دفتر",
    "citizen": "شهروند",
    "staff": "کارکنان شهرداری",
    "account": "حساب کاربری",
}
# texts sent by no municipality (a login code, a changed number): the installation's only, edited
# by the platform administrator in the Django admin, never on a municipality's page
INSTALLATION_ONLY = frozenset({"account"})
FIELD = re.compile(r"\{([a-z_]+)\}")
# a value longer than this (a reviewer's reason, a note) is cut with «…» in the SMS: the page has
# it whole, and one message must not grow into dozens of SMS parts
VALUE_MAX = 200
MAX_CHARS = 480  # about seven Persian SMS parts: a text longer than this is a letter, not an SMS


@dataclass(frozen=True)
class Text:
    key: str
    title: str
    default: str
    audience: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (description, sample)
    required: tuple[str, ...] = ()
    when: str = ""  # when it is sent, in words, for the administrator

    def sample(self) -> dict[str, str]:
        return {name: sample for name, (_, sample) in self.fields.items()}

    @property
    def municipal(self) -> bool:
        """May a municipality have its own version (its administrator's page)?"""
        return self.audience not in INSTALLATION_ONLY


REGISTRY: dict[str, Text] = {}


def define(
    key: str,
    *,
    title: str,
    default: str,
    audience: str,
    fields: dict[str, tuple[str, str]],
    required: tuple[str, ...] = (),
    when: str = "",
) -> Text:
    """Declare one SMS (at import of an app's ``sms.py``). Its default must pass ``check``."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r} for {key}")
    if len(key) > 32:
        raise ValueError(f"key {key!r} is longer than the outbox's kind (32)")
    text = Text(key=key, title=title, default=default, audience=audience, fields=fields, required=required, when=when)
    problem = _problem(text, default)
    if problem:
        raise ValueError(f"default text of {key} does not pass: {problem}")
    previous = REGISTRY.get(key)
    if previous is not None and previous != text:
        raise ValueError(f"SMS text {key} is declared twice")
    REGISTRY[key] = text
    return text


def _problem(text: Text, body: str) -> str:
    """Why ``body`` cannot be ``text``'s template (Persian, for the administrator), or ''."""
    if not body.strip():
        return "متن پیامک خالی است."
    if len(body) > MAX_CHARS:
        return f"متن پیامک بیش از {persian_digits(MAX_CHARS)} نویسه است."
    unknown = sorted({name for name in FIELD.findall(body) if name not in text.fields})
    if unknown:
        return "این جای‌خالی‌ها برای این پیامک تعریف نشده‌اند: " + "، ".join("{" + n + "}" for n in unknown)
    if "{" in FIELD.sub("", body) or "}" in FIELD.sub("", body):
        return "آکولادِ { یا } تنها برای جای‌خالی‌های فهرست‌شده به کار می‌رود؛ آکولاد تنها یا نام نادرست در متن هست."
    missing = [name for name in text.required if "{" + name + "}" not in body]
    if missing:
        return "این پیامک بدون این جای‌خالی‌ها معنا ندارد: " + "، ".join("{" + n + "}" for n in missing)
    return ""


def problem(key: str, body: str) -> str:
    """Why a stored ``body`` cannot be sent as ``key`` (Persian), or ''."""
    return _problem(spec(key), body)


def check(key: str, body: str) -> str:
    """Normalise an administrator's text and return it, or raise a Persian ``ApplicationError``."""
    text = spec(key)
    cleaned = normalize_text(body or "").replace("\r\n", "\n").strip()
    problem = _problem(text, cleaned)
    if problem:
        raise ApplicationError(problem, code="sms_text_invalid", fields={"text": [problem]})
    return cleaned


def spec(key: str) -> Text:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ApplicationError("چنین پیامکی تعریف نشده است.", code="not_found", status=404) from None


def fill(body: str, values: dict[str, Any]) -> str:
    """Put ``values`` into ``body``'s ``{fields}`` (a missing value becomes empty, a long one is
    cut at ``VALUE_MAX`` characters with «…»)."""

    def value(match: re.Match[str]) -> str:
        text = str(values.get(match.group(1), ""))
        return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1].rstrip() + "…"

    return FIELD.sub(value, body)


# --- the stored versions, cached per process ------------------------------------------------------

_cache: dict[tuple[str, int | None], tuple[float, str | None]] = {}
_lock = threading.Lock()


def cache_clear() -> None:
    with _lock:
        _cache.clear()


def stored(key: str, municipality_id: int | None) -> str | None:
    """The stored text for ``key`` in the municipality (``None``: the installation's), if any."""
    from .models import MessageText  # models import this module's registry: a cycle

    now = time.monotonic()
    slot = (key, municipality_id)
    ttl = settings.SMS_TEXT_CACHE_SECONDS
    hit = _cache.get(slot)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    rows = MessageText.objects.filter(key=key)
    rows = (
        rows.filter(municipality__isnull=True)
        if municipality_id is None
        else rows.filter(municipality_id=municipality_id)
    )
    body = rows.values_list("text", flat=True).first()
    with _lock:
        _cache[slot] = (now, body)
    return body


def current(key: str, municipality_id: int | None) -> tuple[str, str]:
    """The text in force and where it comes from: ``municipality``, ``installation`` or ``default``."""
    text = spec(key)
    own = stored(key, municipality_id) if municipality_id is not None and text.municipal else None
    return choose(text, own, stored(key, None), municipality_id)


def choose(text: Text, own: str | None, common: str | None, municipality_id: int | None = None) -> tuple[str, str]:
    """Of a municipality's stored text (``own``) and the installation's (``common``), the one in
    force, and where it comes from; a stored text that no longer passes is skipped (logged)."""
    if own is not None and text.municipal:
        if not _problem(text, own):
            return own, "municipality"
        log.warning("sms_text_invalid key=%s municipality=%s: not used", text.key, municipality_id)
    if common is not None:
        if not _problem(text, common):
            return common, "installation"
        log.warning("sms_text_invalid key=%s installation: default used", text.key)
    return text.default, "default"


def render(key: str, municipality: Any = None, /, **values: Any) -> str:
    """The SMS ``key`` with ``values`` filled in, as ``municipality`` has it."""
    municipality_id = getattr(municipality, "pk", municipality)
    body, _ = current(key, municipality_id)
    return fill(body, values)
