"""A stored document served for display inside the reviewer's viewer (issue 19 §6).

Only a file whose bytes still begin as its checked type (PDF, PNG or JPEG, ``validation``)
is answered ``inline``; anything else goes out as an attachment, as every download does
(``daftar.kernel.files``). Either way the response says ``nosniff``, carries a sandbox CSP (a
PDF opened directly runs no script and reaches nothing), is not cached by a shared cache and is
readable by our own pages only. Who may ask for which file is decided by the caller's policy.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse

from daftar.kernel.files import attachment_response

from .models import Document
from .validation import _MAGIC

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
INLINE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def sniffed_type(stored_name: str) -> str | None:
    """The type the stored file's first bytes show (``None``: none we display)."""
    with default_storage.open(stored_name, "rb") as handle:
        head = handle.read(16)
    return next((mime for magic, mime in _MAGIC if head.startswith(magic)), None)


def download_name(document: Document) -> str:
    extension = str(document.file.name).rsplit(".", 1)[-1]
    return f"{document.doc_type}-v{document.version}.{extension}"


def inline_response(document: Document) -> FileResponse:
    """``document``'s file for display in our viewer, or as an attachment when its content is
    not (any more) the checked PDF, PNG or JPEG it was stored as."""
    name = str(document.file.name)
    mime = sniffed_type(name)
    if mime is None or mime != document.mime or mime not in INLINE_TYPES:
        return attachment_response(name, download_name(document), "application/octet-stream")
    response = FileResponse(default_storage.open(name, "rb"), content_type=mime)
    response["Content-Disposition"] = f'inline; filename="{download_name(document)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
