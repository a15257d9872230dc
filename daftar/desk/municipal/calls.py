"""The municipality administrator's calls (S7, P4; issue 18 §3), replacing the Django admin:

* ``calls/`` — the municipality's calls: state, Jalali window, quotas, cases;
* ``calls/new/`` — open a call: licence type, a published rule-set version, the window and a
  quota per district;
* ``calls/<id>/edit/`` — change a call that has not opened yet;
* ``calls/<id>/close/`` — end an open call now, with a reason, after a confirmation that says
  how many drafts can then no longer be submitted;
* ``calls/<id>/cancel/`` — cancel a call nobody has submitted a case in, after a confirmation.

Who may is ``calls.policy``: someone who administers no municipality gets 403; another
municipality's call answers as a nonexistent one (404). Every write is a ``calls.services``
function with its audit entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from daftar.applications.workflow import Status
from daftar.calls import messages as call_msg
from daftar.calls import policy
from daftar.calls.models import Call, CallDistrict, CallState
from daftar.calls.services import call_cancel, call_close, call_create, call_submitted_count, call_update
from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.rules.models import LicenceType, RuleSet
from daftar.rules.selectors import rule_set_in_force

from .admin_forms import QUOTA_PREFIX, CallForm, ReasonForm
from .admin_scope import Scope, scope_for

LIST_SHOWN = 100
STATE_BADGES = {
    CallState.UPCOMING: "text-bg-info",
    CallState.OPEN: "text-bg-success",
    CallState.CLOSED: "text-bg-secondary",
}


def _scope(request: HttpRequest) -> Scope:
    if not policy.manages_calls_somewhere(request.user):
        raise PermissionDenied
    return scope_for(request, policy.administered_municipalities(request.user))


def _call(request: HttpRequest, pk: int) -> Call:
    """The call, if ``request.user`` manages it; otherwise, as a nonexistent one, 404."""
    call = (
        policy.managed_calls(request.user)
        .select_related("municipality", "licence_type", "rule_set")
        .filter(pk=pk)
        .first()
    )
    if call is None or not policy.may_manage_calls(request.user, call.municipality_id):
        raise Http404
    return call


def state_of(call: Call, now: Any = None) -> dict[str, str]:
    """The call's state for a person: cancelled is its own state on this page."""
    if call.cancelled:
        return {"code": "cancelled", "label": "لغوشده", "badge": "text-bg-dark"}
    state = call.state(now)
    return {"code": state, "label": CallState(state).label, "badge": STATE_BADGES[CallState(state)]}


def _drafts(call: Call) -> int:
    return int(call.applications.filter(status=Status.DRAFT).count())


@login_required
def call_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    now = timezone.now()
    calls = list(
        Call.objects.filter(municipality=scope.municipality)
        .select_related("licence_type", "rule_set")
        .prefetch_related(Prefetch("districts", queryset=CallDistrict.objects.select_related("district")))
        .annotate(
            cases=Count("applications", filter=Q(applications__submitted_at__isnull=False)),
            drafts=Count("applications", filter=Q(applications__status=Status.DRAFT)),
        )
        .order_by("-opens_at", "-pk")[: LIST_SHOWN + 1]
    )
    rows = []
    for call in calls[:LIST_SHOWN]:
        state = state_of(call, now)
        districts = list(call.districts.all())
        rows.append(
            {
                "call": call,
                "state": state,
                "districts": len(districts),
                "quota": sum(d.quota for d in districts),
                "can_edit": state["code"] == CallState.UPCOMING,
                "can_close": state["code"] == CallState.OPEN,
                "can_cancel": state["code"] in (CallState.UPCOMING, CallState.OPEN) and not call.cases,
            }
        )
    return render(
        request,
        "desk/municipal/calls/list.html",
        {"scope": scope, "rows": rows, "more": len(calls) > LIST_SHOWN, "shown": LIST_SHOWN},
    )


def _published(scope: Scope, licence_type: LicenceType | None = None) -> list[RuleSet]:
    qs = RuleSet.objects.filter(municipality=scope.municipality, published=True).select_related("licence_type")
    if licence_type is not None:
        qs = qs.filter(licence_type=licence_type)
    return list(qs.order_by("licence_type__title", "-version"))


def _rule_set(raw: Any) -> RuleSet | None:
    text = str(raw or "")
    # ASCII digits only: "²".isdigit() is true, but int("²") fails
    return (
        RuleSet.objects.filter(pk=int(text)).first() if text.isascii() and text.isdigit() and len(text) < 12 else None
    )


def _form_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "quota_fields": context["form"].quota_fields()}, status=status)


@login_required
def call_new(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    municipality = scope.municipality
    types = list(LicenceType.objects.filter(is_active=True, rule_sets__municipality=municipality).distinct())
    districts = list(municipality.districts.order_by("number"))
    options: dict[str, Any] = {"licence_types": types, "rule_sets": _published(scope), "districts": districts}
    context: dict[str, Any] = {"scope": scope}
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if len(types) == 1:
            initial["licence_type"] = types[0].code
            in_force = rule_set_in_force(types[0], municipality)
            if in_force is not None:
                initial["rule_set"] = str(in_force.pk)
        initial.update({f"{QUOTA_PREFIX}{d.pk}": "" for d in districts})
        context["form"] = CallForm(initial=initial, **options)
        return _form_page(request, "desk/municipal/calls/form.html", context)
    form = CallForm(request.POST, **options)
    context["form"] = form
    if not form.is_valid():
        return _form_page(request, "desk/municipal/calls/form.html", context, status=400)
    data = form.cleaned_data
    licence_type = next((t for t in types if t.code == data["licence_type"]), None)
    if licence_type is None:
        form.add_error("licence_type", "نوع مجوز را از فهرست انتخاب کنید.")
        return _form_page(request, "desk/municipal/calls/form.html", context, status=400)
    rule_set = _rule_set(data["rule_set"])
    if rule_set is None:  # the page always names one; the service would take the one in force
        form.add_error("rule_set", call_msg.RULE_SET_UNKNOWN)
        return _form_page(request, "desk/municipal/calls/form.html", context, status=400)
    try:
        call = call_create(
            municipality=municipality,
            licence_type=licence_type,
            title=data["title"],
            description=data.get("description") or "",
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            quotas=data["quotas"],
            rule_set=rule_set,
            actor=request.user,
            future=True,
        )
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return _form_page(request, "desk/municipal/calls/form.html", context, status=exc.status_code)
    messages.success(
        request,
        f"فراخوان «{call.title}» ساخته شد؛ ثبت‌نام از {to_jalali(call.opens_at, with_time=True)} آغاز می‌شود.",
    )
    return redirect(_list_url(scope))


def _list_url(scope: Scope) -> str:
    url = reverse("municipal:calls")
    return f"{url}?m={scope.municipality.slug}" if scope.many else url


@login_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    scope = scope_for(request, {call.municipality_id})
    districts = list(call.municipality.districts.order_by("number"))
    options: dict[str, Any] = {
        "licence_types": [],
        "rule_sets": _published(scope, call.licence_type),
        "districts": districts,
        "fixed_licence_type": True,
    }
    state = state_of(call)
    context: dict[str, Any] = {"scope": scope, "call": call, "state": state}
    if state["code"] != CallState.UPCOMING:
        return render(request, "desk/municipal/calls/edit_closed.html", context)
    if request.method != "POST":
        initial: dict[str, Any] = {
            "title": call.title,
            "description": call.description,
            "rule_set": str(call.rule_set_id),
            "opens_at": call.opens_at,
            "closes_at": call.closes_at,
        }
        for row in call.districts.all():
            initial[f"{QUOTA_PREFIX}{row.district_id}"] = persian_digits(row.quota)
        context["form"] = CallForm(initial=initial, **options)
        return _form_page(request, "desk/municipal/calls/form.html", context)
    form = CallForm(request.POST, **options)
    context["form"] = form
    if not form.is_valid():
        return _form_page(request, "desk/municipal/calls/form.html", context, status=400)
    data = form.cleaned_data
    try:
        call = call_update(
            call=call,
            title=data["title"],
            description=data.get("description") or "",
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            quotas=data["quotas"],
            rule_set=_rule_set(data["rule_set"]),
            actor=request.user,
        )
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return _form_page(request, "desk/municipal/calls/form.html", context, status=exc.status_code)
    messages.success(request, f"تغییرهای فراخوان «{call.title}» ذخیره شد.")
    return redirect(_list_url(scope))


def _end_page(request: HttpRequest, call: Call, kind: str, form: ReasonForm, status: int = 200) -> HttpResponse:
    scope = scope_for(request, {call.municipality_id})
    state = state_of(call)
    submitted = call_submitted_count(call)
    allowed = (
        state["code"] == CallState.OPEN
        if kind == "close"
        else state["code"] in (CallState.UPCOMING, CallState.OPEN) and not submitted
    )
    return render(
        request,
        f"desk/municipal/calls/{kind}.html",
        {
            "scope": scope,
            "call": call,
            "state": state,
            "form": form,
            "drafts": _drafts(call),
            "submitted": submitted,
            "allowed": allowed,
            "list_url": _list_url(scope),
        },
        status=status,
    )


def _end(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    call = _call(request, pk)
    if request.method != "POST":
        return _end_page(request, call, kind, ReasonForm())
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _end_page(request, call, kind, form, status=400)
    act = call_close if kind == "close" else call_cancel
    try:
        call = act(call=call, reason=form.cleaned_data["reason"], actor=request.user)
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return _end_page(request, call, kind, form, status=exc.status_code)
    done = "بسته شد" if kind == "close" else "لغو شد"
    messages.success(request, f"فراخوان «{call.title}» {done}.")
    return redirect(_list_url(scope_for(request, {call.municipality_id})))


@login_required
def call_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, "close")


@login_required
def call_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, "cancel")
