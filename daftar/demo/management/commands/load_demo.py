"""``python manage.py load_demo``: the demo data set, then the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daftar.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        self.stdout.write("Demo logins (any demo number; the one-time code arrives by SMS backend):")
        for login in logins:
            self.stdout.write(f"  {login.mobile}  {login.role}  ({login.name})")
