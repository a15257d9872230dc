"""What the demo reviewer (09120000002) finds in their queue (issue 19 §6): a case in document
review with every required document uploaded and none reviewed yet, so the viewer shows real
files: PDFs of several pages (scanned-looking forms), an identity card as a PNG and the
premises as a JPEG photo. The files are drawn shapes without text (``documents.samples``).
Made directly in its state, as the desk's cases are; loading twice creates nothing twice."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.services import user_get_or_create
from daftar.applications.models import Application
from daftar.applications.services.drafts import tracking_code_new
from daftar.applications.workflow import Status
from daftar.calls.models import Call
from daftar.documents.models import Document
from daftar.documents.samples import demo_card_png, demo_pdf_bytes, demo_photo_jpeg
from daftar.documents.validation import storage_name
from daftar.municipalities.models import District, Municipality
from daftar.rules.models import DocumentRequirement

from .offices import HOLDER_FACTS

# (mobile, first name, last name, national code): the applicant whose documents wait
REVIEW_PERSON = ("09120000035", "نیما", "جهانگیری", "0152637486")
REVIEW_DISTRICT = 16
PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
# document type → (type, pages of a PDF, the name it was uploaded under)
FILES: dict[str, tuple[str, int, str]] = {
    "national_card": (PNG, 0, "کارت-ملی.png"),
    "application_form": (PDF, 3, "فرم-درخواست.pdf"),
    "health_certificate": (PDF, 2, "گواهی-سلامت.pdf"),
    "degree": (PDF, 2, "مدرک-تحصیلی.pdf"),
    "experience_certificate": (PDF, 1, "سابقه-کار.pdf"),
    "training_certificates": (PDF, 2, "دوره‌ها.pdf"),
    "premises_deed": (PDF, 2, "اجاره‌نامه.pdf"),
    "location_sketch": (PNG, 0, "کروکی.png"),
    "premises_photos": (JPEG, 0, "عکس-دفتر.jpg"),
    "equipment_list": (PDF, 1, "فهرست-تجهیزات.pdf"),
}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg"}


def _person() -> User:
    mobile, first, last, national_code = REVIEW_PERSON
    person, created = user_get_or_create(mobile=mobile)
    if created:
        User.objects.filter(pk=person.pk).update(first_name=first, last_name=last, national_code=national_code)
        person.refresh_from_db()
    return person


def _document(application: Application, person: User, code: str, at: dt.datetime) -> None:
    mime, pages, original = FILES[code]
    data = demo_pdf_bytes(pages) if mime == PDF else demo_card_png() if mime == PNG else demo_photo_jpeg()
    name = default_storage.save(storage_name(EXTENSIONS[mime]), ContentFile(data))
    Document.objects.create(
        application=application,
        doc_type=code,
        file=name,
        original_name=original,
        mime=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages or None,
        uploaded_by=person,
        uploaded_at=at,
    )


def demo_review_load(tehran: Municipality, call: Call | None) -> None:
    if call is None:
        return
    person = _person()
    if Application.objects.filter(call=call, applicant=person).exists():
        return
    now = timezone.now()
    application = Application.objects.create(
        call=call,
        applicant=person,
        municipality=call.municipality,
        district=District.objects.get(municipality=tehran, number=REVIEW_DISTRICT),
        status=Status.DOCUMENT_REVIEW,
        facts=dict(HOLDER_FACTS),
        eligible=True,
        submitted_at=now - dt.timedelta(days=3),
        tracking_code=tracking_code_new(),
        due_at=now + dt.timedelta(days=12),
    )
    codes = set(
        DocumentRequirement.objects.filter(
            licence_type_id=call.licence_type_id, required=True, stage="submission"
        ).values_list("code", flat=True)
    )
    for code in FILES:
        if code in codes:
            _document(application, person, code, now - dt.timedelta(days=4))
