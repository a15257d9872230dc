"""The service catalogue, tariffs and tariff revisions, moved from the ``services`` app
(decision 0025). State only: the tables (``services_service``, ``services_tariffrevision``,
``services_tariff``) were created by ``services.0001_initial`` and keep their rows; the
``services`` app forgets its copies of these models in ``services.0003_models_moved``."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("services", "0002_catalogue"),
        ("municipalities", "0004_municipality_thursdays_off_dayoff"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Service",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="کد")),
                        ("title", models.CharField(max_length=200, verbose_name="عنوان")),
                        (
                            "duration_minutes",
                            models.PositiveSmallIntegerField(
                                default=15,
                                validators=[
                                    django.core.validators.MinValueValidator(5),
                                    django.core.validators.MaxValueValidator(240),
                                ],
                                verbose_name="مدت انجام (دقیقه)",
                            ),
                        ),
                        ("bookable", models.BooleanField(default=True, verbose_name="نوبت\u200cپذیر")),
                        ("active", models.BooleanField(default=True, verbose_name="فعال")),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="ترتیب نمایش")),
                    ],
                    options={
                        "verbose_name": "خدمت",
                        "verbose_name_plural": "فهرست خدمات",
                        "db_table": "services_service",
                        "ordering": ["position", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="TariffRevision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("percent", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="درصد تغییر")),
                        (
                            "rounding_step",
                            models.PositiveIntegerField(default=10000, verbose_name="گرد کردن به (ریال)"),
                        ),
                        ("effective_from", models.DateField(verbose_name="اجرا از تاریخ")),
                        ("resolution", models.CharField(blank=True, max_length=100, verbose_name="شمارهٔ مصوبهٔ شورا")),
                        (
                            "status",
                            models.CharField(
                                choices=[("scheduled", "زمان\u200cبندی\u200cشده"), ("cancelled", "لغوشده")],
                                default="scheduled",
                                max_length=10,
                                verbose_name="وضعیت",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="تاریخ ثبت"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tariff_revisions",
                                to="municipalities.municipality",
                                verbose_name="شهرداری",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "بازنگری تعرفه",
                        "verbose_name_plural": "بازنگری\u200cهای تعرفه",
                        "db_table": "services_tariffrevision",
                        "ordering": ["municipality", "-effective_from", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Tariff",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("amount", models.PositiveBigIntegerField(verbose_name="مبلغ (ریال)")),
                        ("effective_from", models.DateField(verbose_name="اجرا از تاریخ")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="تاریخ ثبت"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tariffs",
                                to="municipalities.municipality",
                                verbose_name="شهرداری",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tariffs",
                                to="catalogue.service",
                                verbose_name="خدمت",
                            ),
                        ),
                        (
                            "revision",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tariffs",
                                to="catalogue.tariffrevision",
                                verbose_name="بازنگری",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "تعرفه",
                        "verbose_name_plural": "تعرفه\u200cها",
                        "db_table": "services_tariff",
                        "ordering": ["municipality", "service__position", "-effective_from"],
                        "indexes": [
                            models.Index(fields=["municipality", "service", "effective_from"], name="tariff_in_force")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("municipality", "service", "effective_from"), name="tariff_unique_day"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
