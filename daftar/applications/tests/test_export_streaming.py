"""The queue's export reads its rows in keyset batches (``kernel.streaming``, decision 0041): no
server-side cursor, so it works behind PgBouncer in transaction mode, with at most one batch of
rows in memory, and the spreadsheet lists the same rows in the same order as before."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.selectors import SORTS, queue
from daftar.kernel.streaming import keyset_chunks, keyset_rows

from .factories import ApplicationFactory
from .helpers import staff

pytestmark = pytest.mark.django_db
REVIEWER = "09120000002"
TABLE = Application._meta.db_table


def _cases(n: int) -> None:
    """``n`` submitted cases whose sort keys tie in pairs and whose deadlines are partly unset,
    so the order depends on the tie-break and on where the database puts NULLs."""
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)
    for i in range(n):
        case = ApplicationFactory(submitted=True)
        Application.objects.filter(pk=case.pk).update(
            submitted_at=start + dt.timedelta(hours=i // 2),
            due_at=None if i % 3 == 0 else start + dt.timedelta(days=10 + i // 2),
        )


def _export(settings, size: int) -> tuple[list[list[str]], list[str]]:
    settings.DAFTAR_EXPORT_CHUNK_ROWS = size
    reviewer = staff(REVIEWER)
    with CaptureQueriesContext(connection) as queries:
        response = reviewer.get("/api/v1/applications/export?as=csv&status=all&sort=deadline")
        assert response.status_code == 200 and response.streaming
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    reads = [q["sql"] for q in queries.captured_queries if f'FROM "{TABLE}"' in q["sql"] and "LIMIT" in q["sql"]]
    return list(csv.reader(io.StringIO(body)))[1:], reads


@pytest.mark.parametrize("n", [7, 6])
def test_the_export_reads_batches_of_k_rows_and_lists_what_it_listed_before(tehran_rules, settings, n):
    _cases(n)
    expected = [a.pk for a in queue(User.objects.get(mobile=REVIEWER), {"status": "all", "sort": "deadline"})]
    assert len(expected) >= n
    rows, reads = _export(settings, 3)
    assert [int(r[0]) for r in rows] == expected  # same rows, same order as list(queryset)
    # ceil(N/k) queries, one more when the last batch is full (it cannot know it was the last)
    full = len(expected) % 3 == 0
    assert len(reads) == math.ceil(len(expected) / 3) + (1 if full else 0)
    assert all("LIMIT 3" in sql for sql in reads)  # never more than one batch of rows alive


def test_every_sort_and_its_reverse_come_out_as_the_queryset_lists_them(tehran_rules):
    _cases(9)
    reviewer = User.objects.get(mobile=REVIEWER)
    for sort in SORTS:
        qs = queue(reviewer, {"status": "all", "sort": sort})
        assert [a.pk for a in keyset_rows(qs, 2)] == [a.pk for a in qs], sort
        assert [a.pk for a in keyset_rows(qs.reverse(), 4)] == [a.pk for a in qs.reverse()], sort
    for explicit in (F("due_at").asc(nulls_first=True), F("due_at").desc(nulls_last=True)):
        qs = Application.objects.order_by(explicit, "-pk")
        assert [a.pk for a in keyset_rows(qs, 2)] == [a.pk for a in qs], explicit
    # the model's own ordering (-created_at), which is not unique: the primary key breaks ties
    everything = Application.objects.all()
    assert [a.pk for a in keyset_rows(everything, 2)] == [a.pk for a in everything.order_by("-created_at", "pk")]


def test_select_related_is_kept_and_an_empty_queryset_reads_once(tehran_rules, django_assert_num_queries):
    _cases(4)
    qs = Application.objects.select_related("applicant", "district").order_by("submitted_at", "pk")
    with django_assert_num_queries(2):  # 3 rows + 1 row: the names come with the rows
        batches = [[(a.applicant.get_full_name(), a.district.name) for a in b] for b in keyset_chunks(qs, 3)]
    assert [len(b) for b in batches] == [3, 1]
    with django_assert_num_queries(1):
        assert list(keyset_chunks(Application.objects.filter(pk__lt=0), 3)) == []


def test_a_queryset_it_cannot_page_is_refused():
    with pytest.raises(ValueError, match="slice"):
        next(keyset_chunks(Application.objects.order_by("pk")[:5], 2))
    with pytest.raises(ValueError, match="relation"):
        next(keyset_chunks(Application.objects.order_by("district"), 2))
    with pytest.raises(ValueError, match="at least one"):
        next(keyset_chunks(Application.objects.order_by("pk"), 0))
