"""``python manage.py grant_role MOBILE ROLE --municipality SLUG``.

Creates the user if needed (mobile normalised like every input) and grants the role; both
recorded in the audit log. Granting a role the user already holds changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from daftar.accounts.constants import Role
from daftar.accounts.services import role_grant, user_get_or_create
from daftar.kernel.validators import normalize_mobile
from daftar.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Grant a role in a municipality to the user with this mobile number (created if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("mobile")
        parser.add_argument("role", help="one of: " + ", ".join(Role.values))
        parser.add_argument("--municipality", required=True, help="municipality slug, e.g. tehran")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            mobile = normalize_mobile(options["mobile"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        role = options["role"]
        if role not in Role.values:
            raise CommandError(f"unknown role {role!r}; one of: {', '.join(Role.values)}")
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality with slug {options['municipality']!r}")
        user, created = user_get_or_create(mobile=mobile)
        role_grant(user=user, role=role, municipality=municipality, actor=None)
        verb = "created and granted" if created else "granted"
        self.stdout.write(f"{mobile}: {verb} {role} in {municipality.slug}")
