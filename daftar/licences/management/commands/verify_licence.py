"""Verify a certificate's QR text offline, with the public key only (no database).

    python manage.py verify_licence 'https://…/licences/verify/TEH-1404-000001?p=….…'
    python manage.py verify_licence '<base64url payload>.<signature>' --public-key licence.pem

Exit status 0: the signature is valid; 1: it is not, or the text is malformed. Without
``--public-key`` the key is derived from ``LICENCE_SIGNING_KEY_FILE`` (never created here).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daftar.kernel.jalali import to_jalali
from daftar.licences import signing

LABELS = {
    "number": "شمارهٔ مجوز / number",
    "municipality": "شهرداری / municipality",
    "holder": "دارنده / holder",
    "issued": "تاریخ صدور / issued",
    "valid_until": "اعتبار تا / valid until",
}


def _with_jalali(iso: str) -> str:
    try:
        return f"{iso} ({to_jalali(dt.date.fromisoformat(iso))})"
    except ValueError:
        return iso


class Command(BaseCommand):
    help = "Verify a licence QR text (or <payload>.<signature>) offline with the Ed25519 public key."
    requires_system_checks: list[str] = []  # type: ignore[assignment]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="the QR text, its p= value, or <payload>.<signature>")
        parser.add_argument("--public-key", dest="public_key", help="a PEM file with the Ed25519 public key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload, signature = signing.token_parse(options["text"])
        except signing.MalformedPayload as exc:
            raise CommandError(f"متن نامعتبر / malformed: {exc}", returncode=1) from exc
        pem = self._public_key(options.get("public_key"))
        fields = signing.payload_parse(payload)
        for name, label in LABELS.items():
            value = fields[name]
            self.stdout.write(f"{label}: {_with_jalali(value) if name in ('issued', 'valid_until') else value}")
        if not signing.verify(payload, signature, public_key_pem=pem):
            raise CommandError("امضا نامعتبر است / signature INVALID", returncode=1)
        self.stdout.write(self.style.SUCCESS("امضا معتبر است / signature valid"))

    def _public_key(self, path: str | None) -> str:
        try:
            if path:
                pem = Path(path).read_text(encoding="ascii")
                signing.load_public_key(pem)
                return pem
            return signing.public_key_pem(create=False)
        except (OSError, ValueError, signing.SigningKeyMissing) as exc:
            raise CommandError(f"کلید عمومی خوانده نشد / cannot read the public key: {exc}", returncode=1) from exc
