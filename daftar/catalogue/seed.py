"""The national service catalogue as first seeded (S5). Durations are examples (minutes at one
counter).

The rows were put in the database by migration ``services.0002_catalogue`` (a frozen copy of
this list, kept with the legacy migrations). ``catalogue_seed`` puts them back where a test's
flush emptied the tables, and the demo makes sure they exist; it never changes a row that is
there."""

from __future__ import annotations

from typing import Any

CATALOGUE = [
    # code, title, minutes, bookable
    ("building_permit", "درخواست صدور پروانهٔ ساختمانی", 30, True),
    ("property_inquiry", "استعلام ملک", 15, True),
    ("completion_certificate", "درخواست گواهی پایان کار", 30, True),
    ("charges_payment", "پرداخت عوارض شهرداری", 10, True),
    ("appointment_booking", "نوبت‌دهی برای خدمات شهرداری", 10, False),
    ("other_inquiry", "سایر استعلام‌ها و خدمات اداری", 15, True),
]


def catalogue_seed(apps: Any, schema_editor: Any = None) -> None:
    """Create the services of ``CATALOGUE`` that are missing (idempotent). ``apps`` is the app
    registry (``django.apps.apps``) or a migration's historical one."""
    Service = apps.get_model("catalogue", "Service")
    for position, (code, title, minutes, bookable) in enumerate(CATALOGUE, start=1):
        Service.objects.get_or_create(
            code=code,
            defaults={"title": title, "duration_minutes": minutes, "bookable": bookable, "position": position},
        )
