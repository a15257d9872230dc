"""The models of this app moved (decision 0025): ``Service``, ``TariffRevision`` and ``Tariff``
to ``catalogue``, ``OfficeService`` to ``offices``, ``DailyClosing``, ``Transaction`` and
``CostEntry`` to ``ledger``. State only: their tables keep their names and rows, the new apps
took them over in their own state-only migrations (listed below as dependencies).

The content types (and with them the admin permissions) follow the models to their new app
labels, unless the new app's already exist (a database made after the split)."""

from django.db import migrations

MOVED = {
    "service": "catalogue",
    "tariffrevision": "catalogue",
    "tariff": "catalogue",
    "officeservice": "offices",
    "dailyclosing": "ledger",
    "transaction": "ledger",
    "costentry": "ledger",
}


def _relabel(apps, schema_editor, *, forwards):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model, label in MOVED.items():
        old, new = ("services", label) if forwards else (label, "services")
        if not rows.filter(app_label=new, model=model).exists():
            rows.filter(app_label=old, model=model).update(app_label=new)


def content_types_forwards(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=True)


def content_types_backwards(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0002_catalogue"),
        ("catalogue", "0001_initial"),
        ("offices", "0002_officeservice"),
        ("ledger", "0001_initial"),
        ("appointments", "0003_service_in_catalogue"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # the models that refer to others first
                migrations.DeleteModel(name="Transaction"),
                migrations.DeleteModel(name="CostEntry"),
                migrations.DeleteModel(name="DailyClosing"),
                migrations.DeleteModel(name="OfficeService"),
                migrations.DeleteModel(name="Tariff"),
                migrations.DeleteModel(name="TariffRevision"),
                migrations.DeleteModel(name="Service"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
