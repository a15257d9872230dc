"""A list as a CSV or XLSX download (the staff queue, the licence register): CSV streamed row by
row with a BOM so spreadsheet programs read UTF-8; XLSX right to left, written in write-only
mode to a temporary file and bounded in rows; text a spreadsheet would run as a formula shown as
text. The caller gives the Persian header and the rows, already in Jalali and Persian."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from . import messages as msg
from .errors import ApplicationError
from .normalize import persian_number

XLSX_LIMIT = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (``=HYPERLINK(…)`` in a name) is
    prefixed with an apostrophe, so it is shown, never evaluated, on a staff machine."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def table_response(
    *,
    fmt: str,
    name: str,
    sheet: str,
    header: list[str],
    rows: Callable[[], Iterable[list[Any]]],
    count: Callable[[], int],
) -> StreamingHttpResponse | FileResponse:
    """``rows()`` as ``<name>-<time>.csv`` (streamed) or ``.xlsx`` (``count()`` rows at most
    ``XLSX_LIMIT``); any other ``fmt`` is a Persian 400. Every cell passes through ``cell``."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines() -> Iterable[str]:
            yield "\ufeff" + writer.writerow(header)
            for row in rows():
                yield writer.writerow([cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        if count() > XLSX_LIMIT:
            raise ApplicationError(
                msg.EXPORT_TOO_LARGE.format(limit=persian_number(XLSX_LIMIT)), code="export_too_large"
            )
        from openpyxl import Workbook  # heavy, and only an XLSX export needs it

        book = Workbook(write_only=True)
        page = book.create_sheet(sheet)
        page.sheet_view.rightToLeft = True
        page.append(header)
        for row in rows():
            page.append([cell(v) for v in row])
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
        book.save(handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{name}-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise ApplicationError(msg.EXPORT_FORMAT, fields={"as": [msg.EXPORT_FORMAT]})
