"""S12.7: the system produces the exam-and-interview certificate and adds it to the case."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from daftar.accounts.models import User
from daftar.applications.tests.helpers import client_for, move, submitted_case, through_review
from daftar.documents.models import Document
from daftar.kernel.normalize import normalize_text

pytestmark = pytest.mark.django_db


def test_passing_the_interview_adds_the_s12_7_certificate_once(
    tehran_rules, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)
    examiner = client_for(User.objects.get(mobile="09120000003"))
    move(examiner, case, "record_exam", score=75)
    with django_capture_on_commit_callbacks(execute=True):
        assert move(examiner, case, "record_interview", scores=[70, 80]).json()["status"] == "site_inspection"
    document = Document.objects.get(application_id=case, doc_type="exam_certificate")
    assert document.review_state == "accepted" and document.mime == "application/pdf"
    with default_storage.open(document.file.name, "rb") as handle:
        text = normalize_text("".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages))
    assert "75" in text or "57" in text  # extraction may reverse RTL digit runs
    from daftar.assessments.exam_certificate import exam_certificate_issue

    assert exam_certificate_issue(case) is None  # idempotent
    assert Document.objects.filter(application_id=case, doc_type="exam_certificate").count() == 1
    body = client_for(User.objects.get(mobile="09120000001")).get(f"/api/v1/applications/{case}").json()
    assert any(d["type"] == "exam_certificate" for d in body["documents"])


def test_a_failed_interview_produces_no_certificate(tehran_rules, django_capture_on_commit_callbacks):
    case = submitted_case(client_for(User.objects.get(mobile="09120000001")))["id"]
    through_review(case)
    examiner = client_for(User.objects.get(mobile="09120000003"))
    move(examiner, case, "record_exam", score=75)
    with django_capture_on_commit_callbacks(execute=True):
        assert move(examiner, case, "record_interview", scores=[30, 40]).json()["status"] == "rejected"
    assert not Document.objects.filter(application_id=case, doc_type="exam_certificate").exists()
