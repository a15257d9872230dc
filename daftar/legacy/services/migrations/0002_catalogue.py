"""The municipal service catalogue (S5). Durations are examples (minutes at one counter)."""

from django.db import migrations

CATALOGUE = [
    # code, title, minutes, bookable
    ("building_permit", "درخواست صدور پروانهٔ ساختمانی", 30, True),
    ("property_inquiry", "استعلام ملک", 15, True),
    ("completion_certificate", "درخواست گواهی پایان کار", 30, True),
    ("charges_payment", "پرداخت عوارض شهرداری", 10, True),
    ("appointment_booking", "نوبت‌دهی برای خدمات شهرداری", 10, False),
    ("other_inquiry", "سایر استعلام‌ها و خدمات اداری", 15, True),
]


def forwards(apps, schema_editor):
    Service = apps.get_model("services", "Service")
    for position, (code, title, minutes, bookable) in enumerate(CATALOGUE, start=1):
        Service.objects.get_or_create(
            code=code,
            defaults={"title": title, "duration_minutes": minutes, "bookable": bookable, "position": position},
        )


def backwards(apps, schema_editor):
    apps.get_model("services", "Service").objects.filter(code__in=[c[0] for c in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
