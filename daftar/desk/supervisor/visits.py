"""The supervisor's supervision visits (S11.3, S17).

``/desk/supervision/visits/``: the visits of the offices of the supervisor's municipalities,
scheduled and done (filters: status, inspector, dates), and a search for the licence to send an
inspector to (``/desk/supervision/visits/new/?q=`` by licence number or office name).
``/desk/supervision/visits/new/<number>/``: send one of the municipality's inspectors at a Jalali
date and time, after a confirmation step, through ``inspections.services.visit_schedule`` (the
holder and the inspector are told by SMS). The inspector fills the checklist on their phone at
``/inspections/visits/<pk>/``.

Another municipality's licence and one's own office's are "not found"; staff of the municipality
without the supervisor's role get 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from daftar.accounts.models import User
from daftar.catalogue.forms import errors_to_form
from daftar.inspections import policy
from daftar.inspections.models import InspectionStatus
from daftar.inspections.services import visit_schedule, visit_schedule_check
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.licences.models import Licence
from daftar.supervision.services import SUPERVISABLE

from .oversight_forms import AssignVisitForm, LicenceSearchForm, VisitFilterForm
from .reports import refused_as_page

PAGE_SIZE = 25
FOUND_MAX = 20
SCHEDULED = "بازدید {office} برای {when} به {inspector} سپرده شد و برای دارندهٔ مجوز و بازرس پیامک شد."
CONFIRM = (
    "بازدید نظارتی {office} در {when} به {inspector} سپرده می‌شود. برای دارندهٔ مجوز ({holder}) و بازرس پیامک "
    "فرستاده می‌شود."
)


def _supervisor_or_403(request: HttpRequest) -> None:
    if not policy.may_assign_anywhere(request.user):
        raise PermissionDenied


def _name(user: Any) -> str:
    return str(user.display_name)


@login_required
def visits_page(request: HttpRequest) -> HttpResponse:
    _supervisor_or_403(request)
    inspectors = [(u.pk, _name(u)) for u in policy.inspectors_of(request.user)]
    form = VisitFilterForm(request.GET or None, inspectors=inspectors)
    qs = policy.visits_supervised(request.user)
    status = 200
    params: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["inspector"]:
            qs = qs.filter(inspector_id=data["inspector"])
        if data["since"]:
            qs = qs.filter(scheduled_at__date__gte=data["since"])
        if data["until"]:
            qs = qs.filter(scheduled_at__date__lte=data["until"])
        params = {k: v for k, v in request.GET.items() if k in form.fields and v}
    elif form.is_bound:
        status = 400
    page = Paginator(qs.order_by("-scheduled_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for visit in page.object_list:
        overdue = visit.status == InspectionStatus.SCHEDULED and visit.scheduled_at < now
        visit.overdue = overdue  # type: ignore[attr-defined]
    return render(
        request,
        "desk/supervisor/visits.html",
        {
            "form": form,
            "search": LicenceSearchForm(),
            "page": page,
            "query": urlencode(params),
        },
        status=status,
    )


@login_required
def find_licence(request: HttpRequest) -> HttpResponse:
    """The licences matching a number or an office's name; one exact number goes straight on."""
    _supervisor_or_403(request)
    form = LicenceSearchForm(request.GET or None)
    found: list[Licence] = []
    status = 200
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"].strip()
        qs = policy.licences_to_send(request.user).select_related("district", "office")
        exact = qs.filter(number__iexact=q).first()
        if exact is not None:
            return redirect("supervisor:visit_new", exact.number)
        match = Q(number__icontains=q) | Q(office_name__icontains=q) | Q(office__name__icontains=q)
        found = list(qs.filter(match | Q(holder_name__icontains=q)).order_by("number")[:FOUND_MAX])
    elif form.is_bound:
        status = 400
    return render(
        request,
        "desk/supervisor/visit_find.html",
        {"search": form, "found": found, "supervisable": SUPERVISABLE},
        status=status,
    )


def _licence(request: HttpRequest, number: str) -> Licence:
    licence = (
        policy.licences_to_send(request.user)
        .select_related("holder", "district", "municipality", "office")
        .filter(number=number)
        .first()
    )
    if licence is None:
        raise Http404
    if not policy.may(request.user, "supervision_visit.assign", licence):
        raise PermissionDenied
    return licence


def _render(
    request: HttpRequest, licence: Licence, form: AssignVisitForm, *, confirm: str = "", status: int = 200
) -> HttpResponse:
    scheduled = licence.supervision_visits.filter(status=InspectionStatus.SCHEDULED).first()
    return render(
        request,
        "desk/supervisor/visit_new.html",
        {
            "licence": licence,
            "office": getattr(licence, "office", None),
            "form": form,
            "confirm": confirm,
            "visitable": licence.status in SUPERVISABLE,
            "scheduled": scheduled,
        },
        status=status,
    )


@login_required
def assign_page(request: HttpRequest, number: str) -> HttpResponse:
    licence = _licence(request, number)
    inspectors = [(u.pk, _name(u)) for u in policy.inspectors_for(licence)]
    if request.method != "POST":
        return _render(request, licence, AssignVisitForm(inspectors=inspectors))
    form = AssignVisitForm(request.POST, inspectors=inspectors)
    if not form.is_valid():
        return _render(request, licence, form, status=400)
    inspector = User.objects.filter(pk=form.cleaned_data["inspector"]).first()
    when = form.cleaned_data["scheduled_at"]
    try:
        if request.POST.get("confirm") != "1":
            visit_schedule_check(licence, inspector, when, actor=request.user)
            assert inspector is not None  # (the check refuses a missing inspector)
            text = CONFIRM.format(
                office=licence.display_name,
                when=to_jalali(when, with_time=True),
                inspector=_name(inspector),
                holder=licence.holder_name,
            )
            return _render(request, licence, form, confirm=text)
        visit = visit_schedule(licence, inspector, when, actor=request.user)
    except ApplicationError as exc:
        refused_as_page(exc)
        errors_to_form(form, exc)
        return _render(request, licence, form, status=exc.status_code)
    text = SCHEDULED.format(
        office=licence.display_name,
        when=to_jalali(visit.scheduled_at, with_time=True),
        inspector=_name(visit.inspector),
    )
    messages.success(request, text)
    return redirect("supervisor:visits")
