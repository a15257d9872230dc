"""The upgrade across the split of the former ``services`` app (decision 0025): a database at
the migrations of f43033a (before the split) holds rows written through the old models; after
migrating to today's leaves, the same rows are read through ``catalogue``, ``offices`` and
``ledger`` models with every relation intact. The tables are never rewritten: the moving
migrations are state-only.

Run on PostgreSQL too (``DATABASE_URL=postgres://…``): the state-only operations must not
touch the schema there either."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from daftar.accounts.tests.factories import UserFactory
from daftar.municipalities.tests.factories import DistrictFactory
from daftar.offices.models import Office
from daftar.offices.tests.factories import OfficeFactory

# The leaves of f43033a for the apps the split touched; ``None``: the app did not exist yet.
# Every other app stays at its leaf (its migrations did not change).
BEFORE_SPLIT = {
    "services": "0002_catalogue",
    "offices": "0001_initial",
    "appointments": "0002_no_overlap_on_postgresql",
    "catalogue": None,
    "ledger": None,
    # apps that came later and depend on the split's migrations
    "hall": None,
    "scorecard": None,
}
DAY = dt.date(2026, 11, 24)  # 1405/09/03


def _before_split_nodes(executor: MigrationExecutor) -> list[tuple[str, str]]:
    nodes = [(app, name) for app, name in executor.loader.graph.leaf_nodes() if app not in BEFORE_SPLIT]
    return nodes + [(app, name) for app, name in BEFORE_SPLIT.items() if name is not None]


def _write_old_rows(old: Any, office: Office, citizen: Any) -> dict[str, int]:
    """Rows written through the historical models of f43033a (``services.*``)."""
    Service = old.get_model("services", "Service")
    service = Service.objects.get(code="property_inquiry")  # seeded by services.0002_catalogue
    extra = Service.objects.create(code="split_check", title="خدمت آزمایشی", duration_minutes=20, position=99)
    revision = old.get_model("services", "TariffRevision").objects.create(
        municipality_id=office.municipality_id, percent=Decimal("10.00"), effective_from=DAY + dt.timedelta(days=30)
    )
    Tariff = old.get_model("services", "Tariff")
    tariff = Tariff.objects.create(
        municipality_id=office.municipality_id, service=service, amount=250_000, effective_from=DAY
    )
    revised = Tariff.objects.create(
        municipality_id=office.municipality_id,
        service=service,
        amount=280_000,
        effective_from=revision.effective_from,
        revision=revision,
    )
    OfficeService = old.get_model("services", "OfficeService")
    OfficeService.objects.create(office_id=office.pk, service=service)
    OfficeService.objects.create(office_id=office.pk, service=extra)
    closing = old.get_model("services", "DailyClosing").objects.create(
        office_id=office.pk, day=DAY, count=1, total=250_000
    )
    transaction = old.get_model("services", "Transaction").objects.create(
        office_id=office.pk,
        municipality_id=office.municipality_id,
        district_id=office.district_id,
        service=service,
        tariff=tariff,
        tariff_amount=250_000,
        amount=240_000,
        payment_ref="SPLIT-1",
        day=DAY,
        jyear=1405,
        jmonth=9,
        closing=closing,
    )
    cost = old.get_model("services", "CostEntry").objects.create(
        office_id=office.pk, jyear=1405, jmonth=9, category="rent", amount=50_000_000, note="اجارهٔ آذر"
    )
    start = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    appointment = old.get_model("appointments", "Appointment").objects.create(
        office_id=office.pk,
        service=service,
        citizen_id=citizen.pk,
        start=start,
        end=start + dt.timedelta(minutes=15),
        day=start.date(),
        counter=1,
        code="SPLT-2345",
    )
    return {
        "service": service.pk,
        "extra": extra.pk,
        "revision": revision.pk,
        "tariff": tariff.pk,
        "revised": revised.pk,
        "closing": closing.pk,
        "transaction": transaction.pk,
        "cost": cost.pk,
        "appointment": appointment.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_split_are_read_through_the_new_models() -> None:
    from daftar.appointments.models import Appointment
    from daftar.catalogue.models import Service, Tariff, TariffRevision
    from daftar.ledger.models import CostEntry, DailyClosing, Transaction

    district = DistrictFactory.create()
    office = OfficeFactory(district=district, name="دفتر آزمون جداسازی")
    citizen = UserFactory.create()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = _before_split_nodes(executor)
    try:
        executor.migrate(list(BEFORE_SPLIT.items()))
        old = MigrationExecutor(connection).loader.project_state(before).apps
        ids = _write_old_rows(old, office, citizen)
    finally:
        executor = MigrationExecutor(connection)  # the graph as applied now
        executor.migrate(leaves)
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert set(leaves) <= set(applied)

    office.refresh_from_db()
    assert sorted(row.service.code for row in office.offered.all()) == ["property_inquiry", "split_check"]
    service = Service.objects.get(pk=ids["service"])
    assert [row.office_id for row in service.offered_at.all()] == [office.pk]
    assert Service.objects.get(pk=ids["extra"]).duration_minutes == 20

    tariff = Tariff.objects.select_related("service", "revision").get(pk=ids["tariff"])
    assert (tariff.service.code, tariff.amount, tariff.revision) == ("property_inquiry", 250_000, None)
    revision = TariffRevision.objects.get(pk=ids["revision"])
    assert revision.percent == Decimal("10.00") and revision.status == "scheduled"
    assert [t.pk for t in revision.tariffs.all()] == [ids["revised"]]

    transaction = Transaction.objects.select_related("office", "service", "tariff", "closing").get(
        pk=ids["transaction"]
    )
    assert (transaction.office, transaction.service, transaction.tariff) == (office, service, tariff)
    assert transaction.closing is not None and transaction.closing.total == 250_000
    assert list(office.transactions.values_list("payment_ref", flat=True)) == ["SPLIT-1"]
    assert list(DailyClosing.objects.get(pk=ids["closing"]).transactions.all()) == [transaction]
    assert list(office.closings.values_list("pk", flat=True)) == [ids["closing"]]
    cost = CostEntry.objects.get(pk=ids["cost"])
    assert (cost.office, cost.get_category_display(), cost.amount) == (office, "اجاره", 50_000_000)
    assert list(office.costs.all()) == [cost]
    assert Appointment.objects.select_related("service").get(pk=ids["appointment"]).service == service

    # the content types (and the admin permissions on them) follow the models
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Tariff).app_label == "catalogue"
    assert ContentType.objects.get_for_model(Transaction).app_label == "ledger"
    assert not ContentType.objects.filter(app_label="services").exists()


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree() -> None:
    """``makemigrations --check``: no model change lacks its migration (the moved models'
    state-only migrations describe them exactly)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
