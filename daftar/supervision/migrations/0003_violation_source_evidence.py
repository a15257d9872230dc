"""A violation's source (system, inspector, supervisor, complaint), its structured evidence, the
day of a once-a-day detection, and evidence files (issue 18 §2).

Existing rows are given a source by a simple, documented rule (``backfill``):

* no recorder (``recorded_by`` NULL): the system detected it (an overcharge, a missing report);
* recorded by someone holding the inspector role in the violation's municipality, with the
  supervision visit's text (``inspections.messages.VIOLATION_TEXT`` begins «در بازدید نظارتی»):
  an inspector on a visit;
* anyone else: a supervisor.

A missing six-monthly report's violation gets its period as evidence; other old rows keep their
description only (their pages show it).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

VISIT_TEXT = "در بازدید نظارتی"


def backfill(apps, schema_editor):
    Violation = apps.get_model("supervision", "Violation")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    inspectors = set(RoleAssignment.objects.filter(role="inspector").values_list("user_id", "municipality_id"))
    for v in Violation.objects.all().only("pk", "recorded_by_id", "municipality_id", "description", "report_period"):
        if v.recorded_by_id is None:
            source = "system"
        elif (v.recorded_by_id, v.municipality_id) in inspectors and v.description.startswith(VISIT_TEXT):
            source = "inspector"
        else:
            source = "supervisor"
        evidence = {"kind": "report_missing", "period": v.report_period} if v.report_period else {}
        Violation.objects.filter(pk=v.pk).update(source=source, evidence=evidence)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_onetimecode_requester"),
        ("licences", "0004_sanctioned_from_backfill"),
        ("municipalities", "0004_municipality_thursdays_off_dayoff"),
        ("supervision", "0002_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ViolationEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(max_length=200, upload_to="", verbose_name="پرونده")),
                ("original_name", models.CharField(max_length=160, verbose_name="نام اصلی")),
                ("mime", models.CharField(max_length=40, verbose_name="نوع")),
                ("size", models.PositiveIntegerField(verbose_name="اندازه (بایت)")),
                ("sha256", models.CharField(max_length=64, verbose_name="چکیدهٔ SHA-256")),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="زمان بارگذاری")),
            ],
            options={
                "verbose_name": "پروندهٔ شاهد تخلف",
                "verbose_name_plural": "پرونده\u200cهای شاهد تخلف",
                "ordering": ["pk"],
            },
        ),
        migrations.AddField(
            model_name="violation",
            name="detected_on",
            field=models.DateField(blank=True, null=True, verbose_name="روز شناسایی"),
        ),
        migrations.AddField(
            model_name="violation",
            name="evidence",
            field=models.JSONField(blank=True, default=dict, verbose_name="شواهد"),
        ),
        migrations.AddField(
            model_name="violation",
            name="source",
            field=models.CharField(
                choices=[
                    ("system", "شناسایی سامانه"),
                    ("inspector", "بازرس در بازدید نظارتی"),
                    ("supervisor", "ناظر"),
                    ("complaint", "شکایت شهروند"),
                ],
                db_index=True,
                default="supervisor",
                max_length=10,
                verbose_name="منشأ",
            ),
        ),
        migrations.AddConstraint(
            model_name="violation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("detected_on__isnull", False)),
                fields=("licence", "violation_type", "detected_on"),
                name="violation_detected_once_a_day",
            ),
        ),
        migrations.AddField(
            model_name="violationevidence",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="بارگذار",
            ),
        ),
        migrations.AddField(
            model_name="violationevidence",
            name="violation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="files",
                to="supervision.violation",
                verbose_name="تخلف",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
