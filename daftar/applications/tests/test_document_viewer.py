"""The reviewer's document viewer (issue 19 §6): its page and its inline file, who gets them,
what the file response promises the browser, and reviewing from beside the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from daftar.accounts.models import User
from daftar.documents import messages as dmsg
from daftar.documents.models import Document, ReviewState

from .helpers import client_for, move, submitted_case
from .test_pages import APPLICANT, INSPECTOR, REVIEWER, html, karaj_reviewer, user, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def in_review() -> tuple[int, list[Document]]:
    case_id = submitted_case(client_for(user(APPLICANT)))["id"]
    assert move(client_for(user(REVIEWER)), case_id, "start_review").status_code == 200
    documents = list(Document.objects.filter(application_id=case_id).order_by("doc_type"))
    return case_id, documents


def test_the_reviewer_sees_a_document_with_its_neighbours_and_review_form(tehran_rules, media):
    case_id, documents = in_review()
    by_type = {d.doc_type: d for d in documents}
    first = by_type["national_card"]  # the first of the licence's list
    page = html(web(user(REVIEWER)).get(f"/applications/{case_id}/documents/{first.pk}/"))
    assert "کارت ملی و شناسنامه" in page
    assert f'data-src="/applications/{case_id}/documents/{first.pk}/file/"' in page  # drawn by PDF.js
    assert "vendor/pdfjs/pdf.min.mjs" in page
    assert f'href="/api/v1/documents/{first.pk}/download">دریافت فایل' in page  # if PDF.js fails
    assert "مدرک ۱ از ۱۰" in page
    assert 'rel="next"' in page and 'rel="prev"' not in page
    assert f'action="/applications/{case_id}/documents/{first.pk}/review/"' in page
    assert "پذیرش مدرک" in page and "رد مدرک" in page


def test_the_case_page_links_each_document_to_the_viewer(tehran_rules, media):
    case_id, documents = in_review()
    page = html(web(user(REVIEWER)).get(f"/applications/{case_id}/"))
    for document in documents:
        assert f'href="/applications/{case_id}/documents/{document.pk}/"' in page
    # the inspector reads the case but may not open the viewer: no link that would answer 403
    page = html(web(user(INSPECTOR)).get(f"/applications/{case_id}/"))
    assert f"/applications/{case_id}/documents/{documents[0].pk}/" not in page
    assert f"/api/v1/documents/{documents[0].pk}/download" in page


def test_the_file_is_inline_only_while_its_bytes_are_the_checked_type(tehran_rules, media):
    case_id, documents = in_review()
    reviewer = web(user(REVIEWER))
    document = documents[0]
    response = reviewer.get(f"/applications/{case_id}/documents/{document.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == document.mime
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # a stored file whose bytes are no longer what was checked goes out as an attachment only
    with default_storage.open(document.file.name, "wb") as handle:
        handle.write(b"<html><script>alert(1)</script></html>")
    response = reviewer.get(f"/applications/{case_id}/documents/{document.pk}/file/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("suffix", ["", "file/"])
def test_who_reaches_the_viewer_and_its_file(tehran_rules, media, suffix):
    case_id, documents = in_review()
    url = f"/applications/{case_id}/documents/{documents[0].pk}/{suffix}"
    missing = f"/applications/{case_id}/documents/999999/{suffix}"
    assert web(user(REVIEWER)).get(url).status_code == 200
    assert web(user(INSPECTOR)).get(url).status_code == 403  # sees the case, does not review it
    assert web(user(APPLICANT)).get(url).status_code == 404  # a staff page: their download is on the case page
    karaj = web(karaj_reviewer())
    foreign = karaj.get(url)
    assert foreign.status_code == 404
    assert karaj.get(missing).status_code == 404  # the same page, byte for byte: the access matrix
    assert Client().get(url).status_code == 302  # to the login


def test_another_case_s_document_is_not_found_under_this_case(tehran_rules, media):
    case_id, _documents = in_review()
    other_id = submitted_case(client_for(User.objects.get(mobile="09120000010")))["id"]
    other = Document.objects.filter(application_id=other_id).first()
    reviewer = web(user(REVIEWER))
    assert reviewer.get(f"/applications/{case_id}/documents/{other.pk}/").status_code == 404
    assert reviewer.get(f"/applications/{case_id}/documents/{other.pk}/file/").status_code == 404


def test_reviewing_beside_the_file_returns_to_it(tehran_rules, media):
    case_id, documents = in_review()
    reviewer = web(user(REVIEWER))
    document = documents[0]
    url = f"/applications/{case_id}/documents/{document.pk}/"
    response = reviewer.post(f"{url}review/", {"decision": "reject", "reason": "", "back": "viewer"})
    assert response.status_code == 400
    assert dmsg.REJECT_REASON_REQUIRED in html(response)
    assert 'data-src="' in html(response)  # still the viewer
    document.refresh_from_db()
    assert document.review_state == ReviewState.PENDING
    response = reviewer.post(f"{url}review/", {"decision": "reject", "reason": "تصویر ناخوانا است", "back": "viewer"})
    assert response.status_code == 302 and response["Location"] == url
    page = html(reviewer.get(url))
    assert "دلیل رد: تصویر ناخوانا است" in page
