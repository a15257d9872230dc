"""The municipality administrator's rule-set versions (S9-S11; issue 18 §3), replacing the
Django admin:

* ``rules/`` — the versions of each licence type's conditions here: published or draft, in
  force or not, effective from (Jalali), the note; a new draft from the latest version;
* ``rules/<id>/`` — a version's conditions; on a draft, their thresholds and lists (with the
  condition's Persian text, never its id) are edited;
* ``rules/<id>/preview/`` — which open cases the draft would judge differently, condition by
  condition («۷ پرونده با این نسخه دیگر شرط «…» را ندارند»), each case linked;
* ``rules/<id>/publish/`` — publish the draft from a Jalali date, after a confirmation.

Who may is ``rules.policy``: someone who administers no municipality gets 403; another
municipality's version answers as a nonexistent one (404). Every write is a ``rules.services``
function with its audit entry; the preview is ``applications.rule_preview`` (the case's facts
are the applications app's, above the rules).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from daftar.applications.rule_preview import MAX_CASES, rule_set_preview
from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.rules import policy
from daftar.rules.editing import shown
from daftar.rules.models import Condition, LicenceType, RuleSet
from daftar.rules.selectors import rule_set_in_force
from daftar.rules.services import ConditionEdit, rule_set_conditions_update, rule_set_draft, rule_set_publish

from .admin_forms import ConditionsForm, NewDraftForm, PublishForm
from .admin_scope import Scope, scope_for


def _scope(request: HttpRequest) -> Scope:
    if not policy.manages_rules_somewhere(request.user):
        raise PermissionDenied
    return scope_for(request, policy.rule_municipalities(request.user))


def _rule_set(request: HttpRequest, pk: int) -> RuleSet:
    """The version, if ``request.user`` manages its municipality's rules; otherwise 404."""
    rule_set = (
        policy.managed_rule_sets(request.user).select_related("licence_type", "municipality").filter(pk=pk).first()
    )
    if rule_set is None or not policy.may_manage_rules(request.user, rule_set.municipality_id):
        raise Http404
    return rule_set


def _list_url(scope: Scope) -> str:
    url = reverse("municipal:rule_sets")
    return f"{url}?m={scope.municipality.slug}" if scope.many else url


@login_required
def rule_set_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    versions = list(
        RuleSet.objects.filter(municipality=scope.municipality)
        .select_related("licence_type", "created_by")
        .order_by("licence_type__title", "-version")
    )
    types: dict[int, dict[str, Any]] = {}
    for version in versions:
        entry = types.setdefault(
            version.licence_type_id,
            {"licence_type": version.licence_type, "versions": [], "draft": None, "latest": version},
        )
        entry["versions"].append(version)
        if not version.published and entry["draft"] is None:
            entry["draft"] = version
    for entry in types.values():
        in_force = rule_set_in_force(entry["licence_type"], scope.municipality)
        entry["in_force"] = in_force.pk if in_force else None
    return render(request, "desk/municipal/rules/list.html", {"scope": scope, "types": list(types.values())})


@login_required
@require_POST
def rule_set_new(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = NewDraftForm(request.POST)
    code = form.cleaned_data["licence_type"] if form.is_valid() else ""
    licence_type = LicenceType.objects.filter(code=code, rule_sets__municipality=scope.municipality).first()
    if licence_type is None:
        messages.error(request, "نوع مجوز را از فهرست انتخاب کنید.")
        return redirect(_list_url(scope))
    try:
        draft = rule_set_draft(licence_type=licence_type, municipality=scope.municipality, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(scope))
    messages.success(
        request,
        f"پیش‌نویس نسخهٔ {persian_digits(draft.version)} ساخته شد؛ "
        "شرایط را ویرایش کنید، اثرش را ببینید و سپس منتشر کنید.",
    )
    return redirect("municipal:rule_set", pk=draft.pk)


def _conditions(rule_set: RuleSet) -> list[Condition]:
    return list(rule_set.conditions.order_by("order", "pk"))


def _detail_page(
    request: HttpRequest, rule_set: RuleSet, form: ConditionsForm | None, status: int = 200
) -> HttpResponse:
    scope = scope_for(request, {rule_set.municipality_id})
    conditions = _conditions(rule_set)
    rows = [
        {
            "condition": c,
            "group": c.get_group_display(),
            "parameters": shown(c.check_type, list(c.facts), c.parameters),
        }
        for c in conditions
    ]
    return render(
        request,
        "desk/municipal/rules/detail.html",
        {
            "scope": scope,
            "rule_set": rule_set,
            "rows": rows,
            "form": form,
            "groups": form.bound_groups() if form is not None else [],
            "list_url": _list_url(scope),
        },
        status=status,
    )


@login_required
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set(request, pk)
    if rule_set.published:
        if request.method == "POST":
            return _detail_page(request, rule_set, None, status=409)
        return _detail_page(request, rule_set, None)
    conditions = _conditions(rule_set)
    if request.method != "POST":
        return _detail_page(request, rule_set, ConditionsForm(conditions=conditions))
    form = ConditionsForm(request.POST, conditions=conditions)
    if not form.is_valid():
        return _detail_page(request, rule_set, form, status=400)
    data = form.cleaned_data
    edits = {}
    for condition, names in form.groups:
        parameters = {name.split("-", 1)[1]: data.get(name) for name in names[1:]}
        edits[condition.pk] = ConditionEdit(text=data.get(names[0]) or "", parameters=parameters)
    try:
        changed = rule_set_conditions_update(rule_set=rule_set, edits=edits, actor=request.user)
    except ApplicationError as exc:
        errors_to_form(form, exc)
        if exc.status_code == 409:
            rule_set.refresh_from_db()
            return _detail_page(request, rule_set, None, status=409)
        return _detail_page(request, rule_set, form, status=exc.status_code)
    if changed:
        messages.success(request, f"تغییر {persian_digits(len(changed))} شرط ذخیره شد.")
    else:
        messages.info(request, "چیزی تغییر نکرد.")
    return redirect("municipal:rule_set", pk=rule_set.pk)


@login_required
def rule_set_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set(request, pk)
    scope = scope_for(request, {rule_set.municipality_id})
    preview = rule_set_preview(rule_set)
    return render(
        request,
        "desk/municipal/rules/preview.html",
        {"scope": scope, "rule_set": rule_set, "preview": preview, "limit": MAX_CASES, "list_url": _list_url(scope)},
    )


def _changes_from_base(rule_set: RuleSet) -> list[dict[str, Any]]:
    """What the draft changes from the latest published version before it, in words."""
    base = (
        RuleSet.objects.filter(
            licence_type=rule_set.licence_type,
            municipality=rule_set.municipality,
            published=True,
            version__lt=rule_set.version,
        )
        .order_by("-version")
        .first()
    )
    if base is None:
        return []
    before = {c.cid: c for c in base.conditions.all()}
    out = []
    for c in _conditions(rule_set):
        old = before.get(c.cid)
        if old is not None and (old.text, old.parameters) == (c.text, c.parameters):
            continue
        was = dict(shown(old.check_type, list(old.facts), old.parameters)) if old is not None else {}
        params = [
            (label, was.get(label, ""), value) for label, value in shown(c.check_type, list(c.facts), c.parameters)
        ]
        out.append(
            {
                "text": c.text,
                "was": old.text if old is not None and old.text != c.text else "",
                "params": [p for p in params if p[1] != p[2]],
            }
        )
    return out


@login_required
def rule_set_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set(request, pk)
    scope = scope_for(request, {rule_set.municipality_id})
    context: dict[str, Any] = {"scope": scope, "rule_set": rule_set, "list_url": _list_url(scope)}
    if rule_set.published:
        return render(
            request, "desk/municipal/rules/publish.html", context, status=409 if request.method == "POST" else 200
        )
    context["changes"] = _changes_from_base(rule_set)
    if request.method != "POST":
        today = timezone.localdate()
        form = PublishForm(initial={"effective_from": max(rule_set.effective_from, today)})
        return render(request, "desk/municipal/rules/publish.html", {**context, "form": form})
    form = PublishForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "desk/municipal/rules/publish.html", context, status=400)
    try:
        rule_set = rule_set_publish(
            rule_set=rule_set, actor=request.user, effective_from=form.cleaned_data["effective_from"]
        )
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return render(request, "desk/municipal/rules/publish.html", context, status=exc.status_code)
    messages.success(
        request,
        f"نسخهٔ {persian_digits(rule_set.version)} منتشر شد و از {to_jalali(rule_set.effective_from)} "
        "برای فراخوان‌های تازه به کار می‌رود.",
    )
    return redirect(_list_url(scope))
