"""``manage.py housekeeping [--dry-run] [--only NAME …]``: run the purges of
``daftar/runtime/housekeeping.py`` now (the beat runs them hourly): expired sessions, captchas and
idempotency records, old one-time codes, outbox and verification-log rows past retention.
``--dry-run`` prints how many rows each would delete and deletes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from daftar.runtime import housekeeping


class Command(BaseCommand):
    help = "Delete rows past their retention now (sessions, captchas, idempotency, codes, outbox, verification log)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print the counts, delete nothing")
        parser.add_argument(
            "--only", action="append", metavar="NAME", help="run only this purge (repeatable); see --list"
        )
        parser.add_argument("--list", action="store_true", help="list the purges and what each deletes")

    def handle(self, *args: Any, **options: Any) -> None:
        known = {p.name: p for p in housekeeping.purges()}
        if options["list"]:
            for purge in known.values():
                self.stdout.write(f"{purge.name}: {purge.what}")
            return
        unknown = sorted(set(options["only"] or ()) - set(known))
        if unknown:
            raise CommandError(f"unknown purge(s): {', '.join(unknown)}; known: {', '.join(known)}")
        dry_run = options["dry_run"]
        try:
            counts = housekeeping.run_all(dry_run=dry_run, only=options["only"])
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        verb = "would delete" if dry_run else "deleted"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {verb} {count}")
