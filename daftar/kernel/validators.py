"""Validators for Iranian identifiers: mobile numbers, national code, legal national ID.

Only ASCII digits count once normalised: a regex digit class or ``str.isdigit`` would let
other scripts' digits (Devanagari, full-width) through. Each ``normalize_*`` function accepts
raw user input, normalises it (digits, spaces, dashes) and returns the canonical form or
raises ``django.core.exceptions.ValidationError`` with a Persian message held in
``daftar.kernel.messages``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from daftar.kernel import messages as m
from daftar.kernel.normalize import normalize_text

_SEPARATORS = re.compile(r"[\s\-\u200c\u200f\u200e()]+")
_MOBILE_PATTERNS = (
    (re.compile(r"^09([0-9]{9})$"), 1),
    (re.compile(r"^9([0-9]{9})$"), 1),
    (re.compile(r"^\+989([0-9]{9})$"), 1),
    (re.compile(r"^00989([0-9]{9})$"), 1),
    (re.compile(r"^989([0-9]{9})$"), 1),
)


def normalize_mobile(raw: str) -> str:
    """Return an Iranian mobile number as ``09xxxxxxxxx``.

    Accepts ``09…``, ``9…``, ``+989…``, ``00989…`` (and ``989…``), with spaces or dashes and
    in Persian or Arabic digits.
    """
    value = _SEPARATORS.sub("", normalize_text(str(raw)))
    if not value:
        raise ValidationError(m.MOBILE_REQUIRED, code="mobile_required")
    if not re.fullmatch(r"\+?[0-9]+", value):
        raise ValidationError(m.MOBILE_NOT_DIGITS, code="mobile_invalid")
    for pattern, group in _MOBILE_PATTERNS:
        match = pattern.match(value)
        if match:
            return "09" + match.group(group)
    if value.startswith(("+", "00")) and not value.startswith(("+98", "0098")):
        raise ValidationError(m.MOBILE_NOT_IRANIAN, code="mobile_not_iranian")
    raise ValidationError(m.MOBILE_INVALID, code="mobile_invalid")


def national_code_is_valid(code: str) -> bool:
    """Check a 10-digit Iranian national code (کد ملی) by its check digit."""
    if not re.fullmatch(r"[0-9]{10}", code) or len(set(code)) == 1 or code[3:9] == "000000":
        return False
    check = int(code[9])
    total = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    return check == total if total < 2 else check == 11 - total


def validate_canonical_mobile(value: str) -> None:
    """Model-field validator: the stored form is exactly ``09`` and nine ASCII digits."""
    if not re.fullmatch(r"09[0-9]{9}", value or ""):
        raise ValidationError(m.MOBILE_INVALID, code="mobile_invalid")


def validate_national_code(value: str) -> None:
    if value and not national_code_is_valid(value):
        raise ValidationError(m.NATIONAL_CODE_CHECK, code="national_code_invalid")


def validate_legal_national_id(value: str) -> None:
    if value and not legal_national_id_is_valid(value):
        raise ValidationError(m.LEGAL_ID_CHECK, code="national_id_invalid")


def normalize_national_code(raw: str) -> str:
    value = _SEPARATORS.sub("", normalize_text(str(raw)))
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(m.NATIONAL_CODE_DIGITS, code="national_code_invalid")
    if len(value) != 10:
        raise ValidationError(m.NATIONAL_CODE_LENGTH, code="national_code_invalid")
    if not national_code_is_valid(value):
        raise ValidationError(m.NATIONAL_CODE_CHECK, code="national_code_invalid")
    return value


_LEGAL_WEIGHTS = (29, 27, 23, 19, 17)


def legal_national_id_is_valid(code: str) -> bool:
    """Check an 11-digit legal person's national ID (شناسه ملی) by its check digit."""
    if not re.fullmatch(r"[0-9]{11}", code) or int(code) == 0 or int(code[3:9]) == 0:
        return False
    base = int(code[9]) + 2
    total = sum((base + int(code[i])) * _LEGAL_WEIGHTS[i % 5] for i in range(10)) % 11
    if total == 10:
        total = 0
    return int(code[10]) == total


def normalize_legal_national_id(raw: str) -> str:
    value = _SEPARATORS.sub("", normalize_text(str(raw)))
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(m.LEGAL_ID_DIGITS, code="national_id_invalid")
    if len(value) != 11:
        raise ValidationError(m.LEGAL_ID_LENGTH, code="national_id_invalid")
    if not legal_national_id_is_valid(value):
        raise ValidationError(m.LEGAL_ID_CHECK, code="national_id_invalid")
    return value
