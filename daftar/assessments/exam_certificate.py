"""The certificate of passing the exam and the interview (S12.7), produced by the system.

S12.7 cannot exist when the file is first submitted: the exam comes after document review
(S7). When the interview panel's verdict passes, the system draws this certificate (WeasyPrint,
the same self-hosted font as the licence) and adds it to the case as the current
``exam_certificate`` document, already accepted. It runs after the move commits; if drawing
fails the move stands and the error is logged, and ``exam_certificate_issue`` can be run again
(it does nothing when the document exists).
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import ImageFile

from daftar.applications.models import Application
from daftar.audit.services import audit_record
from daftar.documents.models import Document, ReviewState
from daftar.documents.validation import storage_name
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_number
from daftar.licences.certificate import FONT_FILES, _static_path

log = logging.getLogger(__name__)
DOC_TYPE = "exam_certificate"


def certificate_pdf(application: Application) -> bytes:
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML  # heavy: imported only when a certificate is drawn
    from weasyprint.urls import URLFetcher  # likewise

    ImageFile.LOAD_TRUNCATED_IMAGES = truncated  # see daftar/licences/certificate.py
    assessed = application.assessment or {}
    exam, interview = assessed.get("exam", {}), assessed.get("interview", {})
    html = render_to_string(
        "assessments/exam_certificate.html",
        {
            "case": application,
            "font_regular": _static_path(FONT_FILES["regular"]).as_uri(),
            "font_bold": _static_path(FONT_FILES["bold"]).as_uri(),
            "exam_score": persian_number(exam.get("score", 0)),
            "exam_mark": persian_number(exam.get("pass_mark", 0)),
            "interview_score": persian_number(interview.get("mean", 0)),
            "interview_mark": persian_number(interview.get("pass_mark", 0)),
            "issued": to_jalali(timezone.now()),
        },
    )
    root = _static_path(FONT_FILES["regular"]).parent
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    pdf = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def exam_certificate_issue(application_id: int) -> Document | None:
    """Add the S12.7 certificate to a case whose exam and interview passed (idempotent)."""
    application = Application.objects.select_related("applicant", "call__licence_type", "municipality").get(
        pk=application_id
    )
    assessed = application.assessment or {}
    if not (assessed.get("exam", {}).get("passed") and assessed.get("interview", {}).get("passed")):
        return None
    if Document.objects.filter(application=application, doc_type=DOC_TYPE, is_current=True).exists():
        return None
    data = certificate_pdf(application)
    name = default_storage.save(storage_name("pdf"), ContentFile(data))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                application=application,
                doc_type=DOC_TYPE,
                file=name,
                original_name="گواهی قبولی در آزمون و مصاحبه.pdf",
                mime="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                pages=1,
                uploaded_by=application.applicant,
                review_state=ReviewState.ACCEPTED,
                review_reason="صادرشده به‌دست سامانه پس از قبولی در آزمون و مصاحبه",  # S12.7
                reviewed_at=timezone.now(),
            )
            audit_record(
                actor=None,
                action="document.system_issue",
                obj=document,
                municipality=application.municipality,
                data={"application": application.pk, "type": DOC_TYPE, "sha256": document.sha256},
            )
    except BaseException:
        default_storage.delete(name)  # no file without its row
        raise
    return document


def exam_certificate_after_commit(application_id: int) -> None:
    def issue() -> None:
        try:
            exam_certificate_issue(application_id)
        except Exception:  # the move stands; the certificate can be drawn again
            log.exception("exam certificate for case %s failed", application_id)

    transaction.on_commit(issue, robust=True)
