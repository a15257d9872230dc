"""Queue the registration on the national portal of licences issued before the connector (those
in force, active or suspended, without a national id), so that each obtains its id (decision 0044)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daftar.portal.services import portal_register_licences, unregistered_licences


class Command(BaseCommand):
    help = "Queue licences in force (active, suspended) without a national id for registration on the portal."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count only, queue nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            count = unregistered_licences().count()
            self.stdout.write(f"would queue {count} licence(s) for registration (dry run)")
            return
        count = portal_register_licences()
        self.stdout.write(f"queued {count} licence(s) for registration")
