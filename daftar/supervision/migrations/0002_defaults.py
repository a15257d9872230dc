"""Global defaults (municipality NULL): the catalogue of violations of the issue and the
default ladder warning → 30-day suspension → revocation (P5)."""

from django.db import migrations

TYPES = [
    ("outside_hours", "کار در خارج از ساعات مصوب", "major"),
    ("overcharging", "دریافت وجه بیش از تعرفهٔ مصوب", "grave"),
    ("unpermitted_service", "ارائهٔ خدمت غیرمجاز", "major"),
    ("tariff_not_posted", "نصب‌نکردن جدول تعرفه در معرض دید", "minor"),
    ("report_missing", "ارسال‌نکردن گزارش شش‌ماهه", "minor"),
    ("unauthorised_closure", "تعطیلی بدون مجوز", "major"),
]
LADDER = [(1, "warning", 0), (2, "suspension", 30), (3, "revocation", 0)]


def seed(apps, schema_editor):
    ViolationType = apps.get_model("supervision", "ViolationType")
    LadderStep = apps.get_model("supervision", "LadderStep")
    for code, title, severity in TYPES:
        ViolationType.objects.get_or_create(
            municipality=None, code=code, defaults={"title": title, "severity": severity}
        )
    for position, outcome, days in LADDER:
        LadderStep.objects.get_or_create(
            municipality=None, position=position, defaults={"outcome": outcome, "suspension_days": days}
        )


def unseed(apps, schema_editor):
    apps.get_model("supervision", "LadderStep").objects.filter(municipality=None).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
