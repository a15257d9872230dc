"""The licence register's export reads in keyset batches (``kernel.streaming``, decision 0041):
the same licences in the same order as the register lists them, ceil(N/k) queries of at most k
rows each, and no server-side cursor (PgBouncer's transaction mode)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daftar.licences.models import Licence

from .authority_helpers import AUTHORITY, client_of, days

pytestmark = pytest.mark.django_db
URL = "/desk/authority/licences/export/"
TABLE = Licence._meta.db_table


def test_the_register_export_reads_batches_and_keeps_the_registers_order(make_licence, settings):
    for i in range(8):
        make_licence(valid_until=days(100 + i // 3))  # end dates tie in threes: the number breaks ties
    expected = list(Licence.objects.order_by("valid_until", "number").values_list("number", flat=True))
    settings.DAFTAR_EXPORT_CHUNK_ROWS = 3
    client = client_of(AUTHORITY)
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(client.get(URL, {"as": "csv"}).streaming_content).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(body))][1:] == expected
    reads = [q["sql"] for q in queries.captured_queries if f'FROM "{TABLE}"' in q["sql"] and "LIMIT" in q["sql"]]
    assert len(reads) == 3 and all("LIMIT 3" in sql for sql in reads)  # 3 + 3 + 2 rows
