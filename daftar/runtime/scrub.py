"""Personal data and secrets taken out of what leaves the process: log lines and error reports.

Used by the log processors (``daftar.runtime.logs``) and by the error reporter's
``before_send`` (``daftar.runtime.sentry``), so both hide the same things:

- mobile numbers (``09…``, ``9…``, ``+989…``, ``00989…``; ASCII or Persian digits) are masked as
  ``0912***67``, the form ``accounts.services`` already writes;
- national codes (ten digits that pass the check digit) become ``[national_code]``; other
  ten-digit numbers (tracking codes, counts) are left alone;
- the value of any key that names a secret (password, token, OTP, cookie, authorization…) and
  of such a query-string parameter becomes ``[redacted]``;
- the key in a feedback link's path (``/f/<id>-<signature>/``, ``/api/v1/feedback/<…>``), which
  rates a service for a week (issue 22), becomes ``[redacted]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from daftar.kernel.validators import national_code_is_valid

REDACTED = "[redacted]"
NATIONAL_CODE = "[national_code]"

_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DIGIT = r"[0-9۰-۹٠-٩]"
# not inside a longer number or an identifier (a request id, a UUID, a hash)
_BEFORE = r"(?<![0-9۰-۹٠-٩A-Za-z_])"
_AFTER = r"(?![0-9۰-۹٠-٩A-Za-z_])"
# a mobile number: optional country prefix or 0, then 9 and nine more digits
_MOBILE = re.compile(rf"{_BEFORE}(?:\+98|0098|98|0|۰)?[9۹]{_DIGIT}{{9}}{_AFTER}")
_TEN_DIGITS = re.compile(rf"{_BEFORE}{_DIGIT}{{10}}{_AFTER}")
# names of keys (and query parameters) whose values are secrets, wherever they appear
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|otp|authorization|cookie|session_?id|sessionid|csrf|api_?key|"
    r"signature|captcha_?(value|response)|altcha|^code$|_code$|^pin$)",
    re.IGNORECASE,
)
# keys that are safe although they match (a kind of code, a request id); numbers under a secret
# key (an HTTP status under "code", a count) are kept: only text and structures are redacted
_SAFE_KEYS = frozenset({"status_code", "error_code", "exit_code", "request_id", "tracking_code"})
# ids that are repeated as they are (they are checked or made by us; a digit run in one is no number)
_VERBATIM_KEYS = frozenset({"request_id", "task_id", "parent_task_id", "child_task_id", "event_id", "trace_id"})
_QUERY_PARAM = re.compile(r"(?P<key>[A-Za-z0-9_\-]+)=(?P<value>[^&\s#]*)")
_LINK_KEY = re.compile(r"(/f/|/api/v1/feedback/)[0-9]{1,12}-[0-9a-fA-F]{20}")


def mask_mobile(number: str) -> str:
    """``09123456789`` → ``0912***89`` (what the audit entry and the OTP log line keep)."""
    digits = number.translate(_PERSIAN_DIGITS)
    digits = "0" + digits[-10:] if len(digits) >= 10 else digits
    return f"{digits[:4]}***{digits[-2:]}"


def _national(match: re.Match[str]) -> str:
    return NATIONAL_CODE if national_code_is_valid(match.group(0).translate(_PERSIAN_DIGITS)) else match.group(0)


def _query(match: re.Match[str]) -> str:
    if is_secret_key(match.group("key")):
        return f"{match.group('key')}={REDACTED}"
    return match.group(0)


def is_secret_key(key: str) -> bool:
    return key.lower() not in _SAFE_KEYS and bool(_SECRET_KEY.search(key))


def scrub_text(text: str) -> str:
    """The text with mobile numbers masked, national codes replaced and secret parameters redacted."""
    if not text:
        return text
    if "/f/" in text or "/api/v1/feedback/" in text:
        text = _LINK_KEY.sub(lambda m: m.group(1) + REDACTED, text)
    text = _MOBILE.sub(lambda m: mask_mobile(m.group(0)), text)
    text = _TEN_DIGITS.sub(_national, text)
    if "=" in text:
        text = _QUERY_PARAM.sub(_query, text)
    return text


def _hides(key: Any, value: Any) -> bool:
    return (
        isinstance(key, str)
        and bool(value)
        and isinstance(value, (str, bytes, Mapping, list, tuple))
        and is_secret_key(key)
    )


def scrub(value: Any, *, depth: int = 0) -> Any:
    """A copy of ``value`` (strings, mappings, lists) with :func:`scrub_text` applied throughout and
    the values of secret-named keys redacted. Other objects are returned as they are."""
    if depth > 20:
        return value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {
            k: v if k in _VERBATIM_KEYS else REDACTED if _hides(k, v) else scrub(v, depth=depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(v, depth=depth + 1) for v in value)
    return value
