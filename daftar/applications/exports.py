"""CSV and XLSX export of a staff queue (issue 4 §6): read in batches (``kernel.streaming``) and
streamed, in Persian, with Jalali dates (``kernel.tabular``: BOM, formula-safe cells, the XLSX
bound)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from daftar.kernel.jalali import to_jalali
from daftar.kernel.streaming import keyset_rows
from daftar.kernel.tabular import XLSX_LIMIT, cell, table_response
from daftar.runtime.dbrouter import on_replica, replica_rows

from .models import Application
from .selectors import is_overdue

__all__ = ["HEADER", "XLSX_LIMIT", "cell", "export_response"]

HEADER = ["شناسه", "کد رهگیری", "متقاضی", "منطقه", "وضعیت", "تاریخ ثبت", "مهلت", "گذشته از مهلت", "امتیاز"]


def _rows(qs: QuerySet[Application]) -> Iterator[list[object]]:
    now = timezone.now()
    for a in keyset_rows(qs):  # batches without a server-side cursor (decision 0041)
        yield [
            a.pk,
            a.tracking_code or "",
            a.applicant.get_full_name(),
            a.district.name,
            a.get_status_display(),
            to_jalali(a.submitted_at, with_time=True, digits=False),
            to_jalali(a.due_at, digits=False),
            "بله" if is_overdue(a, now) else "خیر",
            "" if a.score_total is None else float(a.score_total),
        ]


def export_response(qs: QuerySet[Application], fmt: str) -> StreamingHttpResponse | FileResponse:
    # a heavy read: on the read replica when there is one (daftar/runtime/dbrouter.py)
    return table_response(
        fmt=fmt,
        name="queue",
        sheet="صف کار",
        header=HEADER,
        rows=replica_rows(lambda: _rows(qs)),
        count=on_replica(qs.count),
    )
