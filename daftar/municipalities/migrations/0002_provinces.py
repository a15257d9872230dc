"""Load the 31 provinces of Iran (© OpenStreetMap contributors, ODbL 1.0)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "iran_provinces.json"


def load(apps, schema_editor):
    Province = apps.get_model("municipalities", "Province")
    for row in json.loads(DATA.read_text(encoding="utf-8"))["provinces"]:
        Province.objects.get_or_create(name_en=row["name_en"], defaults={"name_fa": row["name_fa"]})


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
