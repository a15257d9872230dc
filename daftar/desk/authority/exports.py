"""CSV and XLSX export of the licence register as filtered on its page: streamed row by row,
Persian headers, Jalali dates, text that a spreadsheet would run as a formula shown as text
(``applications.exports.cell``); the CSV starts with a BOM so spreadsheet programs read UTF-8."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from daftar.applications import messages as case_msg
from daftar.applications.exports import cell
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_number
from daftar.licences.models import Licence, LicenceStatus
from daftar.licences.verification import live_status

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
XLSX_LIMIT = 100_000
STATUS = dict(LicenceStatus.choices)


def _rows(qs: QuerySet[Licence]) -> Iterator[list[Any]]:
    today = timezone.localdate()
    for lic in qs.iterator(chunk_size=2000):
        yield [
            cell(v)
            for v in [
                lic.number,
                lic.holder_name,
                lic.office_name,
                lic.municipality.name,
                lic.district.name,
                STATUS[live_status(lic, today)],
                to_jalali(lic.valid_from, digits=False),
                to_jalali(lic.valid_until, digits=False),
                to_jalali(lic.suspended_until, digits=False) if lic.suspended_until else "",
                lic.renewals,
            ]
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(qs: QuerySet[Licence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for row in _rows(qs):
        yield writer.writerow(row)


def export_response(qs: QuerySet[Licence], fmt: str) -> StreamingHttpResponse | FileResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="licences-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        if qs.count() > XLSX_LIMIT:
            raise ApplicationError(
                case_msg.EXPORT_TOO_LARGE.format(limit=persian_number(XLSX_LIMIT)), code="export_too_large"
            )
        from openpyxl import Workbook  # heavy, and only an XLSX export needs it

        book = Workbook(write_only=True)
        sheet = book.create_sheet("مجوزها")
        sheet.sheet_view.rightToLeft = True
        sheet.append(HEADER)
        for row in _rows(qs):
            sheet.append(row)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
        book.save(handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"licences-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise ApplicationError(case_msg.EXPORT_FORMAT, fields={"as": [case_msg.EXPORT_FORMAT]})
