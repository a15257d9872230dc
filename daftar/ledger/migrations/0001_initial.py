"""Transactions, daily closings and cost entries, moved from the ``services`` app (decision
0025). State only: the tables (``services_dailyclosing``, ``services_transaction``,
``services_costentry``) with their indexes and constraints were created by
``services.0001_initial`` and keep their rows."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalogue", "0001_initial"),
        ("municipalities", "0004_municipality_thursdays_off_dayoff"),
        ("offices", "0002_officeservice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyClosing",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField(verbose_name="روز")),
                        ("count", models.PositiveIntegerField(verbose_name="تعداد تراکنش")),
                        ("total", models.PositiveBigIntegerField(verbose_name="جمع (ریال)")),
                        (
                            "closed_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="زمان بستن"),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="closings",
                                to="offices.office",
                                verbose_name="دفتر",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "بستن روز",
                        "verbose_name_plural": "بستن روزها",
                        "db_table": "services_dailyclosing",
                        "ordering": ["office", "-day"],
                    },
                ),
                migrations.CreateModel(
                    name="Transaction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("tariff_amount", models.PositiveBigIntegerField(verbose_name="مبلغ تعرفه (ریال)")),
                        ("amount", models.PositiveBigIntegerField(verbose_name="مبلغ دریافتی (ریال)")),
                        ("payment_ref", models.CharField(max_length=64, verbose_name="شمارهٔ پیگیری پرداخت")),
                        (
                            "performed_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="زمان انجام"),
                        ),
                        ("day", models.DateField(verbose_name="روز")),
                        ("jyear", models.PositiveSmallIntegerField(verbose_name="سال شمسی")),
                        ("jmonth", models.PositiveSmallIntegerField(verbose_name="ماه شمسی")),
                        ("outside_hours", models.BooleanField(default=False, verbose_name="خارج از ساعات مصوب")),
                        ("appointment_code", models.CharField(blank=True, max_length=16, verbose_name="کد نوبت")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="زمان ثبت"),
                        ),
                        (
                            "closing",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="transactions",
                                to="ledger.dailyclosing",
                                verbose_name="بستن روز",
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="municipalities.district",
                                verbose_name="منطقه",
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="municipalities.municipality",
                                verbose_name="شهرداری",
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="transactions",
                                to="offices.office",
                                verbose_name="دفتر",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalogue.service",
                                verbose_name="خدمت",
                            ),
                        ),
                        (
                            "tariff",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalogue.tariff",
                                verbose_name="تعرفه",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "تراکنش",
                        "verbose_name_plural": "تراکنش\u200cها",
                        "db_table": "services_transaction",
                        "ordering": ["office", "-performed_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="CostEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("jyear", models.PositiveSmallIntegerField(verbose_name="سال شمسی")),
                        (
                            "jmonth",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(12),
                                ],
                                verbose_name="ماه شمسی",
                            ),
                        ),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("salaries", "حقوق کارکنان"),
                                    ("rent", "اجاره"),
                                    ("equipment", "تجهیزات"),
                                    ("other", "سایر"),
                                ],
                                max_length=10,
                                verbose_name="دسته",
                            ),
                        ),
                        ("amount", models.PositiveBigIntegerField(verbose_name="مبلغ (ریال)")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="شرح")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="زمان ثبت"),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="costs",
                                to="offices.office",
                                verbose_name="دفتر",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "هزینه",
                        "verbose_name_plural": "هزینه\u200cها",
                        "db_table": "services_costentry",
                        "ordering": ["office", "-jyear", "-jmonth", "pk"],
                        "indexes": [models.Index(fields=["office", "jyear", "jmonth"], name="cost_office_month")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("jmonth__gte", 1), ("jmonth__lte", 12)), name="cost_month_range"
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="dailyclosing",
                    constraint=models.UniqueConstraint(fields=("office", "day"), name="dailyclosing_unique_day"),
                ),
                migrations.AddIndex(
                    model_name="transaction",
                    index=models.Index(fields=["office", "day"], name="transaction_office_day"),
                ),
                migrations.AddIndex(
                    model_name="transaction",
                    index=models.Index(fields=["office", "jyear", "jmonth"], name="transaction_office_month"),
                ),
                migrations.AddIndex(
                    model_name="transaction",
                    index=models.Index(fields=["municipality", "jyear", "jmonth"], name="transaction_city_month"),
                ),
                migrations.AddIndex(
                    model_name="transaction",
                    index=models.Index(
                        fields=["district", "service", "jyear", "jmonth"], name="transaction_district_demand"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="transaction",
                    constraint=models.UniqueConstraint(
                        fields=("office", "payment_ref"), name="transaction_unique_payment_ref"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="transaction",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("amount__lte", models.F("tariff_amount"))), name="transaction_within_tariff"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
