"""Checks on applicant-uploaded documents, made on the content and never on the client's word.

The file name and Content-Type a browser sends are chosen by the client, so the type comes from
the leading magic bytes and is then confirmed by fully parsing the file (Pillow for images,
pypdf for PDFs). Sizes are counted while reading, so an oversized upload is refused after
``max_bytes`` plus one chunk, never read whole. Storage names are made here from the detected
type; the original name is only cleaned for display.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image, ImageFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from daftar.kernel.normalize import normalize_text, persian_number

from . import messages as m

MiB = 1024 * 1024
_CHUNK = 64 * 1024

# mime -> (server-chosen extension, name shown to users)
_KINDS = {"application/pdf": ("pdf", "PDF"), "image/jpeg": ("jpg", "JPEG"), "image/png": ("png", "PNG")}
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
# Pillow plugins allowed to open each type; a JPEG holding several frames opens as MPO.
_PILLOW_FORMATS = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",)}

# PDF names that make a reader run script, launch a program or carry other files.
_ACTIVE_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        # forms that post data out, remote go-to actions, XFA forms and embedded media
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/XFA",
        "/RichMedia",
    }
)
# Raw-byte fallback for objects pypdf does not reach (a lenient viewer may rebuild a broken xref
# and find them). Only long names: a three-byte "/JS" turns up by chance in compressed scans.
_ACTIVE_RAW = re.compile(
    rb"/(?:JavaScript|Launch|EmbeddedFiles?|SubmitForm|ImportData|GoToR|GoToE|XFA|RichMedia)(?![^\s\x00()<>\[\]{}/%])"
)

_STATUS = {
    "empty": 400,
    "corrupt": 400,
    "bad_name": 400,
    "too_large": 413,
    "too_many_pixels": 413,
    "unsupported_type": 415,
    "pdf_encrypted": 415,
    "pdf_active_content": 415,
}

_HIDDEN = frozenset({"Cc", "Cf", "Cs"})  # controls (NUL...), format (bidi overrides...), lone surrogates
_NAME_MAX = 150
_EXTENSION_MAX = 10


class UploadRejected(Exception):
    """An upload was refused; ``detail`` is Persian and shown to the user as is.

    ``status`` follows ``code``: 400 when the file is empty, damaged or badly named; 413 when it
    is too big, in bytes, pages (``too_large``) or decoded pixels (``too_many_pixels``, since the
    fix is the same: send a smaller file); 415 when the type is not accepted, including PDFs we
    refuse to store because they are encrypted (their content cannot be checked) or active.
    """

    def __init__(self, detail: str, *, code: str, status: int):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.status = status


def _reject(code: str, detail: str) -> UploadRejected:
    return UploadRejected(detail, code=code, status=_STATUS[code])


@dataclass(frozen=True)
class InspectedFile:
    """What the content of an accepted upload turned out to be."""

    mime: str
    extension: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    pages: int | None


def inspect_upload(
    fileobj: UploadedFile | IO[bytes],
    *,
    accepted_types: Sequence[str],
    max_bytes: int,
    max_pixels: int = 40_000_000,
    max_pdf_pages: int = 200,
) -> InspectedFile:
    """Check an upload by content and describe it, or raise :class:`UploadRejected`.

    ``fileobj`` is a Django ``UploadedFile`` or any binary file-like object; it is rewound to
    the start before returning so the caller can save it.
    """
    data, digest = _read_bounded(fileobj, max_bytes)
    mime = next((mime for magic, mime in _MAGIC if data.startswith(magic)), None)
    if mime is None or mime not in accepted_types:
        kinds = m.KIND_SEPARATOR.join(name for key, (_, name) in _KINDS.items() if key in accepted_types)
        raise _reject("unsupported_type", m.UNSUPPORTED_TYPE.format(kinds=kinds))
    width = height = pages = None
    if mime == "application/pdf":
        pages = _check_pdf(data, max_pdf_pages)
    else:
        width, height = _check_image(data, mime, max_pixels)
    fileobj.seek(0)
    return InspectedFile(mime, _KINDS[mime][0], len(data), digest, width, height, pages)


def _read_bounded(fileobj: UploadedFile | IO[bytes], max_bytes: int) -> tuple[bytes, str]:
    """Read at most ``max_bytes`` plus one chunk; return the content and its SHA-256.

    A ``size`` attribute (Django counts it while receiving) may refuse early, but is never
    trusted for acceptance: any file-like object can claim one.
    """
    too_large = _reject("too_large", m.TOO_LARGE.format(limit=persian_number(max_bytes / MiB)))
    size = getattr(fileobj, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise too_large
    fileobj.seek(0)
    buffer = bytearray()
    while chunk := fileobj.read(_CHUNK):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise too_large
    if not buffer:
        raise _reject("empty", m.EMPTY)
    return bytes(buffer), hashlib.sha256(buffer).hexdigest()


def _check_image(data: bytes, mime: str, max_pixels: int) -> tuple[int, int]:
    """Open with the plugin the magic bytes name, bound the pixel count from the header, then
    decode fully so a truncated or damaged image is refused now rather than when displayed."""
    too_many = _reject("too_many_pixels", m.TOO_MANY_PIXELS.format(limit=persian_number(max_pixels / 1_000_000)))
    # a library (WeasyPrint) may have switched Pillow's global "accept truncated images" on;
    # a truncated upload must be refused whatever else the process has imported
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[mime]) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise too_many
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise _reject("corrupt", m.CORRUPT) from exc
    return width, height


def _check_pdf(data: bytes, max_pages: int) -> int:
    """Parse with pypdf and return the page count; refuse encrypted or active PDFs."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        active = not encrypted and (bool(_ACTIVE_RAW.search(data)) or _has_active_names(reader))
    except Exception as exc:  # pypdf raises built-in exceptions too on malformed input
        raise _reject("corrupt", m.CORRUPT) from exc
    if encrypted:
        raise _reject("pdf_encrypted", m.PDF_ENCRYPTED)
    if pages < 1:
        raise _reject("corrupt", m.CORRUPT)
    if pages > max_pages:
        raise _reject("too_large", m.PDF_TOO_MANY_PAGES.format(limit=persian_number(max_pages)))
    if active:
        raise _reject("pdf_active_content", m.PDF_ACTIVE_CONTENT)
    return pages


def _has_active_names(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer looking for an active name, as key or value.

    Parsed objects catch what a byte scan misses: names inside compressed object streams and
    ``#xx``-escaped names such as ``/J#61vaScript``. Stream data is not decoded.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if not _ACTIVE_NAMES.isdisjoint(obj.keys()):
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        elif isinstance(obj, NameObject) and obj in _ACTIVE_NAMES:
            return True
    return False


def clean_original_name(name: str) -> str:
    """The client's file name made safe for display: base name only, without control, format
    (bidi overrides, zero-width) or surrogate characters except ZWNJ, which Persian words need;
    white space (tabs and new lines too) collapsed to single spaces; at most 150 characters.

    Storage never uses it (see :func:`storage_name`).
    """
    name = "".join(ch for ch in name if ch.isspace() or ch == "\u200c" or unicodedata.category(ch) not in _HIDDEN)
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join(normalize_text(name).split())
    if name in {".", ".."}:
        name = ""
    if len(name) > _NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if stem and len(extension) <= _EXTENSION_MAX:
            name = stem[: _NAME_MAX - len(dot + extension)].rstrip(" \u200c") + dot + extension
        else:
            name = name[:_NAME_MAX].rstrip(" \u200c")
    return name or m.UNNAMED


def storage_name(extension: str, *, now: datetime | None = None) -> str:
    """``documents/YYYY/MM/<uuid4 hex>.<extension>``: unguessable and never built from client
    input; ``extension`` must be one :func:`inspect_upload` chose."""
    if extension not in {ext for ext, _ in _KINDS.values()}:
        raise ValueError(f"unknown document extension {extension!r}")
    now = now or timezone.now()
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"
