"""``python manage.py restore <backup set>``: restore a backup set into a database and the media
store, then verify row counts, file checksums and the audit chain (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from daftar.runtime.backup import (
    BackupError,
    backup_check,
    backup_read,
    local_storage,
    report_lines,
    restore,
    target_settings,
)
from daftar.runtime.pagecache import forget_derived


class Command(BaseCommand):
    help = "Restore a backup set (created by `manage.py backup`) and verify it; exit 1 on any mismatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup set: a directory var/backups/daftar-<UTC time>/")
        parser.add_argument(
            "--database-url", default="", help="restore into this database (default: the configured DATABASE_URL)"
        )
        parser.add_argument(
            "--media-root", default="", help="restore files into this directory (default: the configured media store)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "into a non-empty database: restore beside it, verify, then swap it in by renaming "
                "(the old one is kept as <name>_before_<UTC time>); overwrite media files of the same name"
            ),
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the backup set itself (checksums); restore nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        log = lambda message: self.stderr.write(message)  # noqa: E731
        try:
            manifest = backup_read(path)
            if options["check"]:
                problems = backup_check(path, manifest, log=log)
                if problems:
                    raise BackupError("پشتیبان سالم نیست / the backup set is damaged:\n  " + "\n  ".join(problems))
                self.stdout.write(
                    f"پشتیبان سالم است / backup set intact: {path} (dump and "
                    f"{len(manifest['media']['files'])} media files match the manifest)"
                )
                return
            storage = local_storage(options["media_root"]) if options["media_root"] else None
            report = restore(
                path, database_url=options["database_url"] or None, storage=storage, force=options["force"], log=log
            )
        except (BackupError, OSError, DatabaseError, psycopg.Error) as exc:
            raise CommandError(f"بازیابی ناموفق / restore failed: {exc}", returncode=1) from exc
        if _is_configured(options["database_url"]):
            # the configured database now holds other rows: what the cache built from the old ones
            # (pages, case bodies, token look-ups …) must not be served (throttles and broker stay)
            try:
                forgotten = forget_derived()
            except Exception as exc:
                raise CommandError(
                    "بازیابی انجام شد، ولی حافظهٔ نهان پاک نشد؛ آن را دستی پاک کنید / restored, but the"
                    f" cache built from the old rows could not be cleared: clear it by hand ({exc})",
                    returncode=1,
                ) from exc
            if forgotten is None:
                log("حافظهٔ نهان محلی است؛ کارساز را دوباره راه بیندازید / the cache is per process: restart the server")
            else:
                log(f"حافظهٔ نهان پاک شد / cache built from the old rows cleared ({forgotten} keys)")
        for line in report_lines(report, manifest):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("بازیابی با ناهمخوانی / restored with mismatches (see above)", returncode=1)


def _is_configured(database_url: str | None) -> bool:
    """Is the restore's target the database this deployment serves (so its cache describes it)?"""
    if not database_url:
        return True
    target, ours = target_settings(database_url), connections["default"].settings_dict
    return (target.get("NAME"), target.get("HOST") or "", str(target.get("PORT") or "")) == (
        ours.get("NAME"),
        ours.get("HOST") or "",
        str(ours.get("PORT") or ""),
    )
