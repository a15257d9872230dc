"""One call's page, where a person applies, and a district's ranking in it (S7, P4).

These are pages of the case that sit under the call's address (``/calls/<id>/``): applying is
thin — ``ApplyForm`` (the self-check facts plus a district) gathers the input and
``services.application_create`` decides; its Persian refusals are shown on the form. Who may see
the ranking is the case policy's answer.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daftar.calls.models import Call
from daftar.calls.selectors import calls_list
from daftar.kernel.errors import ApplicationError
from daftar.rules.models import EligibilityCheck
from daftar.rules.selectors import self_check_remembered

from . import policy
from . import services as case_services
from .forms import ApplyForm, errors_to_form, facts_initial
from .models import Application
from .selectors import my_cases

CREATED = "پیش‌نویس درخواست ساخته شد. اکنون مدارک را بارگذاری و درخواست را ثبت نهایی کنید."


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
    prefilled = False
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
        checked = last_self_check(request.user, call)
        # the saved check of a signed-in person, else the answers they gave before signing in
        facts = checked.facts if checked else self_check_remembered(request.session, call.licence_type_id)
        prefilled = facts is not None
        form = ApplyForm(districts=districts, initial=facts_initial(facts))
    context = {
        "call": call,
        "is_open": is_open,
        "districts": list(call.districts.all()),
        "quota_total": sum(row.quota for row in call.districts.all()),
        "form": form,
        "existing": existing,
        "can_rank": may_rank(request.user, call),
        "prefilled": prefilled,
    }
    return render(request, "calls/detail.html", context, status=status)


def last_self_check(user: Any, call: Call) -> EligibilityCheck | None:
    """The person's latest saved self-check for the call's licence type (its own
    municipality's first): its answers fill the apply form, so they are not asked again."""
    checks = EligibilityCheck.objects.filter(user=user, rule_set__licence_type_id=call.licence_type_id)
    return (
        checks.filter(rule_set__municipality_id=call.municipality_id).order_by("-created_at", "-pk").first()
        or checks.order_by("-created_at", "-pk").first()
    )


def may_rank(user: Any, call: Call) -> bool:
    return policy.may_see_ranking(user, call)


@login_required
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: a district's ranking in the call (P4); 404 for everyone else logged in, the login
    page for anyone not (as every other staff page)."""
    call: Any = calls_list().filter(pk=pk).first()
    if call is None or not may_rank(request.user, call):
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
