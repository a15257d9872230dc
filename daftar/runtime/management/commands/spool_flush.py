"""``manage.py spool_flush [--all]``: write the rows of the local spools to the database now
(daftar/runtime/spool.py). ``--all`` takes the files still being written too: use it only when no
process on this host appends (a host being retired, a restore drill). ``--failed`` puts the files
kept under ``failed/`` (rows the database refused) back and retries them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daftar.runtime import spool


class Command(BaseCommand):
    help = "Write the rows of the local spools (e.g. the licence verification log) to the database now."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="also the files of the current second")
        parser.add_argument("--failed", action="store_true", help="retry the files kept under failed/")

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in spool.flush_all(everything=options["all"], failed=options["failed"]).items():
            self.stdout.write(f"{name}: {count} rows written")
