"""``python manage.py backup``: one timestamped backup set of the database and the media store
(docs/operations.md «Backup and restore»; the format in ``daftar/runtime/backup/``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from daftar.runtime.backup import VERIFIERS, BackupError, backup_create


class Command(BaseCommand):
    help = "Write a backup set (pg_dump, the media store, a manifest) under --output-dir."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            default=os.environ.get("DAFTAR_BACKUP_DIR") or str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="where backup sets go (default $DAFTAR_BACKUP_DIR or var/backups)",
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="then delete all but the newest KEEP complete sets (0: keep all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] < 0:
            raise CommandError("--keep must be 0 or more")
        try:
            result = backup_create(
                output_dir=Path(options["output_dir"]),
                keep=options["keep"],
                log=lambda message: self.stderr.write(message),
            )
        except (BackupError, OSError, DatabaseError, psycopg.Error) as exc:
            raise CommandError(f"پشتیبان‌گیری ناموفق / backup failed: {exc}", returncode=1) from exc
        manifest = result.manifest
        counts = manifest["database"]["row_counts"]
        self.stdout.write(f"پشتیبان نوشته شد / backup written: {result.path}")
        self.stdout.write(
            f"  پایگاه داده / database: {manifest['database']['name']}, {len(counts)} tables, "
            f"{sum(counts.values())} rows, dump {manifest['database']['dump_size']} bytes "
            f"sha256 {manifest['database']['dump_sha256'][:16]}…"
        )
        self.stdout.write(
            f"  رسانه / media: {len(manifest['media']['files'])} objects, "
            f"{len(manifest['file_refs'])} referenced by rows, every checksum matches its row"
        )
        for key, verifier in VERIFIERS.items():
            self.stdout.write(f"  {verifier.summary(manifest[key])}")
        for path in result.pruned:
            self.stdout.write(f"  حذف پشتیبان قدیمی / pruned: {path}")
