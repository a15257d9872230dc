"""Load the 31 provinces of Iran (© OpenStreetMap contributors, ODbL 1.0)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "iran_provinces.json"


def load(apps, schema_editor):
    Province = apps.get_model("municipalities", "Province")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["provinces"]
    present = set(Province.objects.values_list("name_en", flat=True))  # one query, not 31 (tests re-seed often)
    Province.objects.bulk_create(
        [Province(name_en=r["name_en"], name_fa=r["name_fa"]) for r in rows if r["name_en"] not in present]
    )


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
