"""Ed25519 signatures of licence payloads (docs/decisions/0019-signed-licences.md).

The private key is a PKCS#8 PEM file at ``settings.LICENCE_SIGNING_KEY_FILE``. In development
(``DEBUG``) and under the test settings a missing key is created (mode 0600, its directory
too); anywhere else signing refuses to start without it (``SigningKeyMissing``), so production
never signs with a key nobody kept.

Signatures travel as base64url without padding (86 characters for Ed25519's 64 bytes).
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SigningKeyMissing(ImproperlyConfigured):
    """No signing key where ``LICENCE_SIGNING_KEY_FILE`` points, and none may be created."""


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ``ValueError`` when it is not base64url."""
    cleaned = text.strip()
    if not cleaned or any(c not in _B64URL for c in cleaned.rstrip("=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def key_path() -> Path:
    return Path(settings.LICENCE_SIGNING_KEY_FILE)


def may_create_key() -> bool:
    """Development (``DEBUG``) and the test settings create a missing key; production does not."""
    override = getattr(settings, "LICENCE_SIGNING_KEY_CREATE", None)
    if override is not None:
        return bool(override)
    # settings overridden in a test hide SETTINGS_MODULE; the environment still names the module
    module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get("DJANGO_SETTINGS_MODULE", "")
    return bool(settings.DEBUG) or str(module).endswith(".test")


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # O_EXCL: two processes starting together must not overwrite each other's fresh key
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


@lru_cache(maxsize=8)
def _load_private(path_text: str, mtime_ns: int) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path_text).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path_text} is not an Ed25519 private key.")
    return key


def private_key(*, create: bool | None = None) -> Ed25519PrivateKey:
    """The signing key; created when missing only where ``may_create_key()`` allows it."""
    path = key_path()
    if not path.exists():
        if not (may_create_key() if create is None else create):
            raise SigningKeyMissing(
                f"Licence signing key not found at {path}. Create one (see docs/decisions/"
                "0019-signed-licences.md) and set DAFTAR_LICENCE_SIGNING_KEY_FILE."
            )
        _create_key(path)
    return _load_private(str(path), path.stat().st_mtime_ns)


def public_key_pem(*, create: bool | None = None) -> str:
    """The public half as SubjectPublicKeyInfo PEM (what ``/licences/public-key.pem`` serves)."""
    return (
        private_key(create=create)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii") if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(payload: str) -> str:
    """The Ed25519 signature of the UTF-8 ``payload``, base64url without padding."""
    return b64url_encode(private_key().sign(payload.encode("utf-8")))


def verify(payload: str, signature: str, public_key_pem: str | bytes | None = None) -> bool:
    """True when ``signature`` is a valid signature of ``payload``; never raises on bad input."""
    try:
        raw = b64url_decode(signature)
        key = load_public_key(public_key_pem) if public_key_pem is not None else private_key().public_key()
        key.verify(raw, payload.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- the payload and the QR text ----------------------------------------------------------

PAYLOAD_VERSION = "DFT1"
PAYLOAD_FIELDS = ("number", "municipality", "holder", "issued", "valid_until")


class MalformedPayload(ValueError):
    """The text is not a ``DFT1`` payload, or not ``<payload>.<signature>`` / a verify URL."""


def payload_build(*, number: str, municipality: str, holder: str, issued: str, valid_until: str) -> str:
    """``DFT1|<number>|<municipality slug>|<masked holder>|<issued ISO>|<valid_until ISO>``."""
    fields = [number, municipality, holder, issued, valid_until]
    return "|".join([PAYLOAD_VERSION, *(f.replace("|", " ").strip() for f in fields)])


def payload_parse(payload: str) -> dict[str, str]:
    parts = payload.split("|")
    if len(parts) != len(PAYLOAD_FIELDS) + 1 or parts[0] != PAYLOAD_VERSION:
        raise MalformedPayload("not a DFT1 payload")
    return dict(zip(PAYLOAD_FIELDS, parts[1:], strict=True))


def token(payload: str, signature: str) -> str:
    """``<base64url(payload)>.<signature>``: the ``p`` parameter of the QR link."""
    return f"{b64url_encode(payload.encode('utf-8'))}.{signature}"


def qr_text(site: str, number: str, payload: str, signature: str) -> str:
    return f"{site.rstrip('/')}/licences/verify/{number}?p={token(payload, signature)}"


def token_parse(text: str) -> tuple[str, str]:
    """(payload, signature) from a QR text, a ``p=`` value, or ``<payload>.<signature>`` where
    the payload is base64url or the plain ``DFT1|…`` text."""
    raw = text.strip()
    if "p=" in raw:
        query = urlsplit(raw).query or raw.split("?", 1)[-1]
        values = parse_qs(query).get("p")
        if not values:
            raise MalformedPayload("no p= parameter")
        raw = values[0]
    head, dot, signature = raw.rpartition(".")
    if not dot or not head or not signature:
        raise MalformedPayload("expected <payload>.<signature>")
    if head.startswith(PAYLOAD_VERSION + "|"):
        payload = head
    else:
        try:
            payload = b64url_decode(head).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedPayload("the payload is not base64url UTF-8") from exc
    payload_parse(payload)
    return payload, signature
