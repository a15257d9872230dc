"""``manage.py scorecards_compute [--municipality SLUG] [--period 1405-1]``: compute the office
scorecards of a period (default: the last ended one) for one municipality or every municipality
with an active office (issue 22 §2). Recomputing replaces the period's scorecards."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Municipality
from daftar.scorecard import messages as msg
from daftar.scorecard.services import scorecards_compute


class Command(BaseCommand):
    help = "Compute the office scorecards and ranks of a period (default: the last ended one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", default="", help="the municipality's slug (default: all)")
        parser.add_argument("--period", default="", help="1405-1, 1405-H1, 1405-Q2 or 1405-Y")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = str(options["municipality"] or "").strip()
        municipalities = Municipality.objects.filter(offices__active=True).distinct().order_by("pk")
        if slug:
            municipalities = Municipality.objects.filter(slug=slug)
            if not municipalities.exists():
                raise CommandError(msg.MUNICIPALITY_UNKNOWN)
        for municipality in municipalities:
            try:
                done = scorecards_compute(municipality=municipality, period=options["period"], actor=None)
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(done.message)
