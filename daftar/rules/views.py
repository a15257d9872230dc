"""Public pages of the licence catalogue and the self-check journey (S15.5-S15.6)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from daftar.kernel.errors import ApplicationError
from daftar.municipalities.models import Municipality
from daftar.runtime.pagecache import cached_page

from .constants import ConditionGroup, DocumentGroup, Verification
from .facts import validate_facts
from .forms import SelfCheckForm
from .models import LicenceType, RuleSet
from .selectors import licence_types_search, municipalities_with_rules, rule_set_in_force, self_check_remember
from .services import eligibility_check

FACT_TO_FIELD = {"location": "lat"}


@cached_page("rules", ttl=300)
def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = list(licence_types_search(query))
    return render(request, "rules/catalogue.html", {"query": query, "results": results})


def _context(request: HttpRequest, code: str) -> tuple[LicenceType, Municipality, RuleSet, dict[str, Any]]:
    licence_type = get_object_or_404(LicenceType, code=code, is_active=True)
    municipalities = list(municipalities_with_rules(licence_type))
    slug = request.GET.get("municipality") or (municipalities[0].slug if municipalities else "")
    municipality = next((m for m in municipalities if m.slug == slug), None)
    if municipality is None:
        raise Http404
    rule_set = rule_set_in_force(licence_type, municipality)
    if rule_set is None:
        raise Http404
    conditions = list(rule_set.conditions.all())
    groups = [
        {"label": label, "conditions": [c for c in conditions if c.group == value]}
        for value, label in ConditionGroup.choices
    ]
    documents = list(licence_type.documents.all())
    doc_groups = [
        {"label": label, "documents": [d for d in documents if d.group == value]}
        for value, label in DocumentGroup.choices
    ]
    context = {
        "licence": licence_type,
        "municipality": municipality,
        "municipalities": municipalities,
        "rule_set": rule_set,
        "groups": groups,
        "doc_groups": doc_groups,
        "verification": dict(Verification.choices),
        "conditions": {c.cid: c for c in conditions},
    }
    return licence_type, municipality, rule_set, context


@cached_page("rules", "municipalities", ttl=300, params=("municipality",))
def licence_detail(request: HttpRequest, code: str) -> HttpResponse:
    _, _, _, context = _context(request, code)
    return render(request, "rules/licence_detail.html", context)


def _apply_url() -> str | None:
    """Applying in a call comes with the applications issue; until its URL exists the
    button explains that instead of linking nowhere (docs/decisions/0007)."""
    try:
        return reverse("applications:start")
    except NoReverseMatch:
        return None


@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest, code: str) -> HttpResponse:
    licence_type, municipality, _rule_set, context = _context(request, code)
    initial = {}
    if request.user.is_authenticated:
        initial = {"nationality": request.user.nationality, "person_type": request.user.person_type}
    form = SelfCheckForm(request.POST or None, initial=initial)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        raw, errors = form.to_facts()
        try:
            facts = validate_facts(raw) if not errors else None
        except ApplicationError as exc:
            for key, messages in exc.fields.items():
                name = key.removeprefix("facts.")
                field = FACT_TO_FIELD.get(name, name)
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            facts = None
        for field, message in errors.items():
            form.add_error(field, message)
        if facts is not None:
            result = eligibility_check(
                licence_type=licence_type, municipality=municipality, facts=facts, actor=request.user
            )
            if not request.user.is_authenticated:  # a visitor's answers wait for them to apply
                self_check_remember(request.session, licence_type.pk, facts)
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    context.update({"form": form, "result": result, "apply_url": _apply_url()})
    if result is not None:
        context["exam_pending"] = any(c.id == "S10.4" and c.result == "unknown" for c in result.evaluation.conditions)
        context["verdicts"] = [
            {"result": c, "condition": context["conditions"].get(c.id)} for c in result.evaluation.conditions
        ]
    return render(request, "rules/self_check.html", context, status=status)
