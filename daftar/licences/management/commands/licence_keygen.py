"""Create the Ed25519 key that signs licence certificates (decision 0019), if it is missing.

    python manage.py licence_keygen            # at DAFTAR_LICENCE_SIGNING_KEY_FILE; prints the public key

An existing key is never overwritten: certificates already issued stay verifiable.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daftar.licences import signing


class Command(BaseCommand):
    help = "Create the licence signing key (Ed25519) if missing and print its public key."

    def handle(self, *args: Any, **options: Any) -> None:
        path = signing.key_path()
        existed = path.exists()
        pem = signing.public_key_pem(create=True)
        self.stderr.write(f"{'kept the existing' if existed else 'created a new'} key at {path}")
        self.stdout.write(pem)
