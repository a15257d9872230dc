"""The first day of each sanction in force before sanctions stopped offices (issue 17).

A licence suspended or revoked before ``sanctioned_from`` existed gets the day its sanction
began, read from its history: a suspension starts the sanction, a reinstatement, the end of a
suspension or an expiry ends it, and a revocation keeps the start of the suspension it ends (or
starts its own). Days are Tehran's. A licence with no such history keeps no date (its sanction
covers every day). Its office's bookings are cancelled by the next hourly sweep
(``moves.sanctions_reapply``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import migrations

TEHRAN = ZoneInfo("Asia/Tehran")
STARTS = {"suspend"}
ENDS = {"reinstate", "suspension_end", "expire", "renew"}


def sanction_start(events: list[tuple[str, dt.datetime]]) -> dt.date | None:
    """The first day of the sanction in force after ``events`` ((action, at), oldest first)."""
    start: dt.date | None = None
    for action, at in events:
        day = at.astimezone(TEHRAN).date()
        if action in STARTS:
            start = day
        elif action in ENDS:
            start = None
        elif action == "revoke":
            start = start or day
    return start


def backfill(apps: Any, schema_editor: Any) -> None:
    Licence = apps.get_model("licences", "Licence")
    LicenceEvent = apps.get_model("licences", "LicenceEvent")
    stopped = Licence.objects.filter(status__in=["suspended", "revoked"], sanctioned_from__isnull=True)
    for licence in stopped.iterator():
        history = LicenceEvent.objects.filter(licence_id=licence.pk).order_by("at", "pk")
        start = sanction_start(list(history.values_list("action", "at")))
        if start is not None:
            Licence.objects.filter(pk=licence.pk).update(sanctioned_from=start)


class Migration(migrations.Migration):
    dependencies = [("licences", "0003_sanctioned_from")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
