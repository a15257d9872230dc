"""``OfficeService`` (which services an office offers), moved from the ``services`` app
(decision 0025). State only: ``services_officeservice`` was created by
``services.0001_initial`` and keeps its rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OfficeService",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="offered",
                                to="offices.office",
                                verbose_name="دفتر",
                            ),
                        ),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="offered_at",
                                to="catalogue.service",
                                verbose_name="خدمت",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "خدمت دفتر",
                        "verbose_name_plural": "خدمات دفتر",
                        "db_table": "services_officeservice",
                        "ordering": ["office", "service__position"],
                        "constraints": [
                            models.UniqueConstraint(fields=("office", "service"), name="officeservice_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
