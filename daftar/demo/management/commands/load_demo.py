"""``python manage.py load_demo``: the demo data set, its licences registered with the national portal
(the simulator by default), then the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daftar.demo.services import demo_load
from daftar.portal.services import portal_register_licences


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        # the demo's licences were issued before the portal connector: the portal (its simulator by
        # default) gives them their national ids, as `portal_register_licences` does after deploying
        queued = portal_register_licences()
        if queued:
            self.stdout.write(f"Licences sent to the national portal for their ids: {queued}")
        self.stdout.write("Demo logins (any demo number; the one-time code arrives by SMS backend):")
        for login in logins:
            self.stdout.write(f"  {login.mobile}  {login.role}  ({login.name})")
