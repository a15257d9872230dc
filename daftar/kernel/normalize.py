"""Persian-first input normalisation, applied on every input path (forms and API).

Persian (۰-۹) and Arabic-Indic (٠-٩) digits become Latin digits; Arabic ي/ى and ك become
Persian ی and ک; the minus sign U+2212 becomes "-" (with the left-to-right mark our pages put
before it dropped); surrounding white space is trimmed. ZWNJ (U+200C) is meaningful in Persian
words and is kept.
"""

from __future__ import annotations

import math
import re
from typing import Any

_TABLE = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
        "\x00": None,  # NUL is never meaningful and PostgreSQL refuses it in text
        "\u2212": "-",  # MINUS SIGN (what our pages write) -> HYPHEN-MINUS, so a number parses
        "\u200e": None,  # LEFT-TO-RIGHT MARK (written before a minus sign) carries no meaning
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


# A true minus sign before the number, behind a left-to-right mark that keeps it on the left of
# its digits in right-to-left text: «‎−۲۰۰», never «۲۰۰-» or «۲۰۰−» (as Intl.NumberFormat("fa-IR")).
MINUS = "\u200e\u2212"


def persian_number(value: float | int, decimals: int = 2) -> str:
    """``59.9`` → ``۵۹٫۹``, ``60.0`` → ``۶۰``, ``-200`` → ``−۲۰۰``: Persian digits, decimal
    separator and minus sign."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    sign = ""
    if text.startswith("-"):
        text = text[1:]
        sign = MINUS if text.strip("0.") else ""  # «−۰» is just «۰»
    return sign + persian_digits(text.replace(".", "٫"))


def persian_grouped(value: int) -> str:
    """``-1234500`` → ``−۱٬۲۳۴٬۵۰۰``: Persian digits, thousands separator «٬» and minus sign."""
    number = int(value)
    return (MINUS if number < 0 else "") + persian_digits(f"{abs(number):,}".replace(",", "٬"))


def persian_filesize(value: object) -> str:
    """Bytes in Persian units: ``431`` → ``۴۳۱ بایت``, ``1433`` → ``۱٫۴ کیلوبایت``,
    ``5242880`` → ``۵ مگابایت``; empty when not a number."""
    try:
        size = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{persian_digits(size)} بایت"
    if size < 1024 * 1024:
        return f"{persian_number(round(size / 1024, 1))} کیلوبایت"
    if size < 1024**3:
        return f"{persian_number(round(size / 1024**2, 1))} مگابایت"
    return f"{persian_number(round(size / 1024**3, 1))} گیگابایت"


_ONES = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"]
_TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"]
_HUNDREDS = ["", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"]
_SCALES = ["", "هزار", "میلیون", "میلیارد", "هزار میلیارد"]


def _three_digits(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    parts = [_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest < 20:
        parts.append(_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        parts += [w for w in (_TENS[tens], _ONES[ones]) if w]
    return " و ".join(parts)


def number_in_words(value: int) -> str:
    """``1250000`` → «یک میلیون و دویست و پنجاه هزار»; ``0`` → «صفر»; a minus reads «منفی»."""
    number = int(value)
    if number == 0:
        return "صفر"
    if number < 0:
        return "منفی " + number_in_words(-number)
    groups: list[str] = []
    scale = 0
    while number and scale < len(_SCALES):
        number, chunk = divmod(number, 1000)
        if chunk:
            words = "" if chunk == 1 and scale == 1 else _three_digits(chunk)  # «هزار», not «یک هزار»
            groups.append(f"{words} {_SCALES[scale]}".strip())
        scale += 1
    if number:  # beyond the named scales: say the rest in digits
        groups.append(f"{persian_digits(number)} {_SCALES[-1]} هزار")
    return " و ".join(reversed(groups))


def persian_digits(value: object) -> str:
    """Show ``value`` with Persian digits (for display only)."""
    return str(value).translate(_PERSIAN_DIGITS)


_LATIN_TOKEN = re.compile(r"\S*[A-Za-z]\S*")


def persian_digits_in_text(text: str) -> str:
    """A message as a person reads it: Latin digits become Persian, except inside a word that
    holds Latin letters (a tracking code «AB2C-…», a link), which must stay as typed."""
    out: list[str] = []
    last = 0
    for match in _LATIN_TOKEN.finditer(text):
        out.append(persian_digits(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(persian_digits(text[last:]))
    return "".join(out)


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
