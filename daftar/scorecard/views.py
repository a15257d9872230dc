"""Pages of the office scorecard (issue 22 §2).

- ``/offices/<id>/scorecard/`` — an office's scorecard of a period (``?period=``, default the
  newest): its total, band and rank, and per measure the score, the weight and why
  (``policy.scorecard_access``: the manager and technical manager, the municipality's readers).
- ``/desk/scorecards/`` — the supervisor's ranking of the municipality's offices in a period,
  with the «بازدید لازم» list (the lowest band's consequence) and the recompute form.
- ``/desk/scorecards/compute/`` — the recompute (POST).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from daftar.kernel.errors import ApplicationError

from . import messages as msg
from . import policy
from .models import Scorecard
from .periods import asked, label_of, last_ended
from .rules import rules_for
from .selectors import band_ranges, computed_periods, measure_views, office_scorecards, ranking, score_text
from .services import scorecards_compute

RECOMPUTABLE = 4  # the ended periods the recompute form offers


def _raise(exc: ApplicationError) -> None:
    if exc.status_code == 403:
        raise PermissionDenied(exc.message)
    raise Http404(exc.message)


@login_required
def office(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = policy.scorecard_access(request.user, pk)
    except ApplicationError as exc:
        _raise(exc)
        raise  # unreachable: _raise always raises
    rows = office_scorecards(access.office)
    context: dict[str, Any] = {"office": access.office, "access": access, "rows": rows}
    months = rules_for(access.office.municipality_id).period_months
    try:
        wanted = asked(request.GET.get("period"), months, (r.period for r in rows))
    except ApplicationError as exc:
        return render(request, "scorecard/office.html", {**context, "error": exc.message}, status=400)
    row: Scorecard | None = rows[0] if rows else None
    if wanted:
        row = next((r for r in rows if r.period == wanted), None)
        if row is None:
            return render(request, "scorecard/office.html", {**context, "error": msg.PERIOD_NOT_COMPUTED}, status=404)
    if row is not None:
        context.update(
            row=row,
            measures=measure_views(row),
            total_text=score_text(row.total),
            bands=band_ranges(row.bands),
            municipality=access.office.municipality,
        )
    return render(request, "scorecard/office.html", context)


def _recompute_choices(municipality_id: int) -> list[tuple[str, str]]:
    rules = rules_for(municipality_id)
    period = last_ended(timezone.localdate(), rules.period_months)
    out = []
    for _ in range(RECOMPUTABLE):
        out.append((period.key, period.label))
        period = period.previous()
    return out


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    try:
        municipality = policy.ranking_municipality(request.user, request.GET.get("municipality"))
    except ApplicationError as exc:
        _raise(exc)
        raise
    periods = computed_periods(municipality)
    status = 200
    error = ""
    months = rules_for(municipality.pk).period_months
    try:
        period = asked(request.GET.get("period"), months, periods) or (periods[0] if periods else "")
    except ApplicationError as exc:
        period, error, status = (periods[0] if periods else ""), exc.message, 400
    rows = list(ranking(municipality, period)) if period else []
    for r in rows:
        r.total_text = score_text(r.total)  # type: ignore[attr-defined]
    if period and not rows and not error:
        error, status = msg.PERIOD_NOT_COMPUTED, 404
    visits = [r for r in rows if r.visit_required]
    # offices that served no one in the period are not ranked; they are listed only when asked
    # (?all=1), so the ranked ones are not pushed down by a tail of «بی خدمت» rows
    show_all = request.GET.get("all") == "1"
    listed = [r for r in rows if show_all or r.band_label]
    return render(
        request,
        "scorecard/ranking.html",
        {
            "municipality": municipality,
            "municipalities": policy.ranking_municipalities(request.user),
            "periods": [(key, label_of(key)) for key in periods],
            "period": period,
            "period_label": label_of(period) if period else "",
            "rows": rows,
            "listed": listed,
            "show_all": show_all,
            "hidden_unserved": len(rows) - len(listed),
            "visits": visits,
            "bands": band_ranges(rows[0].bands) if rows else [],
            "choices": _recompute_choices(municipality.pk),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    try:
        municipality = policy.ranking_municipality(request.user, request.POST.get("municipality"))
    except ApplicationError as exc:
        _raise(exc)
        raise
    back = reverse("scorecard:ranking") + "?" + urlencode({"municipality": municipality.slug})
    try:
        done = scorecards_compute(municipality=municipality, period=request.POST.get("period"), actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done.message)
    return redirect(back + "&" + urlencode({"period": done.period.key}))
