"""The municipality administrator's deadline rules page (issue 21 §2 follow-up), replacing the
Django admin for them: when the staff and the head are reminded before a legal clock runs out,
who the head is, and per licence type what happens when the clock has run out (escalation to
the head, or deemed approval under the business-licence facilitation law).

Who may: ``accounts.policy.deadline_municipalities`` (the municipality's administrator); without
the role anywhere a Persian 403, another municipality's id the 404 of a nonexistent one. The
checks and the save are ``applications.deadline_settings`` (shared with the Django admin): every
bad input is named next to its box (400) and nothing is saved; a change is one transaction with
one audit entry holding the values before and after.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from daftar.accounts import policy
from daftar.applications import deadline_settings as rules
from daftar.applications.models import DeadlineConsequence
from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits

from .calendar import GET_POST, _context, municipality_for, page_url
from .deadline_forms import ALL_HEADS, DeadlineRulesForm, confirm_field
from .staff import _who

Kind = DeadlineConsequence.Kind
KIND_TEXT = {
    Kind.ESCALATION: "ارجاع به مرجع بالاتر",
    Kind.DEEMED_APPROVAL: "صدور مجوز به حکم قانون",
}


def days_text(days: list[int]) -> str:
    """«۲ و ۱ روز کاری پیش از پایان مهلت و روز آخر آن» (latest first)."""
    before = [persian_digits(d) for d in days if d]
    parts = []
    if before:
        joined = before[0] if len(before) == 1 else "، ".join(before[:-1]) + " و " + before[-1]
        parts.append(f"{joined} روز کاری پیش از پایان مهلت")
    if 0 in days:
        parts.append("روز آخر مهلت" if not before else "روز آخر آن")
    return " و ".join(parts) or "بدون یادآوری"


def days_box(days: list[int]) -> str:
    """The days as typed in the box: «۲، ۱»."""
    return "، ".join(persian_digits(d) for d in days)


@login_required
@GET_POST
def deadlines(request: HttpRequest) -> HttpResponse:
    municipality, options = municipality_for(request, policy.deadline_municipalities)
    licence_types = rules.licence_types_of(municipality.pk)
    kinds = rules.consequences_now(municipality.pk)
    people = list(rules.heads_of(municipality.pk).order_by("last_name", "first_name", "mobile"))
    current = rules.effective(municipality.pk)
    head = next((p for p in people if p.pk == current.head_id), None)
    defaults = settings.DEADLINE_REMINDERS
    escalation_days = persian_digits(settings.DEADLINE_ESCALATION_DAYS)
    initial: dict[str, Any] = {
        "staff_days": days_box(current.staff_set),
        "head_days": days_box(current.head_set),
        "head": str(head.pk) if head else "",
        **{rules.consequence_field(t.pk): kinds.get(t.pk, Kind.ESCALATION) for t in licence_types},
    }
    confirmable = {t.pk for t in licence_types if kinds.get(t.pk) != Kind.DEEMED_APPROVAL}
    form = DeadlineRulesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        heads=[(str(p.pk), _who(p)) for p in people],
        licence_types=licence_types,
        confirmable=confirmable,
        defaults={"staff": days_box(sorted(defaults["staff"], reverse=True)), "head": days_box(defaults["head"])},
        escalation_days=escalation_days,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = rules.deadline_rules_save(
                    municipality=municipality,
                    actor=request.user,
                    staff_days=data["staff_days"],
                    head_days=data["head_days"],
                    head_id=data["head"],
                    consequences={t.pk: data.get(rules.consequence_field(t.pk)) for t in licence_types},
                    confirmed=[t.pk for t in licence_types if data.get(confirm_field(t.pk))],
                )
            except ApplicationError as exc:
                errors_to_form(form, exc)
                status = exc.status_code
            else:
                if changed:
                    messages.success(request, "مهلت‌ها و پیامدها ذخیره شد و از همین حالا به کار می‌رود.")
                else:
                    messages.info(request, "چیزی تغییر نکرد.")
                return redirect(page_url("deadlines", municipality, options))
        else:
            status = 400
    consequences = [
        {
            "type": t,
            "field": form[rules.consequence_field(t.pk)],
            "confirm": form[confirm_field(t.pk)] if t.pk in confirmable else None,
            "now": KIND_TEXT[Kind(kinds.get(t.pk, Kind.ESCALATION))],
            "deemed": kinds.get(t.pk) == Kind.DEEMED_APPROVAL,
        }
        for t in licence_types
    ]
    context = _context(
        request,
        municipality,
        options,
        area="deadlines",
        form=form,
        has_errors=bool(form.errors),
        consequences=consequences,
        now={
            "staff": days_text(current.staff_days),
            "staff_default": current.staff_default,
            "head_days": days_text(current.head_days),
            "head_default": current.head_default,
            "head": _who(head) if head else f"{ALL_HEADS} این شهرداری",
        },
        escalation_days=escalation_days,
    )
    return render(request, "desk/municipal/deadlines.html", context, status=status)
