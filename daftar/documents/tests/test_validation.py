"""Upload checks by content: accepted documents, spoofed types, oversized and hostile files, names."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from daftar.documents import messages as m
from daftar.documents.validation import UploadRejected, clean_original_name, inspect_upload, storage_name
from daftar.kernel.normalize import persian_number

MiB = 1024 * 1024
ALL = ("application/pdf", "image/jpeg", "image/png")
IMAGES = ("image/jpeg", "image/png")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def image_bytes(fmt: str, size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1, change=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A 1-bit all-black PNG written with zlib directly: tiny on disk, huge once decoded."""
    row = b"\x00" + bytes((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def inspect(data: bytes, name: str = "upload.bin", accepted=ALL, max_bytes: int = 5 * MiB, **kwargs):
    return inspect_upload(SimpleUploadedFile(name, data), accepted_types=accepted, max_bytes=max_bytes, **kwargs)


def rejected(data: bytes, name: str = "upload.bin", **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect(data, name, **kwargs)
    return caught.value


UNSUPPORTED_ALL = m.UNSUPPORTED_TYPE.format(kinds="PDF، JPEG، PNG")


# Accepted documents


def test_valid_pdf_is_described_from_content():
    data = pdf_bytes(pages=3)
    info = inspect(data, "scan.png")  # the client's name is ignored
    assert (info.mime, info.extension, info.pages, info.width, info.height) == ("application/pdf", "pdf", 3, None, None)
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("fmt", "mime", "extension"), [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png")])
def test_valid_image_is_described_from_content(fmt, mime, extension):
    data = image_bytes(fmt, (60, 40))
    info = inspect(data, "photo.pdf")
    assert (info.mime, info.extension, info.width, info.height, info.pages) == (mime, extension, 60, 40, None)
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()


def test_png_named_and_typed_as_jpeg_keeps_its_real_type():
    upload = SimpleUploadedFile("photo.jpg", image_bytes("PNG"), content_type="image/jpeg")
    info = inspect_upload(upload, accepted_types=["image/png"], max_bytes=MiB)
    assert (info.mime, info.extension) == ("image/png", "png")


def test_file_is_rewound_even_if_the_caller_had_read_it():
    data = image_bytes("PNG")
    upload = SimpleUploadedFile("a.png", data)
    upload.read()
    inspect_upload(upload, accepted_types=ALL, max_bytes=MiB)
    assert upload.tell() == 0
    assert upload.read() == data


def test_file_of_exactly_max_bytes_is_accepted():
    data = image_bytes("PNG")
    assert inspect(data, max_bytes=len(data)).size == len(data)


# Sizes


def test_empty_file_is_refused():
    error = rejected(b"")
    assert (error.code, error.status, error.detail) == ("empty", 400, m.EMPTY)


def test_file_over_the_limit_is_refused_with_the_limit_in_persian_megabytes():
    error = rejected(b"%PDF-" + bytes(MiB), max_bytes=MiB)
    assert (error.code, error.status) == ("too_large", 413)
    assert error.detail == m.TOO_LARGE.format(limit="۱") == str(error)


class Stream40MiB:
    """A 40 MB PDF-looking stream that counts what it hands out and lies about its size."""

    size = 100  # a file-like object's claim is not trusted

    def __init__(self) -> None:
        self.position = 0
        self.total = 40 * MiB

    def read(self, n: int = -1) -> bytes:
        assert n > 0, "the whole stream must never be requested"
        start, n = self.position, min(n, self.total - self.position)
        self.position += n
        return b"%PDF-1.7\n" + bytes(n - 9) if start == 0 else bytes(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset
        return offset


def test_large_stream_is_refused_without_reading_it_whole():
    stream = Stream40MiB()
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(stream, accepted_types=ALL, max_bytes=5 * MiB)
    assert (caught.value.code, caught.value.status) == ("too_large", 413)
    assert caught.value.detail == m.TOO_LARGE.format(limit=persian_number(5.0)) == m.TOO_LARGE.format(limit="۵")
    assert stream.position <= 5 * MiB + 64 * 1024


# Types by content


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("shell.pdf", b"<?php system($_GET['c']); ?>"),
        ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("scan.pdf", b"PK\x03\x04" + bytes(40)),
        ("photo.jpg", b"GIF89a" + bytes(40)),
        ("doc.pdf", b"MZ\x90\x00" + bytes(40)),
        ("doc.pdf", b"\x7fELF" + bytes(40)),
        ("doc.pdf", b"\n%PDF-1.4\n" + bytes(40)),  # the magic must be at offset 0
    ],
)
def test_other_content_is_unsupported_whatever_its_name(name, data):
    error = rejected(data, name)
    assert (error.code, error.status, error.detail) == ("unsupported_type", 415, UNSUPPORTED_ALL)


def test_pdf_is_refused_where_only_images_are_accepted():
    error = rejected(pdf_bytes(), "scan.jpg", accepted=IMAGES)
    assert (error.code, error.status) == ("unsupported_type", 415)
    assert error.detail == m.UNSUPPORTED_TYPE.format(kinds="JPEG، PNG")


# Damaged and hostile images


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_image_is_corrupt(fmt):
    data = image_bytes(fmt, (400, 300))
    error = rejected(data[: len(data) // 2])
    assert (error.code, error.status, error.detail) == ("corrupt", 400, m.CORRUPT)


def test_image_over_max_pixels_is_refused_before_decoding():
    error = rejected(image_bytes("PNG", (100, 100)), max_pixels=9_999)
    assert (error.code, error.status) == ("too_many_pixels", 413)
    assert error.detail == m.TOO_MANY_PIXELS.format(limit=persian_number(9_999 / 1_000_000))


def test_decompression_bomb_png_is_refused():
    data = bomb_png(20_000, 20_000)  # 400 megapixels in about 50 KB
    assert len(data) < 100_000
    error = rejected(data, "photo.png")
    assert (error.code, error.status) == ("too_many_pixels", 413)
    assert error.detail == m.TOO_MANY_PIXELS.format(limit="۴۰")


def test_pillow_bomb_warning_is_an_error_even_above_our_own_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)  # warns above 5,000, errors above 10,000
    error = rejected(bomb_png(80, 80), max_pixels=10**9)
    assert error.code == "too_many_pixels"


# PDFs


def test_php_after_a_pdf_header_is_corrupt():
    error = rejected(b"%PDF-1.4\n<?php system($_GET['c']); ?>\n", "shell.pdf")
    assert (error.code, error.status, error.detail) == ("corrupt", 400, m.CORRUPT)


def test_truncated_pdf_is_corrupt():
    assert rejected(pdf_bytes()[:200]).code == "corrupt"


def test_encrypted_pdf_is_refused():
    error = rejected(pdf_bytes(change=lambda writer: writer.encrypt("x")))
    assert (error.code, error.status, error.detail) == ("pdf_encrypted", 415, m.PDF_ENCRYPTED)


def test_pdf_over_the_page_limit_is_refused():
    error = rejected(pdf_bytes(pages=3), max_pdf_pages=2)
    assert (error.code, error.status) == ("too_large", 413)
    assert error.detail == m.PDF_TOO_MANY_PAGES.format(limit="۲")


def _launch(writer: PdfWriter) -> None:
    action = {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(action)


@pytest.mark.parametrize(
    "change",
    [
        lambda writer: writer.add_open_action(JavaScript("app.alert(1);")),
        lambda writer: writer.add_attachment("payload.exe", b"MZ"),
        _launch,
    ],
    ids=["javascript", "embedded-file", "launch"],
)
def test_pdf_with_active_content_is_refused(change):
    error = rejected(pdf_bytes(change=change))
    assert (error.code, error.status, error.detail) == ("pdf_active_content", 415, m.PDF_ACTIVE_CONTENT)


def test_pdf_with_escaped_javascript_names_is_refused():
    """``/J#61vaScript`` is ``/JavaScript`` to a reader but not to a byte scan."""
    data = pdf_bytes(change=lambda writer: writer.add_open_action(JavaScript("app.alert(1);")))
    escaped = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS", b"/J#53")
    assert b"/JavaScript" not in escaped
    assert rejected(escaped).code == "pdf_active_content"


def test_pdf_with_an_unreachable_active_object_is_refused():
    """An object no reference reaches is invisible to pypdf but may be found by a viewer that
    rebuilds the cross-reference table."""
    data = pdf_bytes()
    orphan = data + b"9 0 obj\n<< /S /Launch /F (calc.exe) >>\nendobj\n" + data[data.rindex(b"startxref") :]
    assert rejected(orphan).code == "pdf_active_content"


# Names


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("کارت‌ملی ۱.pdf", "کارت‌ملی 1.pdf"),
        ("../../شناسنامه.jpg", "شناسنامه.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\علی\\مدرک تحصیلی.png", "مدرک تحصیلی.png"),
        ("a\x00b.pdf", "ab.pdf"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("\u2066سند\u2069\u200f.pdf", "سند.pdf"),
        ("  سند   مالكيت\t\n۲.pdf ", "سند مالکیت 2.pdf"),
        ("", m.UNNAMED),
        ("..", m.UNNAMED),
        ("uploads/", m.UNNAMED),
        ("\x00\u202e", m.UNNAMED),
    ],
)
def test_clean_original_name(raw, clean):
    assert clean_original_name(raw) == clean


def test_long_name_is_capped_keeping_its_extension():
    cleaned = clean_original_name("ب" * 300 + ".pdf")
    assert len(cleaned) == 150
    assert cleaned == "ب" * 146 + ".pdf"
    assert len(clean_original_name("ب" * 300)) == 150


# Storage names


def test_storage_name_format_and_uniqueness():
    now = datetime(2025, 3, 7, 12, 0)
    names = {storage_name("pdf", now=now) for _ in range(100)}
    assert len(names) == 100
    assert all(re.fullmatch(r"documents/2025/03/[0-9a-f]{32}\.pdf", name) for name in names)
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", storage_name("jpg"))


@pytest.mark.parametrize("extension", ["php", "pdf/../../x", "PDF", ""])
def test_storage_name_takes_only_detected_extensions(extension):
    with pytest.raises(ValueError):
        storage_name(extension)
