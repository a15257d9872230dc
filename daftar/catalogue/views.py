"""Pages of the catalogue's tariffs (P6):

* ``/tariffs/`` — the public tariff table in force on a date, per municipality (printable; P6:
  tariffs must be posted where citizens can see them);
* ``/tariffs/revisions/`` — the municipality administrator previews, schedules and cancels
  revisions.

A revision of another municipality does not exist for an administrator (404, as a wrong id)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from daftar.accounts.constants import Role
from daftar.accounts.scoping import scope_queryset
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_iso, to_jalali
from daftar.kernel.normalize import persian_number
from daftar.municipalities.models import Municipality
from daftar.runtime.pagecache import cached_page

from . import messages as msg
from . import policy
from .forms import RevisionForm, TariffTableForm, errors_to_form
from .inputs import default_step, parse_day, today
from .models import TariffRevision
from .revisions import revision_actions, revision_cancel, revision_preview, revision_schedule
from .tariffs import tariff_table

# --- the public tariff table ------------------------------------------------------------------


@require_GET
@cached_page("catalogue", "municipalities", ttl=300, params=("municipality", "on"))
def tariffs(request: HttpRequest) -> HttpResponse:
    cities = list(Municipality.objects.order_by("name"))
    choices = [(m.slug, m.name) for m in cities]
    data = request.GET.copy()
    if not data.get("municipality") and cities:
        data["municipality"] = "tehran" if any(m.slug == "tehran" for m in cities) else cities[0].slug
    if not data.get("on"):
        data["on"] = jalali_iso(today()) or ""
    form = TariffTableForm(data, municipalities=choices)
    context: dict[str, Any] = {"form": form, "lines": None}
    if form.is_valid():
        municipality = next(m for m in cities if m.slug == form.cleaned_data["municipality"])
        on = today()
        try:
            if form.cleaned_data["on"]:
                on = parse_day(form.cleaned_data["on"], field_name="on")
        except ApplicationError as exc:
            errors_to_form(form, exc)
        else:
            context.update(municipality=municipality, on=on, lines=tariff_table(municipality.pk, on))
    return render(request, "catalogue/tariffs.html", context, status=200 if form.is_valid() else 400)


# --- revisions (municipality administrator) ---------------------------------------------------


def _admin_cities(request: HttpRequest) -> list[Municipality]:
    ids = policy.tariff_municipalities(request.user)
    if ids is None:
        return list(Municipality.objects.order_by("name"))
    if not ids:
        raise PermissionDenied
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def _revisions_page(
    request: HttpRequest, cities: list[Municipality], form: RevisionForm, *, preview: Any = None, status: int = 200
) -> HttpResponse:
    rows = (
        TariffRevision.objects.filter(municipality__in=cities)
        .select_related("municipality", "created_by")
        .annotate(services=Count("tariffs"))
        .order_by("-effective_from", "-pk")[:100]
    )
    return render(
        request,
        "catalogue/revisions.html",
        {
            "form": form,
            "preview": preview,
            "revisions": [{"row": r, "cancellable": "cancel" in revision_actions(r, request.user)} for r in rows],
            "many_cities": len(cities) > 1,
        },
        status=status,
    )


@login_required
def revisions(request: HttpRequest) -> HttpResponse:
    cities = _admin_cities(request)
    choices = [(m.slug, m.name) for m in cities]
    if request.method != "POST":
        initial = {"rounding_step": default_step(), "municipality": cities[0].slug if cities else ""}
        return _revisions_page(request, cities, RevisionForm(initial=initial, municipalities=choices))
    form = RevisionForm(request.POST, municipalities=choices)
    if not form.is_valid():
        return _revisions_page(request, cities, form, status=400)
    data = form.cleaned_data
    municipality = next(m for m in cities if m.slug == data["municipality"])
    try:
        if request.POST.get("action") == "schedule":
            revision = revision_schedule(
                municipality=municipality,
                percent=data["percent"],
                rounding_step=data["rounding_step"],
                effective_from=data["effective_from"],
                resolution=data.get("resolution", ""),
                actor=request.user,
            )
            count = revision.tariffs.count()
            messages.success(
                request,
                msg.REVISION_SCHEDULED.format(
                    percent=persian_number(float(revision.percent)),
                    date=to_jalali(revision.effective_from),
                    count=persian_number(count),
                ),
            )
            return redirect("catalogue:revisions")
        preview = revision_preview(municipality, data["percent"], data["rounding_step"], data["effective_from"])
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return _revisions_page(request, cities, form, status=exc.status_code)
    return _revisions_page(request, cities, form, preview=preview)


@login_required
@require_POST
def revision_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Only an administrator of the revision's municipality reaches it; for anyone else it does
    not exist (404, as a wrong id), never a 403 that tells it does."""
    visible = scope_queryset(TariffRevision.objects.all(), request.user, roles={Role.MUNICIPALITY_ADMIN})
    revision = visible.filter(pk=pk).first()
    if revision is None:
        raise Http404
    try:
        revision = revision_cancel(revision=revision, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, msg.REVISION_CANCELLED.format(date=to_jalali(revision.effective_from)))
    return redirect("catalogue:revisions")
