"""Checks on applicant-uploaded documents, made on the content and never on the client's word.

The file name and Content-Type a browser sends are chosen by the client, so the type comes from
the leading magic bytes and is then confirmed by fully parsing the file (Pillow for images,
pypdf for PDFs). Sizes are counted while reading, so an oversized upload is refused after
``max_bytes`` plus one chunk, never read whole. Storage names are made here from the detected
type; the original name is only cleaned for display.
"""

from __future__ import annotations

import gc
import hashlib
import io
import re
import time
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
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
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
    "pdf_too_complex": 413,
}
# How deep a legitimate page tree goes: a balanced tree of 200 pages is 2 to 8 levels; pypdf
# itself stops at 100, after paying for every level.
_MAX_PAGE_TREE_DEPTH = 32
# pypdf's own limits, tightened while a PDF is checked (its defaults allow 75 MB per decoded
# stream and 100,000 elements per array). The check decodes only object and cross-reference
# streams, which are kilobytes in a real file; arrays past 2,000 elements (glyph
# widths of a large font) do not occur in documents people scan or print.
_PYPDF_LIMITS: dict[str, Any] = {
    "zlib_maximum_output_length": 4 * 1024 * 1024,
    "lzw_maximum_output_length": 4 * 1024 * 1024,
    "run_length_maximum_output_length": 4 * 1024 * 1024,
    "brotli_maximum_output_length": 4 * 1024 * 1024,
    "array_based_stream_maximum_output_length": 4 * 1024 * 1024,
    "stream_decoding_work_maximum_length": 16 * 1024 * 1024,
    "array_maximum_element_count": 2_000,
    "dictionary_maximum_element_count": 2_000,
}
# Cross-reference sizes as written in the file, read before pypdf parses them: "/Size n" in a
# trailer or a cross-reference stream, the counts of an "/Index [first count …]" array.
_DECLARED_SIZE = re.compile(rb"/Size\s*(\d{1,15})")
_DECLARED_INDEX = re.compile(rb"/Index\s*\[([0-9\s]{0,4000})\]")
_XREF_TABLE = re.compile(rb"xref\s")  # "startxref" too, skipped by the caller (a look-behind costs 20×)

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
    max_pdf_objects: int = 3_000,
    max_pdf_cpu_seconds: float = 0.07,
) -> InspectedFile:
    """Check an upload by content and describe it, or raise :class:`UploadRejected`.

    ``fileobj`` is a Django ``UploadedFile`` or any binary file-like object; it is rewound to
    the start before returning so the caller can save it.

    A PDF's check is bounded (issue 17; ``bench/pdf_bench.py``): its page tree is walked once
    with a depth limit, at most ``max_pdf_objects`` objects are read (each costs about 20 µs of
    pypdf) out of a cross-reference of at most four times as many entries, decoded streams and
    arrays are capped, and past ``max_pdf_cpu_seconds`` of this thread's CPU spent on the check
    (after the file was read and hashed) the file is refused as too complex (checked between objects: one object
    more may be read, a few milliseconds at most under the caps).
    """
    data, digest = _read_bounded(fileobj, max_bytes)
    # from here: reading and hashing a big honest scan (bounded by max_bytes) is not charged to it
    budget = _Budget(max_pdf_objects, max_pdf_cpu_seconds)
    mime = next((mime for magic, mime in _MAGIC if data.startswith(magic)), None)
    if mime is None or mime not in accepted_types:
        kinds = m.KIND_SEPARATOR.join(name for key, (_, name) in _KINDS.items() if key in accepted_types)
        raise _reject("unsupported_type", m.UNSUPPORTED_TYPE.format(kinds=kinds))
    width = height = pages = None
    if mime == "application/pdf":
        pages = _check_pdf(data, max_pdf_pages, budget)
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


def _check_pdf(data: bytes, max_pages: int, budget: _Budget) -> int:
    """Parse with pypdf and return the page count; refuse encrypted, active or too complex PDFs.

    The declared cross-reference size is read first (:func:`_check_declared_size`), and the page
    tree is walked by :func:`_count_pages` with bounded work before pypdf flattens it: a tree
    whose nodes are shared, loop or nest too deep is refused at once.
    """
    _check_declared_size(data, 4 * budget.objects)
    # Python's cyclic collector may run a full pass in the middle (30–60 ms in a web process),
    # which would count against the CPU budget; pypdf's objects go with their reader anyway.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with apply_configuration(**_PYPDF_LIMITS):
            return _parse_pdf(data, max_pages, budget)
    except UploadRejected:
        raise
    except LimitReachedError as exc:  # one of _PYPDF_LIMITS
        raise _reject("pdf_too_complex", m.PDF_TOO_COMPLEX) from exc
    except Exception as exc:  # pypdf raises built-in exceptions too on malformed input
        raise _reject("corrupt", m.CORRUPT) from exc
    finally:
        if collecting:
            gc.enable()


def _parse_pdf(data: bytes, max_pages: int, budget: _Budget) -> int:
    reader: PdfReader | None = None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            _count_pages(reader, max_pages, budget)
        pages = 0 if encrypted else len(reader.pages)
        active = not encrypted and (bool(_ACTIVE_RAW.search(data)) or _has_active_names(reader, budget))
    except (UploadRejected, LimitReachedError):
        raise
    except Exception as exc:  # pypdf raises built-in exceptions too on malformed input
        raise _reject("corrupt", m.CORRUPT) from exc
    finally:
        if reader is not None:
            # the parsed objects point back at their reader: a cycle the collector would free
            # later, in another request's time; emptied here, they go now, in this one's
            reader.resolved_objects.clear()
            reader.flattened_pages = None
    if encrypted:
        raise _reject("pdf_encrypted", m.PDF_ENCRYPTED)
    if pages < 1:
        raise _reject("corrupt", m.CORRUPT)
    if pages > max_pages:
        raise _reject("too_large", m.PDF_TOO_MANY_PAGES.format(limit=persian_number(max_pages)))
    if active:
        raise _reject("pdf_active_content", m.PDF_ACTIVE_CONTENT)
    return pages


def _check_declared_size(data: bytes, max_entries: int) -> None:
    """Refuse a cross-reference larger than ``max_entries`` before pypdf reads it: pypdf spends
    a few microseconds on each entry, and a 4 KB compressed cross-reference stream can declare
    a million. A classic table's entries are 20 bytes each, up to its ``trailer``."""
    declared = [int(found) for found in _DECLARED_SIZE.findall(data)]
    for index in _DECLARED_INDEX.findall(data):
        declared.append(sum(int(count) for count in index.split()[1::2]))
    for table in _XREF_TABLE.finditer(data):
        if data[max(0, table.start() - 5) : table.start()] == b"start":
            continue
        end = data.find(b"trailer", table.end())
        declared.append(((end if end != -1 else len(data)) - table.end()) // 20)
    if any(size > max_entries for size in declared):
        raise _reject("pdf_too_complex", m.PDF_TOO_COMPLEX)


class _Budget:
    """What a PDF check may still spend: objects read, and this thread's CPU time; past either
    the file is refused as too complex."""

    def __init__(self, objects: int, cpu_seconds: float):
        self.objects = self.left = objects
        self.deadline = time.thread_time() + cpu_seconds

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0 or time.thread_time() > self.deadline:
            raise _reject("pdf_too_complex", m.PDF_TOO_COMPLEX)


def _count_pages(reader: PdfReader, max_pages: int, budget: _Budget) -> int:
    """Count the leaves of the page tree, reading each node once.

    In a PDF every page-tree node has one parent (ISO 32000 §7.7.3): a node reached twice is a
    shared subtree (about 1 KB can describe millions of pages that way) or a loop, and is
    refused as too complex, like a tree deeper than ``_MAX_PAGE_TREE_DEPTH``. The walk stops at
    the first page past ``max_pages``. Nodes count against ``budget``.
    """
    root = reader.trailer["/Root"]
    stack: list[tuple[Any, int]] = [(root.raw_get("/Pages") if isinstance(root, DictionaryObject) else None, 0)]
    seen: set[tuple[int, int]] = set()
    pages = 0
    while stack:
        ref, depth = stack.pop()
        if isinstance(ref, IndirectObject):
            if (ref.idnum, ref.generation) in seen:
                raise _reject("pdf_too_complex", m.PDF_TOO_COMPLEX)
            seen.add((ref.idnum, ref.generation))
        budget.spend()
        node = ref.get_object() if ref is not None else None
        if not isinstance(node, DictionaryObject):
            raise _reject("corrupt", m.CORRUPT)
        kind = _resolved(node, "/Type")
        if kind == "/Pages" or (kind is None and "/Kids" in node):  # as pypdf reads a node
            if depth >= _MAX_PAGE_TREE_DEPTH:
                raise _reject("pdf_too_complex", m.PDF_TOO_COMPLEX)
            kids = _resolved(node, "/Kids")
            if not isinstance(kids, ArrayObject):
                raise _reject("corrupt", m.CORRUPT)
            stack.extend((kid, depth + 1) for kid in kids)
        else:
            pages += 1
            if pages > max_pages:
                raise _reject("too_large", m.PDF_TOO_MANY_PAGES.format(limit=persian_number(max_pages)))
    return pages


def _resolved(node: DictionaryObject, key: str) -> Any:
    """``node[key]`` followed to its object when it is a reference (``.get`` would not), or None."""
    value = node.raw_get(key) if key in node else None
    return value.get_object() if isinstance(value, IndirectObject) else value


def _has_active_names(reader: PdfReader, budget: _Budget) -> bool:
    """Walk every object reachable from the trailer looking for an active name, as key or value.

    Parsed objects catch what a byte scan misses: names inside compressed object streams and
    ``#xx``-escaped names such as ``/J#61vaScript``. Stream data is not decoded. Each indirect
    object read counts against ``budget``.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            budget.spend()
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
