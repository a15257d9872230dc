"""CSV and XLSX export of a staff queue (issue 4 §6): streamed row by row, in Persian, with
Jalali dates; CSV starts with a BOM so that spreadsheet programs read it as UTF-8."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_number

from . import messages as msg
from .models import Application
from .selectors import is_overdue

HEADER = ["شناسه", "کد رهگیری", "متقاضی", "منطقه", "وضعیت", "تاریخ ثبت", "مهلت", "گذشته از مهلت", "امتیاز"]
XLSX_LIMIT = 100_000


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a name) is
    prefixed with an apostrophe, so it is shown, never evaluated, on a staff machine."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _rows(qs: QuerySet[Application]) -> Iterator[list[object]]:
    now = timezone.now()
    for a in qs.iterator(chunk_size=2000):
        overdue = is_overdue(a, now)
        yield [
            cell(v)
            for v in [
                a.pk,
                a.tracking_code or "",
                a.applicant.get_full_name(),
                a.district.name,
                a.get_status_display(),
                to_jalali(a.submitted_at, with_time=True, digits=False),
                to_jalali(a.due_at, digits=False),
                "بله" if overdue else "خیر",
                "" if a.score_total is None else float(a.score_total),
            ]
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(qs: QuerySet[Application]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for row in _rows(qs):
        yield writer.writerow(row)


def export_response(qs: QuerySet[Application], fmt: str) -> StreamingHttpResponse | FileResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="queue-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        if qs.count() > XLSX_LIMIT:
            raise ApplicationError(
                msg.EXPORT_TOO_LARGE.format(limit=persian_number(XLSX_LIMIT)), code="export_too_large"
            )
        from openpyxl import Workbook  # heavy, and only an XLSX export needs it

        book = Workbook(write_only=True)
        sheet = book.create_sheet("صف کار")
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
            filename=f"queue-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise ApplicationError(msg.EXPORT_FORMAT, fields={"as": [msg.EXPORT_FORMAT]})
