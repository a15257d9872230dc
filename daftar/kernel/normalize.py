"""Persian-first input normalisation, applied on every input path (forms and API).

Persian (۰-۹) and Arabic-Indic (٠-٩) digits become Latin digits; Arabic ي/ى and ك become
Persian ی and ک; surrounding white space is trimmed. ZWNJ (U+200C) is meaningful in Persian
words and is kept.
"""

from __future__ import annotations

import math
from typing import Any

_TABLE = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
        "\x00": None,  # NUL is never meaningful and PostgreSQL refuses it in text
    }
)

_PERSIAN_DIGITS = str.maketrans({str(i): chr(0x06F0 + i) for i in range(10)})


def normalize_text(value: str) -> str:
    """Return ``value`` with Latin digits, Persian ی/ک and no surrounding white space."""
    return value.translate(_TABLE).strip()


def normalize_data(value: Any) -> Any:
    """Normalise every string inside a JSON-like structure (dicts, lists, strings)."""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, dict):
        return {normalize_data(k) if isinstance(k, str) else k: normalize_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_data(v) for v in value]
    return value


def persian_number(value: float | int, decimals: int = 2) -> str:
    """``59.9`` → ``۵۹٫۹``, ``60.0`` → ``۶۰``: Persian digits and decimal separator."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return persian_digits(text.replace(".", "٫"))


def persian_digits(value: object) -> str:
    """Show ``value`` with Persian digits (for display only)."""
    return str(value).translate(_PERSIAN_DIGITS)


def wait_text(seconds: float) -> str:
    """A wait as a person reads it, to be followed by «دیگر»: Persian digits; seconds under a
    minute, whole minutes (rounded up) under an hour, else hours and minutes
    (``45`` → ``۴۵ ثانیهٔ``, ``130`` → ``۳ دقیقهٔ``, ``5400`` → ``۱ ساعت و ۳۰ دقیقهٔ``)."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{persian_digits(whole)} ثانیهٔ"
    minutes = -(-whole // 60)
    if minutes < 60:
        return f"{persian_digits(minutes)} دقیقهٔ"
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{persian_digits(hours)} ساعت"
    return f"{persian_digits(hours)} ساعت و {persian_digits(rest)} دقیقهٔ"


_DIACRITICS = dict.fromkeys([*range(1611, 1632), 1648, 1600])  # harakat, superscript alef, tatweel
_SEARCH = str.maketrans(
    {
        **_DIACRITICS,
        "\u200c": None,
        "\u200f": None,
        "\u200e": None,
        "أ": "ا",
        "إ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "-": " ",
        "_": " ",
    }
)


def search_key(value: str) -> str:
    """A forgiving key for Persian search: normalised, without diacritics or ZWNJ, lower case,
    single spaces. «دفتر خدمات الكترونيك» and «دفتر خدمات ال‌کترونیک» give the same key."""
    return " ".join(normalize_text(value).translate(_SEARCH).lower().split())
