"""What the applicant needs to do now, in Persian (issue 4 §7): shared by the API and pages."""

from __future__ import annotations

from collections.abc import Iterable

from daftar.accounts.selectors import profile_gaps
from daftar.documents.models import Document, ReviewState
from daftar.kernel.jalali import to_jalali
from daftar.rules.models import DocumentRequirement

from . import messages as msg
from .models import Application
from .workflow import FINAL, Status


def requirements_for(application: Application) -> list[DocumentRequirement]:
    cached = getattr(application.call, "requirements_cached", None)  # casecache.call_for_new_case
    if cached is not None:
        return list(cached)
    return list(
        DocumentRequirement.objects.filter(
            licence_type_id=application.call.licence_type_id, stage="submission"
        ).order_by("order")
    )


def needed_now(
    application: Application,
    documents: Iterable[Document],
    requirements: list[DocumentRequirement] | None = None,
) -> list[str]:
    status = application.status
    if status in FINAL:
        return [msg.NEED_NOTHING_FINAL.format(status=application.get_status_display())]
    if status not in (Status.DRAFT, Status.CORRECTION_REQUESTED):
        due = f"؛ پاسخ شهرداری تا {to_jalali(application.due_at)}" if application.due_at else ""
        return [msg.NEED_WAIT.format(status=application.get_status_display(), due=due)]
    current = {d.doc_type: d for d in documents if d.is_current}
    needed: list[str] = []
    gaps = profile_gaps(application.applicant)
    if gaps:
        needed.append(msg.NEED_PROFILE.format(gaps="، ".join(gaps)))
    for requirement in requirements if requirements is not None else requirements_for(application):
        document = current.get(requirement.code)
        if document is None:
            if requirement.required:
                needed.append(msg.NEED_UPLOAD.format(title=requirement.title))
        elif document.review_state == ReviewState.REJECTED:
            needed.append(msg.NEED_REUPLOAD.format(title=requirement.title, reason=document.review_reason))
    if not needed:
        if status == Status.CORRECTION_REQUESTED:
            needed.append(msg.NEED_RESUBMIT.format(due=to_jalali(application.due_at) if application.due_at else "—"))
        else:
            needed.append(msg.NEED_SUBMIT)
    return needed
