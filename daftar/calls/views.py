"""Public pages of calls (فراخوان, S7): the list, one call, and applying in it.

Applying is thin: ``ApplyForm`` (the self-check facts plus a district) gathers the input and
``applications.services.application_create`` decides; its Persian refusals are shown on the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from daftar.applications import services as case_services
from daftar.applications.forms import ApplyForm, errors_to_form
from daftar.applications.selectors import my_cases
from daftar.core.errors import ApplicationError

from . import policy
from .models import Call, CallState
from .selectors import calls_list

CREATED = "پیش‌نویس درخواست ساخته شد. اکنون مدارک را بارگذاری و درخواست را ثبت نهایی کنید."
CLOSED_SHOWN = 50  # closed calls are history: the latest ones are enough on the page


def call_list(request: HttpRequest) -> HttpResponse:
    """Open calls first (closing soonest first), then upcoming, then the latest closed ones."""
    now = timezone.now()
    calls = list(calls_list())
    groups: dict[str, list[Call]] = {state: [] for state in CallState.values}
    for call in calls:
        groups[call.state(now)].append(call)
    groups[CallState.UPCOMING].sort(key=lambda c: (c.opens_at, c.pk))
    groups[CallState.CLOSED].sort(key=lambda c: (c.closes_at, c.pk), reverse=True)
    sections = [
        {"state": CallState.OPEN, "title": "فراخوان‌های باز", "calls": groups[CallState.OPEN]},
        {"state": CallState.UPCOMING, "title": "فراخوان‌های آینده", "calls": groups[CallState.UPCOMING]},
        {"state": CallState.CLOSED, "title": "فراخوان‌های بسته", "calls": groups[CallState.CLOSED][:CLOSED_SHOWN]},
    ]
    return render(request, "calls/list.html", {"sections": sections, "now": now, "any": bool(calls)})


@require_http_methods(["GET", "POST"])
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call: Any = calls_list().filter(pk=pk).first()
    if call is None:
        raise Http404
    is_open = call.is_open()
    districts = [(row.district_id, row.district.name) for row in call.districts.all()]
    existing = None
    if request.user.is_authenticated:
        existing = my_cases(request.user).filter(call=call).first()
    form = None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = ApplyForm(request.POST, districts=districts)
        if form.is_valid():
            raw, errors = form.to_facts()
            for field, message in errors.items():
                form.add_error(field, message)
            if not errors:
                try:
                    application = case_services.application_create(
                        call=call, district_id=form.cleaned_data["district"], facts_raw=raw, actor=request.user
                    )
                except ApplicationError as exc:
                    errors_to_form(form, exc)
                    status = exc.status_code
                else:
                    messages.success(request, CREATED)
                    return redirect("applications:detail", pk=application.pk)
        if status == 200:
            status = 400
    elif is_open and request.user.is_authenticated and existing is None:
        form = ApplyForm(districts=districts)
    context = {
        "call": call,
        "is_open": is_open,
        "districts": list(call.districts.all()),
        "quota_total": sum(row.quota for row in call.districts.all()),
        "form": form,
        "existing": existing,
        "can_rank": policy.may_see_ranking(request.user, call),
    }
    return render(request, "calls/detail.html", context, status=status)


@login_required
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: a district's ranking in the call (P4); 404 for everyone else logged in, the login
    page for anyone not (as every other staff page)."""
    from daftar.applications.models import Application

    call: Any = calls_list().filter(pk=pk).first()
    if call is None or not policy.may_see_ranking(request.user, call):
        raise Http404
    rows = list(call.districts.all())
    chosen = case_services.parse_id(request.GET.get("district", "")) or (rows[0].district_id if rows else None)
    row = next((r for r in rows if r.district_id == chosen), None)
    if row is None:
        raise Http404
    standing = case_services.district_ranking(call, row.district_id)
    cases = Application.objects.select_related("applicant").in_bulk([s.application_id for s in standing])
    ranking = [{"standing": s, "case": cases[s.application_id]} for s in standing]
    context = {"call": call, "rows": rows, "row": row, "ranking": ranking}
    return render(request, "calls/ranking.html", context)
