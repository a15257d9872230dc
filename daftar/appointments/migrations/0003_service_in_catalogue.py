"""An appointment's service is now ``catalogue.Service`` (decision 0025). State only: the same
table (``services_service``) and the same foreign key constraint as before."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0002_no_overlap_on_postgresql"),
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="service",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.service",
                        verbose_name="خدمت",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
