"""The date each member removed before the staff register left (issue 22 §5): read from the
audit log's ``office.staff_remove`` entries, which name the office (the entry's object) and the
person (``data.user``). A member whose removal has no entry keeps no end date."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    OfficeStaff = apps.get_model("offices", "OfficeStaff")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    rows = list(OfficeStaff.objects.filter(active=False, removed_at__isnull=True))
    if not rows:
        return
    offices = {str(row.office_id) for row in rows}
    removals: dict[tuple[str, Any], list[Any]] = {}
    for entry in AuditEntry.objects.filter(
        action="office.staff_remove", object_type="offices.office", object_id__in=offices
    ).order_by("seq"):
        removals.setdefault((entry.object_id, entry.data.get("user")), []).append(entry.created_at)
    for row in rows:
        # the latest removal after the member was (last) added
        found = [at for at in removals.get((str(row.office_id), row.user_id), []) if at >= row.added_at]
        if found:
            OfficeStaff.objects.filter(pk=row.pk).update(removed_at=found[-1])


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0004_staff_register"),
        ("audit", "0004_auditentry_request_id"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
