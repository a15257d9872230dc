"""Writes of the municipalities app."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Province

PROVINCES_FILE = Path(__file__).resolve().parent / "data" / "iran_provinces.json"


def provinces_ensure() -> int:
    """Make sure the 31 provinces exist (migration 0002 loads them; a flushed database, as in
    transactional tests, does not have them). Returns how many were created."""
    rows = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))["provinces"]
    created = 0
    with transaction.atomic():
        for row in rows:
            _, was_created = Province.objects.get_or_create(
                name_en=row["name_en"], defaults={"name_fa": row["name_fa"]}
            )
            created += was_created
    return created
