"""Uploads through the API (issue 4 «Tests»): each bad file refused with a Persian reason and
nothing left behind (no row, no file); good files stored under server-made names."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daftar.accounts.models import User
from daftar.documents import crafted
from daftar.documents import messages as dmsg
from daftar.documents.models import Document

from .helpers import client_for, draft, pdf_bytes, png_bytes, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


@pytest.fixture
def case(tehran_rules, media):
    me = client_for(User.objects.get(mobile="09120000001"))
    return me, draft(me)["id"]


def stored_files(root: Path) -> list[str]:
    return [str(p) for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def bomb_png() -> bytes:
    """A 30000×30000 one-bit PNG: a few KB on the wire, 900 megapixels decoded."""
    import struct

    width = height = 30000
    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * (width // 8) for _ in range(height)), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


BAD = [
    ("php.pdf", b"<?php system($_GET['c']); ?>", "application/pdf", 415, "unsupported_type"),
    ("page.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "image/jpeg", 415, "unsupported_type"),
    ("empty.pdf", b"", "application/pdf", 400, "empty"),
    ("broken.png", png_bytes()[:60], "image/png", 400, "corrupt"),
    ("fake.pdf", b"%PDF-1.7\n<?php echo 1; ?>", "application/pdf", 400, "corrupt"),
    # issue 17: 1.5 KB whose page tree a naive walk reads as 430 million pages
    ("tree.pdf", crafted.shared_page_tree(), "application/pdf", 413, "pdf_too_complex"),
]


@pytest.mark.parametrize("name, content, ctype, status, code", BAD)
def test_bad_files_are_refused_and_nothing_is_stored(case, media, name, content, ctype, status, code):
    me, case_id = case
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": "degree", "file": SimpleUploadedFile(name, content, content_type=ctype)},
        format="multipart",
    )
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]  # Persian reason
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_decompression_bomb_png_is_refused_before_decoding(case, media):
    me, case_id = case
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": "premises_photos", "file": SimpleUploadedFile("photo.png", bomb_png(), content_type="image/png")},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_pixels"
    assert Document.objects.count() == 0 and stored_files(media) == []


def test_a_file_over_the_type_limit_is_413_with_the_limit_in_persian(case, media):
    me, case_id = case
    big = pdf_bytes() + b"%" + b"0" * (5 * 1024 * 1024)  # 5 MiB limit for the degree (S12.4)
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": "degree", "file": SimpleUploadedFile("big.pdf", big, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == dmsg.TOO_LARGE.format(limit="۵")
    assert Document.objects.count() == 0 and stored_files(media) == []


def test_a_40_mb_body_is_refused_by_its_length_before_it_is_read(case, media, client):
    me, case_id = case
    response = me.generic(
        "POST",
        f"/api/v1/applications/{case_id}/documents",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        HTTP_CONTENT_LENGTH=str(40 * 1024 * 1024),
        CONTENT_LENGTH=str(40 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        # Django's multipart parser drops non-printable characters, ZWNJ among them
        ("کارت‌ملی ۱۲.pdf", "کارتملی 12.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
    ],
)
def test_names_with_paths_or_persian_are_stored_safely(case, media, name, shown):
    me, case_id = case
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": "degree", "file": SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert document.original_name == shown
    assert document.file.name.startswith("documents/") and document.file.name.endswith(".pdf")
    stored = str(document.file.name)
    assert ".." not in stored and "passwd" not in stored
    files = stored_files(media)
    assert len(files) == 1 and Path(files[0]).resolve().is_relative_to(Path(media).resolve())


def test_content_decides_the_type_not_the_name(case, media):
    me, case_id = case
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {
            "type": "premises_photos",
            "file": SimpleUploadedFile("photo.pdf", png_bytes(), content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["mime"] == "image/png"
    assert Document.objects.get().file.name.endswith(".png")


def test_a_pdf_for_a_photos_only_type_is_415(case, media):
    me, case_id = case
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": "premises_photos", "file": SimpleUploadedFile("p.pdf", pdf_bytes(), content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 415
    assert "JPEG" in response.json()["detail"]


@pytest.mark.parametrize("doc_type", ["exam_certificate", "passport", "", "../degree"])
def test_unknown_or_later_stage_types_are_refused(case, media, doc_type):
    me, case_id = case
    response = me.post(
        f"/api/v1/applications/{case_id}/documents",
        {"type": doc_type, "file": SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == dmsg.TYPE_UNKNOWN
    assert stored_files(media) == []


def test_missing_file_is_a_persian_400(case, media):
    me, case_id = case
    response = me.post(f"/api/v1/applications/{case_id}/documents", {"type": "degree"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["detail"] == dmsg.FILE_REQUIRED


def test_a_failure_after_the_file_is_written_removes_the_file(case, media, monkeypatch):
    me, case_id = case
    from daftar.applications import case_documents as services

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        me.post(
            f"/api/v1/applications/{case_id}/documents",
            {"type": "degree", "file": SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")},
            format="multipart",
        )
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_reupload_makes_a_new_version(case, media):
    me, case_id = case
    for _ in range(2):
        assert (
            me.post(
                f"/api/v1/applications/{case_id}/documents",
                {"type": "degree", "file": SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")},
                format="multipart",
            ).status_code
            == 201
        )
    assert list(Document.objects.order_by("version").values_list("version", "is_current")) == [(1, False), (2, True)]
    assert len(stored_files(media)) == 2
    names = [str(d.file.name) for d in Document.objects.order_by("version")]
    assert os.path.basename(names[0]) != os.path.basename(names[1])


def test_a_40_mb_upload_through_the_page_is_a_persian_413_before_it_is_read(case, media):
    from django.test import Client

    _, case_id = case
    browser = Client()
    browser.force_login(User.objects.get(mobile="09120000001"))
    response = browser.generic(
        "POST",
        f"/applications/{case_id}/documents/",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(40 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert dmsg.TOO_LARGE.format(limit="۱۰") in response.content.decode()
    assert Document.objects.count() == 0 and stored_files(media) == []


def test_an_upload_retried_with_its_key_stores_one_version(tehran_rules):
    me = client_for(User.objects.get(mobile="09120000001"))
    case = draft(me)["id"]
    for _ in range(2):
        r = me.post(
            f"/api/v1/applications/{case}/documents",
            {"type": "degree", "file": upload_file("degree")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-degree-0001",
        )
        assert r.status_code == 201
    assert Document.objects.filter(application_id=case).count() == 1
