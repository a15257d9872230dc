"""Stored uploads served back: always through an access-checked view, as an attachment that a
browser never renders inline (``nosniff``, a sandbox CSP), and never cached by a shared cache."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse


def attachment_response(stored_name: str, download_name: str, mime: str) -> FileResponse:
    handle = default_storage.open(stored_name, "rb")
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
