"""``python manage.py verify_audit``: exit 0 on an intact log, 1 naming the first bad row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from daftar.audit.models import AuditEntry
from daftar.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = verify_chain()
        if problem is not None:
            where = f"seq {problem.seq}" + (f" (id {problem.entry_id})" if problem.entry_id else "")
            raise CommandError(f"audit log broken at {where}: {problem.reason}", returncode=1)
        self.stdout.write(f"audit log intact: {AuditEntry.objects.count()} entries")
