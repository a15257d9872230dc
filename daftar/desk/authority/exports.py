"""CSV and XLSX export of the licence register as filtered on its page: read in batches
(``kernel.streaming``) and streamed, Persian headers, Jalali dates, text that a spreadsheet would
run as a formula shown as text (``kernel.tabular``); the CSV starts with a BOM so spreadsheet
programs read UTF-8."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from daftar.kernel.jalali import to_jalali
from daftar.kernel.streaming import keyset_rows
from daftar.kernel.tabular import table_response
from daftar.licences.models import Licence, LicenceStatus
from daftar.licences.verification import live_status
from daftar.runtime.dbrouter import on_replica, replica_rows

HEADER = [
    "شمارهٔ مجوز",
    "دارنده",
    "نام دفتر",
    "شهرداری",
    "منطقه",
    "وضعیت",
    "اعتبار از",
    "اعتبار تا",
    "تعلیق تا",
    "دفعات تمدید",
]
STATUS = dict(LicenceStatus.choices)


def _rows(qs: QuerySet[Licence]) -> Iterator[list[Any]]:
    today = timezone.localdate()
    for lic in keyset_rows(qs):  # batches without a server-side cursor (decision 0041)
        yield [
            lic.number,
            lic.holder_name,
            lic.display_name,
            lic.municipality.name,
            lic.district.name,
            STATUS[live_status(lic, today)],
            to_jalali(lic.valid_from, digits=False),
            to_jalali(lic.valid_until, digits=False),
            to_jalali(lic.suspended_until, digits=False) if lic.suspended_until else "",
            lic.renewals,
        ]


def export_response(qs: QuerySet[Licence], fmt: str) -> StreamingHttpResponse | FileResponse:
    return table_response(
        # a heavy read: on the read replica when there is one (daftar/runtime/dbrouter.py)
        fmt=fmt,
        name="licences",
        sheet="مجوزها",
        header=HEADER,
        rows=replica_rows(lambda: _rows(qs)),
        count=on_replica(qs.count),
    )
