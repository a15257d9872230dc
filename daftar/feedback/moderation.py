"""Which comments a supervisor reads before the office does (issue 22 §1): abusive words
(``data/blocked_words.txt`` and ``FEEDBACK_BLOCKED_WORDS``), a phone number or national code
(someone's personal data), or a link. Such a comment is held (``flagged``), never shown and
never thrown away; the rating counts all the same.

Words are compared after the text is brought to one form: Persian digits and Arabic ي/ك
normalised, ZWNJ, tatweel and diacritics removed, a letter repeated for emphasis («احمققق»)
counted once. A word matches a whole token, alone or with a plural or attached suffix
(«الاغ‌ها», «احمقی»), so «خرید» and «آخر» do not match «خر».
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.conf import settings

from daftar.kernel.normalize import normalize_text

from . import messages as msg

WORDS_FILE = Path(__file__).resolve().parent / "data" / "blocked_words.txt"
SUFFIXES = ("", "ها", "های", "ی", "ای", "ان", "هایی", "ه")
_DROPPED = re.compile("[\u200c\u200d\u0640\u064b-\u065f\u0670]")  # ZWNJ, ZWJ, tatweel, diacritics
_REPEATED = re.compile(r"(\w)\1+")
_TOKEN = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d[\d\s\-]{6,}\d")  # eight or more digits, maybe spaced: a phone or a national code
_LINK = re.compile(r"(https?://|www\.|\b[\w-]+\.(ir|com|net|org|info|me)\b)", re.IGNORECASE)


def _plain(text: str) -> str:
    return _REPEATED.sub(r"\1", _DROPPED.sub("", normalize_text(text)).lower())


@functools.cache
def _words(extra: str) -> frozenset[str]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    found = {_plain(line.strip()) for line in lines if line.strip() and not line.startswith("#")}
    found |= {_plain(word.strip()) for word in extra.split(",") if word.strip()}
    return frozenset(found)


def _abusive(token: str, words: frozenset[str]) -> bool:
    return any(token[: len(token) - len(suffix)] in words for suffix in SUFFIXES if token.endswith(suffix))


def reasons(comment: str) -> list[str]:
    """Why ``comment`` is held for review (Persian, for the supervisor); empty if it is not."""
    if not comment:
        return []
    found: list[str] = []
    words = _words(str(getattr(settings, "FEEDBACK_BLOCKED_WORDS", "")))
    plain = _plain(comment)
    if any(_abusive(token, words) for token in _TOKEN.findall(plain)):
        found.append(msg.REASON_ABUSE)
    if _NUMBER.search(normalize_text(comment)):
        found.append(msg.REASON_PHONE)
    if _LINK.search(normalize_text(comment)):
        found.append(msg.REASON_LINK)
    return found
