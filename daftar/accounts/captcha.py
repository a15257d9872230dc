"""The login captcha («عدد امنیتی», S15.3): challenges, their picture and sound, the check.

No outside captcha service: it must work with no network. Challenges are rows of
django-simple-captcha's store (``CaptchaStore``: key, answer, expiry); the picture
(``captcha_image.py``) and the sound (``captcha_audio.py``) are ours (decision 0028), drawn
only when asked for, from a seed derived from the key and ``SECRET_KEY``.

A challenge is single use: any answer, right or wrong, consumes it. Refusing costs nothing:
a key that is not 40 hex digits is refused before any query, an unknown one after a single
look-up by its unique index. Test mode (``DAFTAR_CAPTCHA_TEST_MODE=1``) accepts the answer
``PASSED`` but only while DEBUG is on; the deployment checks refuse it in production.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from captcha.models import CaptchaStore
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from daftar.kernel.normalize import normalize_text

from .captcha_audio import speak_wav
from .captcha_image import draw_png

TEST_MODE_ANSWER = "passed"
KEY_FORMAT = re.compile(r"[0-9a-f]{40}")  # CaptchaStore's hashkey: a SHA-1 in hex


# Drawn in Persian forms: ۰ and ۱ are a dot and a stroke, and ۲ is read as ۳ once warped (a
# look at 50 samples, decision 0028), so seven digits remain: 7^5 = 16,807 answers.
DIGITS = "3456789"


def digits_challenge() -> tuple[str, str]:
    """A random string of digits; the user types what they see (Persian digits are fine)."""
    text = "".join(secrets.choice(DIGITS) for _ in range(settings.CAPTCHA_LENGTH))
    return text, text


def captcha_new() -> tuple[str, str, str]:
    """Create a challenge (one row, nothing drawn); return ``(key, image_url, audio_url)``."""
    key = CaptchaStore.generate_key()
    return key, reverse("captcha-image", kwargs={"key": key}), reverse("captcha-audio", kwargs={"key": key})


def well_formed(key: str) -> bool:
    return bool(KEY_FORMAT.fullmatch(key or ""))


def _live_answer(key: str) -> str | None:
    """The answer of the unexpired challenge ``key``, or None (no query for a malformed key)."""
    if not well_formed(key):
        return None
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).only("response").first()
    return None if store is None else store.response


def _seed(key: str) -> int:
    """The drawing's seed: fixed per key (a reload shows the same picture), unguessable."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"captcha:" + key.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def captcha_png(key: str) -> bytes | None:
    """The picture of challenge ``key``, or None when there is no such live challenge."""
    answer = _live_answer(key)
    return None if answer is None else draw_png(answer, _seed(key))


def captcha_wav(key: str) -> bytes | None:
    """The sound of challenge ``key``, or None when there is no such live challenge."""
    answer = _live_answer(key)
    return None if answer is None else speak_wav(answer, _seed(key))


def test_mode_active() -> bool:
    return bool(settings.CAPTCHA_TEST_MODE and settings.DEBUG)


def captcha_check(key: str, value: str) -> bool:
    """True if ``value`` answers challenge ``key``; the challenge is consumed either way."""
    key, answer = normalize_text(key or ""), normalize_text(value or "").lower()
    if not answer or not well_formed(key):
        return False
    store = CaptchaStore.objects.filter(hashkey=key).first()
    if store is None:
        return False
    deleted, _ = CaptchaStore.objects.filter(pk=store.pk).delete()
    if not deleted:  # a concurrent request consumed it first
        return False
    if test_mode_active() and answer == TEST_MODE_ANSWER:
        return True
    if store.expiration <= timezone.now():
        return False
    return hmac.compare_digest(store.response.lower().encode(), answer.encode())
