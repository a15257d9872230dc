"""The municipality's pass rules for the written exam and the interview (S10.4, P7; issue 18
§3), replacing the Django admin's «قاعدهٔ قبولی شهرداری» for its administrator:
``assessment/`` shows and sets them. A new exam session or interview panel copies them when it
is made; those made before keep theirs.

Who may is ``assessments.policy.may_set_pass_rules`` (someone who administers no municipality:
403). The write is ``assessments.pass_policy.assessment_policy_save``, with its audit entry;
its checks are the model's, the same as the admin's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from daftar.assessments import policy
from daftar.assessments.models import policy_for
from daftar.assessments.pass_policy import FIELDS, assessment_policy_save
from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError

from .admin_forms import AssessmentPolicyForm
from .admin_scope import scope_for


@login_required
def assessment_policy(request: HttpRequest) -> HttpResponse:
    if not policy.sets_pass_rules_somewhere(request.user):
        raise PermissionDenied
    scope = scope_for(request, policy.pass_rule_municipalities(request.user))
    if not policy.may_set_pass_rules(request.user, scope.municipality.pk):
        raise PermissionDenied
    current = policy_for(scope.municipality.pk)
    context = {"scope": scope, "current": current}
    if request.method != "POST":
        form = AssessmentPolicyForm(initial=AssessmentPolicyForm.initial_from(current))
        return render(request, "desk/municipal/assessment.html", {**context, "form": form})
    form = AssessmentPolicyForm(request.POST)
    if not form.is_valid():
        return render(request, "desk/municipal/assessment.html", {**context, "form": form}, status=400)
    values = {name: form.cleaned_data[name] for name in FIELDS}
    try:
        assessment_policy_save(municipality=scope.municipality, values=values, actor=request.user)
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return render(request, "desk/municipal/assessment.html", {**context, "form": form}, status=exc.status_code)
    messages.success(
        request, f"قاعدهٔ قبولی {scope.municipality.name} ذخیره شد؛ جلسه‌ها و هیئت‌های تازه از آن پیروی می‌کنند."
    )
    url = reverse("municipal:assessment_policy")
    return redirect(f"{url}?m={scope.municipality.slug}" if scope.many else url)
