"""Verifying a restored database and media store against the manifest, and the report of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from .base import sha256_stream
from .manifest import file_refs
from .postgres import connect, row_counts
from .verifiers import VERIFIERS


@dataclass
class Check:
    fa: str
    en: str
    ok: bool
    detail: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    database: str
    checks: list[Check]
    created: bool = False
    replaced: bool = False
    previous: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def restore_verify(
    manifest: dict[str, Any],
    *,
    settings_dict: dict[str, Any] | None = None,
    storage: Storage | None = None,
    staged: dict[str, Path] | None = None,
) -> RestoreReport:
    """Compare a restored database and media store with the manifest. ``staged``: files not yet
    in the store (they will replace what is there under their names), read from these paths."""
    settings_dict = settings_dict or connections["default"].settings_dict
    storage = storage or default_storage
    staged = staged or {}
    checks: list[Check] = []
    with connect(settings_dict) as conn:
        counts, refs = row_counts(conn), file_refs(conn)
        found = {name: verifier.record(conn) for name, verifier in VERIFIERS.items()}

    expected: dict[str, int] = manifest["database"]["row_counts"]
    wrong = [
        f"{table}: {counts.get(table, 'missing')} ≠ {expected.get(table, 'absent from the manifest')}"
        for table in sorted(set(expected) | set(counts))
        if counts.get(table) != expected.get(table)
    ]
    excluded = manifest["database"].get("excluded_data") or []
    detail = f"{len(expected)} tables, {sum(expected.values())} rows"
    if excluded:
        detail += f" ({', '.join(excluded)}: left empty on purpose)"
    checks.append(Check("تعداد سطرها", "row counts", not wrong, detail, wrong))

    wrong = []
    by_key = {(r["model"], r["pk"], r["field"]): r for r in manifest["file_refs"]}
    restored = {(r["model"], r["pk"], r["field"]): r for r in refs}
    for key in sorted(set(by_key) | set(restored), key=str):
        want, have = by_key.get(key), restored.get(key)
        if want is None or have is None:
            wrong.append(f"{key[0]} {key[1]}: {'not in the manifest' if want is None else 'row missing'}")
            continue
        if have["name"] != want["name"] or (have["sha256"] is not None and have["sha256"] != want["sha256"]):
            wrong.append(f"{key[0]} {key[1]}: the row's file or sha256 differs from the manifest")
            continue
        try:
            with staged[want["name"]].open("rb") if want["name"] in staged else storage.open(want["name"], "rb") as fh:
                digest, _ = sha256_stream(fh)
        except FileNotFoundError:
            wrong.append(f"{key[0]} {key[1]}: {want['name']} missing from the media store")
            continue
        if digest != want["sha256"]:
            wrong.append(f"{key[0]} {key[1]}: {want['name']} checksum differs")
    media_files = manifest["media"]["files"]
    missing = [name for name in sorted(media_files) if name not in staged and not storage.exists(name)]
    wrong += [f"{name}: missing from the media store" for name in missing]
    checks.append(
        Check(
            "چکیدهٔ پرونده‌ها",
            "file checksums",
            not wrong,
            f"{len(by_key)} referenced files, {len(media_files)} stored objects",
            wrong,
        )
    )

    for name, verifier in VERIFIERS.items():
        detail, wrong = verifier.verify(lambda: connect(settings_dict, autocommit=False), manifest[name], found[name])
        checks.append(Check(verifier.fa, verifier.en, not wrong, detail, wrong))
    return RestoreReport(settings_dict["NAME"], checks, notes=_migration_notes(settings_dict))


def _migration_notes(settings_dict: dict[str, Any]) -> list[str]:
    """Whether this code's migrations match the restored database's (a note, not a failure)."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    with connect(settings_dict) as conn:
        applied = {(app, name) for app, name in conn.execute("SELECT app, name FROM django_migrations")}
    ours = {app for app, _ in on_disk}
    pending = on_disk - applied
    unknown = {m for m in applied - on_disk if m[0] in ours}
    notes = []
    if pending:
        notes.append(
            f"مهاجرت‌های اعمال‌نشده / {len(pending)} migrations of this code are not in the backup: "
            "run `manage.py migrate` before serving"
        )
    if unknown:
        notes.append(
            f"پشتیبان از نسخهٔ جدیدتر / the backup has {len(unknown)} migrations this code does not know "
            f"(e.g. {sorted(unknown)[0][0]}.{sorted(unknown)[0][1]}): run the version it was taken with"
        )
    return notes


def report_lines(report: RestoreReport, manifest: dict[str, Any]) -> list[str]:
    app = manifest.get("app", {})
    lines = [
        f"بازیابی پشتیبان / restored backup {manifest.get('name', '?')} "
        f"(taken {manifest.get('created_at', '?')}, version {app.get('version', '?')}, "
        f"commit {(app.get('commit') or '?')[:12]})",
        f"  پایگاه داده / database: {report.database}"
        + (" (ساخته شد / created)" if report.created else "")
        + (
            f" (جایگزین شد / swapped in, --force; the previous database is kept as {report.previous})"
            if report.replaced
            else ""
        ),
    ]
    for check in report.checks:
        mark = "✓ درست / OK" if check.ok else "✗ نادرست / MISMATCH"
        lines.append(f"  {check.fa} / {check.en}: {mark} — {check.detail}")
        lines += [f"      {p}" for p in check.problems[:20]]
        if len(check.problems) > 20:
            lines.append(f"      … and {len(check.problems) - 20} more")
    lines += [f"  {note}" for note in report.notes]
    lines.append(
        "نتیجه: بازیابی و بررسی درست / RESULT: restored and verified"
        if report.ok
        else "نتیجه: ناهمخوانی / RESULT: MISMATCH — do not put this database in service"
    )
    return lines


def problem_lines(report: RestoreReport) -> str:
    return "\n  ".join(f"{check.en}: {p}" for check in report.checks for p in check.problems[:20])
