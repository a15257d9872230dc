"""The staff's actions on the case page: reviewing a document (S12), taking a move with the
data of its form (``workflow.MOVES``) and asking an inquiry again. Nobody acts on their own
case (S15, P1): the policies answer such a request as for a case that does not exist.

The reviewer's document viewer (issue 19 §6): one document of the case shown inline (a PDF
through PDF.js, an image as itself) with the previous and next documents and the review form
beside it. Its page and its file answer only who may review the case's documents
(``policy.may_view_documents``); the file is served by ``daftar.documents.serving``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from daftar.documents.models import Document, ReviewState
from daftar.documents.serving import inline_response
from daftar.inquiries import policy as inquiry_policy
from daftar.inquiries.services import inquiry_retry
from daftar.kernel.errors import ApplicationError

from .. import policy, services
from ..case_documents import document_review
from ..forms import ACTION_FORMS, ReviewForm, errors_to_form
from ..models import Application
from ..presenters import requirements_for
from ..workflow import MOVES, Status
from .case_page import _action_form, _case_or_404, _case_url, _render_case, _review_form

# Persian texts of the pages (the services' own refusals come with their messages).
REVIEWED = {"accept": "مدرک «{title}» پذیرفته شد.", "reject": "مدرک «{title}» رد شد."}
MOVED = "«{label}» انجام شد؛ وضعیت پرونده: «{status}»."
FORM_INVALID = "برخی داده‌های فرم نادرست است؛ خطای هر بخش را ببینید."
INQUIRY_RETRIED = "استعلام «{label}» دوباره درخواست شد."
NOT_PERMITTED = "نقش شما اجازهٔ این اقدام را در این شهرداری نمی‌دهد."


@login_required
@require_POST
def review(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    application = _case_or_404(request, pk)
    document = next((d for d in application.documents.all() if d.pk == document_id), None)
    if document is None:
        raise Http404
    from_viewer = request.POST.get("back") == "viewer"
    form = _review_form(document.pk, request.POST)
    form.is_valid()
    decision = str(form.cleaned_data.get("decision") or "")
    try:
        document_review(
            document_id=document.pk, decision=decision, reason=form.cleaned_data.get("reason"), actor=request.user
        )
    except ApplicationError as exc:
        if exc.status_code == 404:  # a reviewer's own case: not in their queue, as if it did not exist
            raise Http404 from None
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        if from_viewer:
            return _render_viewer(request, application, document, status=exc.status_code, bound=form)
        return _render_case(request, application, status=exc.status_code, bound=form, bound_key=str(document.pk))
    title = next((r.title for r in requirements_for(application) if r.code == document.doc_type), document.doc_type)
    messages.success(request, REVIEWED[decision].format(title=title))
    if from_viewer:
        return redirect(_viewer_url(application.pk, document.pk))
    return redirect(_case_url(application.pk, f"doc-{document.doc_type}"))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A staff move (``workflow.MOVES``) with the data of its form."""
    application = _case_or_404(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = _action_form(action, application, request.POST)
    data = form.to_data() if form.is_valid() else None
    if data is None:
        messages.error(request, FORM_INVALID)
        return _render_case(request, application, status=400, bound=form, bound_key=action)
    try:
        result = services.application_move(application_id=application.pk, action=action, actor=request.user, data=data)
    except ApplicationError as exc:
        if exc.status_code == 404:  # a staff member's own case: not in their queue, as if it did not exist
            raise Http404 from None
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_case(request, application, status=exc.status_code, bound=form, bound_key=action)
    messages.success(request, MOVED.format(label=MOVES[action].label, status=result.application.get_status_display()))
    return redirect(_case_url(application.pk))


@login_required
@require_POST
def retry_inquiry(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Staff ask again an inquiry that got no answer."""
    application = _case_or_404(request, pk)
    inquiry = application.inquiries.filter(kind=kind).first()
    if inquiry is None:
        raise Http404
    if not inquiry_policy.may_retry(request.user, application):  # answered as the case answers
        if policy.refuse_move(request.user, inquiry_policy.RETRY, application).status_code == 404:
            raise Http404
        messages.error(request, NOT_PERMITTED)
        return _render_case(request, application, status=403)
    try:
        inquiry_retry(inquiry=inquiry, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_case(request, application, status=exc.status_code)
    messages.success(request, INQUIRY_RETRIED.format(label=inquiry.get_kind_display()))
    return redirect(_case_url(application.pk, "inquiries-h"))


# --- the reviewer's document viewer ----------------------------------------------------------

VIEWER_KINDS = {"application/pdf": "pdf", "image/png": "image", "image/jpeg": "image"}


def _viewer_url(application_id: int, document_id: int) -> str:
    return reverse("applications:document", args=[application_id, document_id])


def _viewable(request: HttpRequest, pk: int, document_id: int) -> tuple[Application, Document]:
    """The case and its document for the viewer: 404 when either is not visible or the
    document is not the case's, 403 for staff who see the case but do not review it."""
    application = _case_or_404(request, pk)
    document = next((d for d in application.documents.all() if d.pk == document_id), None)
    if document is None:
        raise Http404
    if not policy.may_view_documents(request.user, application):
        if policy.refuse_view_documents(request.user, application).status_code == 404:
            raise Http404
        raise PermissionDenied
    return application, document


def _render_viewer(
    request: HttpRequest,
    application: Application,
    document: Document,
    *,
    status: int = 200,
    bound: ReviewForm | None = None,
) -> HttpResponse:
    requirements = requirements_for(application)
    titles = {r.code: r.title for r in requirements}
    current = {d.doc_type: d for d in application.documents.all() if d.is_current}
    shown = [current[r.code] for r in requirements if r.code in current]  # the list's order
    index = next((i for i, d in enumerate(shown) if d.pk == document.pk), None)
    previous = shown[index - 1] if index is not None and index > 0 else None
    following = shown[index + 1] if index is not None and index + 1 < len(shown) else None
    can_review = (
        application.status == Status.DOCUMENT_REVIEW
        and document.is_current
        and policy.may_review_documents(request.user, application)
    )
    reviewed = sum(1 for d in shown if d.review_state != ReviewState.PENDING)
    context = {
        "case": application,
        "document": document,
        "title": titles.get(document.doc_type, document.doc_type),
        "kind": VIEWER_KINDS.get(document.mime, ""),
        "file_url": reverse("applications:document_file", args=[application.pk, document.pk]),
        "download_url": f"/api/v1/documents/{document.pk}/download",
        "position": (index or 0) + 1,
        "count": len(shown),
        "reviewed": reviewed,
        "previous": previous and {"url": _viewer_url(application.pk, previous.pk), "title": titles[previous.doc_type]},
        "next": following and {"url": _viewer_url(application.pk, following.pk), "title": titles[following.doc_type]},
        "others": [
            {"document": d, "title": titles.get(d.doc_type, d.doc_type), "url": _viewer_url(application.pk, d.pk)}
            for d in shown
        ],
        "review_form": (bound or _review_form(document.pk)) if can_review else None,
        "case_url": _case_url(application.pk, "documents"),
    }
    return render(request, "applications/document_viewer.html", context, status=status)


@login_required
def document_viewer(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    application, document = _viewable(request, pk, document_id)
    return _render_viewer(request, application, document)


@login_required
def document_file(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    """The viewed document's file, inline when its content is a PDF, PNG or JPEG."""
    _application, document = _viewable(request, pk, document_id)
    return inline_response(document)
