"""The login captcha («عدد امنیتی», S15.3), drawn by the server with django-simple-captcha.

No outside captcha service: it must work with no network. A challenge is single use: any
answer, right or wrong, consumes it. Test mode (``DAFTAR_CAPTCHA_TEST_MODE=1``) accepts the
answer ``PASSED`` but only while DEBUG is on; the deployment checks refuse it in production.
"""

from __future__ import annotations

import hmac
import secrets

from captcha.models import CaptchaStore
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from daftar.kernel.normalize import normalize_text

TEST_MODE_ANSWER = "passed"


def digits_challenge() -> tuple[str, str]:
    """A random string of digits; the user types what they see (Persian digits are fine)."""
    text = "".join(secrets.choice("23456789") for _ in range(settings.CAPTCHA_LENGTH))
    return text, text


def captcha_new() -> tuple[str, str]:
    """Create a challenge; return ``(key, image_url)``."""
    key = CaptchaStore.generate_key()
    return key, reverse("captcha-image", kwargs={"key": key})


def test_mode_active() -> bool:
    return bool(settings.CAPTCHA_TEST_MODE and settings.DEBUG)


def captcha_check(key: str, value: str) -> bool:
    """True if ``value`` answers challenge ``key``; the challenge is consumed either way."""
    key, answer = normalize_text(key or ""), normalize_text(value or "").lower()
    if not key or not answer:
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
