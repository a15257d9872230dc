"""On PostgreSQL, no two live bookings of one counter of one office may overlap in time: an
exclusion constraint with btree_gist. SQLite (the embedded default) serialises writers and
relies on the locked count in ``services.appointment_book`` plus the unique constraint."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE appointments_appointment
  ADD CONSTRAINT appointment_no_overlap
  EXCLUDE USING gist (office_id WITH =, counter WITH =, tstzrange(start, "end", '[)') WITH &&)
  WHERE (status = 'booked');
"""
DROP = "ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
