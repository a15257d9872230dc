"""The staff's actions on the case page: reviewing a document (S12), taking a move with the
data of its form (``workflow.MOVES``) and asking an inquiry again. Nobody acts on their own
case (S15, P1): the policies answer such a request as for a case that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from daftar.inquiries import policy as inquiry_policy
from daftar.inquiries.services import inquiry_retry
from daftar.kernel.errors import ApplicationError

from .. import policy, services
from ..case_documents import document_review
from ..forms import ACTION_FORMS, errors_to_form
from ..presenters import requirements_for
from ..workflow import MOVES
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
        return _render_case(request, application, status=exc.status_code, bound=form, bound_key=str(document.pk))
    title = next((r.title for r in requirements_for(application) if r.code == document.doc_type), document.doc_type)
    messages.success(request, REVIEWED[decision].format(title=title))
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
