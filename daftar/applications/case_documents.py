"""Uploading and reviewing a case's documents (S12; issue 4 §3).

An upload is checked by content before anything is written (``validation.inspect_upload``);
the file is saved through the storage API under a server-made name and the row created in one
transaction, and if the transaction fails the file is deleted again, so a refused or failed
upload leaves neither a row nor a file behind.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.documents import messages as msg
from daftar.documents.models import Document, ReviewState
from daftar.documents.throttle import upload_throttle
from daftar.documents.validation import UploadRejected, clean_original_name, inspect_upload, storage_name
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text
from daftar.rules.models import DocumentRequirement

from . import policy as case_policy
from .models import Application
from .services import submission_window_check
from .workflow import Status

UPLOAD_STATES = (Status.DRAFT, Status.CORRECTION_REQUESTED)


def requirement_for(application: Application, doc_type: Any) -> DocumentRequirement:
    code = normalize_text(str(doc_type or ""))
    requirement = DocumentRequirement.objects.filter(
        licence_type_id=application.call.licence_type_id, code=code, stage="submission"
    ).first()
    if requirement is None:
        raise ApplicationError(msg.TYPE_UNKNOWN, fields={"type": [msg.TYPE_UNKNOWN]})
    return requirement


def document_upload(*, application: Application, doc_type: Any, file: Any, actor: Any) -> Document:
    """A new version of ``doc_type`` on the case (the previous one is kept, no longer current)."""
    if not case_policy.may_upload_documents(actor, application):
        raise ApplicationError(msg.NOT_OWNER, code="permission_denied", status=403)
    if file is None:
        raise ApplicationError(msg.FILE_REQUIRED, fields={"file": [msg.FILE_REQUIRED]})
    if application.status not in UPLOAD_STATES:
        raise ApplicationError(
            msg.NOT_UPLOADABLE.format(status=application.get_status_display()), code="illegal_state", status=409
        )
    requirement = requirement_for(application, doc_type)
    upload_throttle(actor)  # before the file is checked: the check is the costly part (issue 17)
    try:
        inspected = inspect_upload(
            file,
            accepted_types=requirement.accepted_types,
            max_bytes=requirement.max_bytes,
            max_pixels=settings.DOCUMENT_MAX_PIXELS,
            max_pdf_pages=settings.DOCUMENT_MAX_PDF_PAGES,
            max_pdf_objects=settings.DOCUMENT_MAX_PDF_OBJECTS,
            max_pdf_cpu_seconds=settings.DOCUMENT_PDF_CHECK_CPU_SECONDS,
        )
    except UploadRejected as exc:
        raise ApplicationError(exc.detail, code=exc.code, status=exc.status, fields={"file": [exc.detail]}) from None
    saved: list[str] = []
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
            if locked.status not in UPLOAD_STATES:
                raise ApplicationError(
                    msg.NOT_UPLOADABLE.format(status=locked.get_status_display()), code="illegal_state", status=409
                )
            submission_window_check(locked)
            previous = Document.objects.filter(application=locked, doc_type=requirement.code, is_current=True).first()
            if previous is not None and previous.review_state == ReviewState.ACCEPTED:
                raise ApplicationError(msg.ALREADY_ACCEPTED, code="already_accepted", status=409)
            version = 1
            if previous is not None:
                version = previous.version + 1
                previous.is_current = False
                previous.save(update_fields=["is_current"])
            name = default_storage.save(storage_name(inspected.extension), file)
            saved.append(name)
            document = Document.objects.create(
                application=locked,
                doc_type=requirement.code,
                version=version,
                file=name,
                original_name=clean_original_name(getattr(file, "name", "") or ""),
                mime=inspected.mime,
                size=inspected.size,
                sha256=inspected.sha256,
                pages=inspected.pages,
                width=inspected.width,
                height=inspected.height,
                uploaded_by=actor,
            )
            locked.updated_at = timezone.now()
            locked.save(update_fields=["updated_at"])
            audit_record(
                actor=actor,
                action="document.upload",
                obj=document,
                municipality=locked.municipality,
                data={
                    "application": locked.pk,
                    "type": requirement.code,
                    "version": version,
                    "sha256": inspected.sha256,
                },
            )
    except BaseException:
        for name in saved:  # the row did not commit: do not leave its file behind
            default_storage.delete(name)
        raise
    return document


def document_review(*, document_id: int, decision: Any, reason: Any, actor: Any) -> Document:
    """A reviewer accepts or rejects one document with a reason (issue 4 §3)."""
    decision = normalize_text(str(decision or ""))
    reason = normalize_text(str(reason or ""))
    if decision not in ("accept", "reject"):
        raise ApplicationError(msg.DECISION_INVALID, fields={"decision": [msg.DECISION_INVALID]})
    if decision == "reject" and len(reason) < 5:
        raise ApplicationError(msg.REJECT_REASON_REQUIRED, fields={"reason": [msg.REJECT_REASON_REQUIRED]})
    application_id = Document.objects.values_list("application_id", flat=True).get(pk=document_id)
    with transaction.atomic():
        # the case first, then the document: the same order as an upload, so the two never deadlock
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=application_id)
        )
        document = Document.objects.select_for_update().get(pk=document_id)
        if not case_policy.may_review_documents(actor, application):
            raise case_policy.refuse_review(actor, application)
        if application.status != Status.DOCUMENT_REVIEW:
            raise ApplicationError(
                msg.REVIEW_NOT_NOW.format(status=application.get_status_display()), code="illegal_state", status=409
            )
        if not document.is_current:
            raise ApplicationError(msg.REVIEW_NOT_CURRENT, code="not_current", status=409)
        document.review_state = ReviewState.ACCEPTED if decision == "accept" else ReviewState.REJECTED
        document.review_reason = reason
        document.reviewed_by = actor
        document.reviewed_at = timezone.now()
        document.save(update_fields=["review_state", "review_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action=f"document.{decision}",
            obj=document,
            municipality=application.municipality,
            data={
                "application": application.pk,
                "type": document.doc_type,
                "version": document.version,
                "reason": reason,
            },
        )
    return document
