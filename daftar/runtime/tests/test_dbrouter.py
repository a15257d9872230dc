"""The read replica (issue 20, point 10; daftar/runtime/dbrouter.py): an export's and a heavy
report's reads go to the ``replica`` alias, pages and writes to the primary, a transaction on
the primary keeps its reads, and without a replica everything stays on the primary. The test
settings give a ``replica`` alias that mirrors the test database (config/settings/test.py), so
what each alias was asked is captured per alias. Transactional tests: inside a test's own
transaction the router keeps every read on the primary, as it must."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from daftar.desk.tests.authority_helpers import AUTHORITY, client_of
from daftar.ledger.months import current_month
from daftar.licences.models import Licence
from daftar.revenue.analytics import municipality_revenue
from daftar.runtime.dbrouter import reading_from_replica, replica_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
REGISTER = "/desk/authority/licences/"


class PerAlias:
    def __init__(self) -> None:
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def sql(self, alias: str) -> str:
        return "\n".join(q["sql"] for q in getattr(self, alias).captured_queries)


@pytest.fixture
def per_alias() -> Iterator[PerAlias]:
    captured = PerAlias()
    with captured.default, captured.replica:
        yield captured


@pytest.fixture
def replica(settings: Any) -> None:
    settings.DATABASE_REPLICA = "replica"


def test_a_streamed_export_reads_its_rows_from_the_replica(replica, make_licence, per_alias) -> None:
    licence = make_licence()
    client = client_of(AUTHORITY)
    response = client.get(REGISTER + "export/", {"as": "csv"})
    with CaptureQueriesContext(connections["default"]) as default, CaptureQueriesContext(connections["replica"]) as rep:
        body = b"".join(response.streaming_content).decode()
    assert licence.number in body  # the replica (here the same database) holds the rows
    assert '"licences_licence"' in "\n".join(q["sql"] for q in rep.captured_queries)
    assert '"licences_licence"' not in "\n".join(q["sql"] for q in default.captured_queries)


def test_an_xlsx_export_counts_and_reads_on_the_replica(replica, make_licence, per_alias) -> None:
    make_licence()
    response = client_of(AUTHORITY).get(REGISTER + "export/", {"as": "xlsx"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert "COUNT(*)" in per_alias.sql("replica") and '"licences_licence"' in per_alias.sql("replica")


def test_the_register_page_and_the_login_stay_on_the_primary(replica, make_licence, per_alias) -> None:
    make_licence()
    response = client_of(AUTHORITY).get(REGISTER)
    assert response.status_code == 200
    assert '"licences_licence"' in per_alias.sql("default")
    assert per_alias.replica.captured_queries == []


def test_a_heavy_report_reads_on_the_replica(replica, make_licence, per_alias) -> None:
    licence = make_licence()
    report = municipality_revenue(licence.municipality_id, [current_month()])
    assert "groups" in report
    assert per_alias.replica.captured_queries
    assert "ledger_transaction" not in per_alias.sql("default")


def test_writes_go_to_the_primary_even_for_an_object_read_on_the_replica(replica, make_licence, per_alias) -> None:
    licence = make_licence()
    with reading_from_replica():
        found = Licence.objects.get(pk=licence.pk)
        assert found._state.db == "replica"
        Licence.objects.filter(pk=licence.pk).update(renewals=2)
    found.renewals = 3
    found.save(update_fields=["renewals"])
    assert "UPDATE" not in per_alias.sql("replica")
    assert 'SET "renewals" = 2' in per_alias.sql("default") and 'SET "renewals" = 3' in per_alias.sql("default")
    assert Licence.objects.get(pk=licence.pk).renewals == 3


def test_inside_a_transaction_on_the_primary_reads_stay_there(replica, make_licence, per_alias) -> None:
    licence = make_licence()
    with transaction.atomic(), reading_from_replica():
        assert replica_alias() is None
        Licence.objects.filter(pk=licence.pk).update(renewals=5)
        assert Licence.objects.get(pk=licence.pk).renewals == 5  # its own write, not a lagging copy
    assert per_alias.replica.captured_queries == []
    with reading_from_replica():
        assert replica_alias() == "replica"


def test_without_a_replica_everything_uses_the_primary(settings, make_licence, per_alias) -> None:
    settings.DATABASE_REPLICA = ""
    licence = make_licence()
    with reading_from_replica():
        assert replica_alias() is None
        assert Licence.objects.get(pk=licence.pk)._state.db == "default"
    body = b"".join(client_of(AUTHORITY).get(REGISTER + "export/", {"as": "csv"}).streaming_content).decode()
    assert licence.number in body
    assert per_alias.replica.captured_queries == []
