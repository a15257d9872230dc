"""Writes of the municipalities app."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Province

PROVINCES_FILE = Path(__file__).resolve().parent / "data" / "iran_provinces.json"


def provinces_ensure() -> int:
    """Make sure the 31 provinces exist (migration 0002 loads them; a flushed database, as in
    transactional tests, does not have them). Returns how many were missing (one another
    writer made meanwhile is kept, and counted here too)."""
    rows = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))["provinces"]
    with transaction.atomic():
        present = set(Province.objects.values_list("name_en", flat=True))  # one query, not 31
        missing = [Province(name_en=r["name_en"], name_fa=r["name_fa"]) for r in rows if r["name_en"] not in present]
        Province.objects.bulk_create(missing, ignore_conflicts=True)  # one made meanwhile is kept
        created = len(missing)
    return created
