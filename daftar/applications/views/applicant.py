"""The applicant's pages: their cases, the way in from the catalogue's self-check to an open
call (S7, S15.6), and on their case page uploading a document (S12), submitting and withdrawing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from daftar.calls.models import CallState
from daftar.calls.selectors import calls_list
from daftar.documents import messages as doc_msg
from daftar.documents.models import Document
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.normalize import normalize_text, persian_digits, persian_number
from daftar.municipalities.models import Municipality
from daftar.rules.models import LicenceType

from .. import messages as msg
from .. import services
from ..case_documents import UPLOAD_STATES, document_upload
from ..forms import SubmitForm, errors_to_form
from ..models import Application
from ..presenters import appointments_for, missing_documents, needed_now, next_step, requirements_for
from ..selectors import my_cases
from ..services.guards import guard_documents_complete
from .case_page import _case_or_404, _case_url, _render_case, _upload_form

# Persian texts of the pages (the services' own refusals come with their messages).
UPLOADED = "مدرک «{title}» بارگذاری شد (نسخهٔ {version})."
SUBMITTED = "درخواست ثبت نهایی شد. کد رهگیری شما: {code}"
WITHDRAWN = "از درخواست انصراف دادید؛ پرونده بسته شد."
UPLOAD_ONLY_APPLICANT = "فقط متقاضی پرونده می‌تواند مدرک بارگذاری کند."


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    cases = list(my_cases(request.user).select_related("applicant", "call__licence_type").prefetch_related("documents"))
    requirements: dict[int, list[Any]] = {}  # one query per licence type, not per case
    for a in cases:
        if a.call.licence_type_id not in requirements:
            requirements[a.call.licence_type_id] = requirements_for(a)
    appointments = appointments_for(cases)  # the exams and interviews to attend, for all at once
    rows = []
    for a in cases:
        documents = list(a.documents.all())
        needs = requirements[a.call.licence_type_id]
        attend = appointments.get(a.pk, [])
        rows.append(
            {
                "case": a,
                "needed": needed_now(a, documents, needs, attend),
                "next": next_step(a, missing_documents(a, documents, needs), attend),
            }
        )
    return render(request, "applications/mine.html", {"rows": rows})


def start(request: HttpRequest) -> HttpResponse:
    """From the self-check's «درخواست صدور مجوز»: the open call of that licence type and
    municipality; a Persian page when there is none (or a choice when there are several)."""
    code = request.GET.get("licence", "")
    slug = request.GET.get("municipality", "")
    licence = LicenceType.objects.filter(code=code, is_active=True).first() if code else None
    municipality = Municipality.objects.filter(slug=slug, is_active=True).first() if slug else None
    calls: list[Any] = []
    if licence is not None and (municipality is not None or not slug):
        qs = calls_list(municipality_slug=slug or None, state=CallState.OPEN).filter(licence_type=licence)
        calls = list(qs[:20])
    if len(calls) == 1:
        return redirect(reverse("calls:detail", args=[calls[0].pk]) + "#apply")
    context = {"licence": licence, "municipality": municipality, "calls": calls}
    return render(request, "applications/start.html", context)


def _wants_json(request: HttpRequest) -> bool:
    """The drop area's script uploads one file per request and asks for JSON back."""
    return "application/json" in request.headers.get("Accept", "")


def _upload_json(application: Application, status: int, message: str, **extra: Any) -> JsonResponse:
    documents = list(Document.objects.filter(application=application, is_current=True))  # not the prefetched ones
    missing = missing_documents(application, documents, requirements_for(application))
    body = {
        "ok": status < 400,
        "message": message,
        "missing": [{"code": r.code, "title": r.title} for r in missing],
        **extra,
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A document upload. An announced body over the upload limit is refused with 413 before
    anything reads it; only then is the CSRF token (inside the body or the ``X-CSRFToken``
    header) checked. The drop area's script gets JSON back (``Accept: application/json``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(_case_url(pk))
    application = _case_or_404(request, pk)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.API_MAX_UPLOAD_BYTES
    if length > limit:
        message = doc_msg.TOO_LARGE.format(limit=persian_number(limit / (1024 * 1024)))
        if _wants_json(request):
            return _upload_json(application, 413, message)
        messages.error(request, message)
        return _render_case(request, application, status=413)
    return _upload_checked(request, application)


@csrf_protect
def _upload_checked(request: HttpRequest, application: Application) -> HttpResponse:
    code = normalize_text(request.POST.get("type", ""))[:40]
    form = _upload_form(code, request.POST, request.FILES)
    form.is_valid()  # every field is optional: the service judges the type and the file
    as_json = _wants_json(request)
    if application.applicant_id != request.user.pk:
        if as_json:
            return _upload_json(application, 403, UPLOAD_ONLY_APPLICANT)
        messages.error(request, UPLOAD_ONLY_APPLICANT)
        return _render_case(request, application, status=403)
    try:
        document = document_upload(
            application=application, doc_type=code, file=form.cleaned_data.get("file"), actor=request.user
        )
    except ApplicationError as exc:
        if as_json:
            response: HttpResponse = _upload_json(application, exc.status_code, exc.message)
        else:
            messages.error(request, exc.message)
            errors_to_form(form, exc)
            response = _render_case(request, application, status=exc.status_code, bound=form, bound_key=code)
        if isinstance(exc, ThrottledError):
            response["Retry-After"] = str(exc.retry_after)
        return response
    title = next((r.title for r in requirements_for(application) if r.code == document.doc_type), document.doc_type)
    message = UPLOADED.format(title=title, version=persian_digits(document.version))
    if as_json:
        return _upload_json(application, 201, message, code=document.doc_type, title=title)
    messages.success(request, message)
    return redirect(_case_url(application.pk, "step-documents"))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submitting needs the explicit confirmation box ticked; the service refuses an incomplete
    file (missing documents) with its own Persian message."""
    application = _case_or_404(request, pk)
    form = SubmitForm(request.POST, auto_id="id_submit_%s")
    try:
        confirmed = form.is_valid() and form.cleaned_data["confirm"]
        if application.applicant_id == request.user.pk and application.status in UPLOAD_STATES and not confirmed:
            guard_documents_complete(application, request.user, {})  # an incomplete file says so first
            form.add_error("confirm", msg.CONFIRM_REQUIRED)
            messages.error(request, msg.CONFIRM_REQUIRED)
            return _render_case(request, application, status=400, bound=form)
        submitted = services.application_submit(application_id=application.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_case(request, application, status=exc.status_code)
    messages.success(request, SUBMITTED.format(code=submitted.tracking_code))
    return redirect(_case_url(application.pk))


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (no script needed); POST withdraws."""
    application = _case_or_404(request, pk)
    if request.method == "GET":
        allowed = any(m.action == "withdraw" for m in services.actions_available(application, request.user))
        return render(request, "applications/withdraw.html", {"case": application, "allowed": allowed})
    try:
        services.application_withdraw(application_id=application.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_case(request, application, status=exc.status_code)
    messages.success(request, WITHDRAWN)
    return redirect(_case_url(application.pk))
