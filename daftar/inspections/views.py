"""Pages of site inspections (mobile-first): the inspector's visits and the checklist form.
A visit or case outside the user's municipality is a 404; refusals are shown in Persian. The
forms offered are the moves and actions ``policy`` allows the user now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from daftar.documents import messages as doc_msg
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.files import attachment_response
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_number

from . import policy
from .checklist import checklist, visit_checklist
from .forms import PhotoForm, ResultForm, ScheduleForm, VisitResultForm, errors_to_form
from .models import Inspection, SupervisionVisit
from .selectors import (
    awaiting_visit,
    case_for_inspector,
    inspection_for,
    photo_download_name,
    photo_for,
    scheduled_supervision_visits,
    scheduled_visits,
    visit_for,
)
from .services import VIOLATION_OF_KIND, inspection_record, inspection_schedule, photo_add, visit_record

SCHEDULED = "بازدید برای {when} زمان‌بندی شد و به متقاضی پیامک شد."
RECORDED = "نتیجهٔ بازدید ثبت شد؛ وضعیت پرونده: «{status}»."
PHOTO_ADDED = "عکس بارگذاری شد."
VISIT_RECORDED = "نتیجهٔ بازدید نظارتی ثبت شد؛ {count} تخلف برای دفتر ثبت شد."


def _not_found_as_page(exc: ApplicationError) -> None:
    """A refusal that reads "not found" (one's own case or office) is the not-found page, the
    same as for an id that does not exist."""
    if exc.status_code == 404:
        raise Http404 from None


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    try:
        return inspection_for(request.user, pk)
    except ApplicationError:
        raise Http404 from None


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/list.html",
        {
            "visits": list(scheduled_visits(request.user)[:200]),
            "awaiting": list(awaiting_visit(request.user)[:200]),
            "supervision_visits": list(scheduled_supervision_visits(request.user)[:200]),
            "form": ScheduleForm(),
        },
    )


@login_required
@require_POST
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        application = case_for_inspector(request.user, pk)
    except ApplicationError:
        raise Http404 from None
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            inspection = inspection_schedule(application, request.user, form.cleaned_data["scheduled_at"])
        except ApplicationError as exc:
            _not_found_as_page(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, SCHEDULED.format(when=to_jalali(inspection.scheduled_at, with_time=True)))
            return redirect("inspections:detail", inspection.pk)
    else:
        messages.error(request, str(form.errors.get("scheduled_at", ["زمان بازدید را وارد کنید."])[0]))
    return redirect("inspections:list")


def _render(request: HttpRequest, inspection: Inspection, *, form: Any = None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "application": inspection.application,
            "items": checklist(inspection.application),
            "result": inspection.result,
            "photos": list(inspection.photos.all()),
            "form": form or ResultForm(),
            "photo_form": PhotoForm(),
            "can_record": "record" in policy.actions(request.user, inspection),
            "can_add_photo": policy.may(request.user, "inspection.photo_add", inspection),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    if request.method != "POST":
        return _render(request, inspection)
    form = ResultForm(request.POST)
    if not form.is_valid():
        return _render(request, inspection, form=form, status=400)
    try:
        inspection = inspection_record(inspection, form.measurements(), request.user)
    except ApplicationError as exc:
        _not_found_as_page(exc)
        errors_to_form(form, exc)
        return _render(request, inspection, form=form, status=exc.status_code)
    inspection.application.refresh_from_db()
    messages.success(request, RECORDED.format(status=inspection.application.get_status_display()))
    return redirect("inspections:detail", inspection.pk)


@csrf_exempt
@require_POST
def photos(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo upload: an announced body over the limit is refused (413) before anything reads
    it; only then is the CSRF token (inside the body) checked."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("inspections:detail", args=[pk]))
    inspection = _inspection(request, pk)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.API_MAX_UPLOAD_BYTES
    if length > limit:
        messages.error(request, doc_msg.TOO_LARGE.format(limit=persian_number(limit / (1024 * 1024))))
        return _render(request, inspection, status=413)
    return _photo_checked(request, inspection)


@csrf_protect
def _photo_checked(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    try:
        photo_add(inspection, request.FILES.get("file"), actor=request.user)
    except ApplicationError as exc:
        _not_found_as_page(exc)
        messages.error(request, exc.message)
        response = _render(request, inspection, status=exc.status_code)
        if isinstance(exc, ThrottledError):
            response["Retry-After"] = str(exc.retry_after)
        return response
    messages.success(request, PHOTO_ADDED)
    return redirect("inspections:detail", inspection.pk)


@login_required
def photo_download(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    try:
        photo = photo_for(request.user, pk, photo_id)
    except ApplicationError:
        raise Http404 from None
    return attachment_response(str(photo.file.name), photo_download_name(photo), photo.mime)


# --- supervision visits of licensed offices -------------------------------------------------


def _visit(request: HttpRequest, pk: int) -> SupervisionVisit:
    try:
        return visit_for(request.user, pk)
    except ApplicationError:
        raise Http404 from None


def _render_visit(
    request: HttpRequest, visit: SupervisionVisit, *, form: Any = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "inspections/visit.html",
        {
            "visit": visit,
            "licence": visit.licence,
            "items": visit_checklist(visit.licence),
            "result": visit.result,
            "form": form or VisitResultForm(),
            "can_record": "record" in policy.actions(request.user, visit),
        },
        status=status,
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    if request.method != "POST":
        return _render_visit(request, visit)
    form = VisitResultForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, form=form, status=400)
    try:
        visit = visit_record(visit, form.observations(), request.user)
    except ApplicationError as exc:
        _not_found_as_page(exc)
        errors_to_form(form, exc)
        return _render_visit(request, visit, form=form, status=exc.status_code)
    failed = sum(1 for item in visit.result if item["result"] != "pass" and item["kind"] in VIOLATION_OF_KIND)
    messages.success(request, VISIT_RECORDED.format(count=persian_number(failed)))
    return redirect("inspections:visit", visit.pk)
