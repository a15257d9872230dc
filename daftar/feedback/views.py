"""Pages of citizens' feedback (issue 22 §1).

- ``/f/<token>/`` — the SMS link: the office, the service and five buttons, one tap each, with an
  optional comment above them. No login; an unknown, forged or expired link is a 404 page.
- ``/offices/<id>/satisfaction/`` — the office's monthly figures and the comments shown to it
  (``policy``: as the office's other records; anyone else the office's 404).
- ``/desk/feedback/`` — the supervisor's held comments, each published or kept hidden.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits
from daftar.offices.policy import office_access

from . import messages as msg
from . import policy
from .selectors import held_for, office_satisfaction
from .services import COMMENT_MAX, feedback_moderate, feedback_rate, find_by_token

RATINGS = [(value, label) for value, label in sorted(msg.RATING_LABELS.items(), reverse=True)]


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        row = find_by_token(token)
    except ApplicationError:
        return render(request, "feedback/link_unknown.html", {"message": msg.LINK_UNKNOWN}, status=404)
    context = {"row": row, "ratings": RATINGS, "comment_max": COMMENT_MAX, "token": token}
    if row.status != "sent":
        return render(request, "feedback/done.html", {**context, "message": msg.ALREADY_RATED}, status=409)
    if request.method == "GET":
        return render(request, "feedback/rate.html", context)
    comment = request.POST.get("comment", "")
    try:
        row = feedback_rate(token=token, rating=request.POST.get("rating"), comment=comment, found=row)
    except ApplicationError as exc:
        if exc.status_code == 404:
            return render(request, "feedback/link_unknown.html", {"message": msg.LINK_UNKNOWN}, status=404)
        if exc.status_code == 409:
            return render(request, "feedback/done.html", {**context, "message": exc.message}, status=409)
        errors = {name: list(texts) for name, texts in (exc.fields or {}).items()}
        return render(request, "feedback/rate.html", {**context, "errors": errors, "comment": comment}, status=400)
    thanks = msg.THANKS_HELD if row.status == "flagged" else msg.THANKS
    return render(request, "feedback/done.html", {**context, "row": row, "message": thanks, "thanked": True})


@login_required
def office(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = office_access(request.user, pk)
    except ApplicationError:
        raise Http404 from None
    figures = office_satisfaction(access.office, today=timezone.localdate())
    rated_months = [m for m in figures.months if m.shown]  # newest first
    spread = [(f"{persian_digits(r)} — {msg.RATING_LABELS[r]}", n) for r, n in figures.distribution.items()]
    context = {
        "office": access.office,
        "access": access,
        "s": figures,
        "spread": spread,
        "has_comments": any(m.comments for m in figures.months),
        "months_chart": {
            "kind": "feedback",
            "horizontal": True,
            "labels": [m.label for m in rated_months],
            "unit": "از ۵",
            "datasets": [
                {
                    "label": "میانگین امتیاز",
                    "type": "bar",
                    "data": [m.average for m in rated_months],
                    "color": "#1f6f8b",
                }
            ],
        },
        "spread_chart": {
            "kind": "feedback",
            "horizontal": True,
            "labels": [label for label, _ in spread],
            "unit": "نظر",
            "datasets": [{"label": "شمار نظرها", "type": "bar", "data": [n for _, n in spread], "color": "#e09f3e"}],
        },
    }
    return render(request, "feedback/office.html", context)


@login_required
def held(request: HttpRequest) -> HttpResponse:
    if not policy.may_see_held(request.user):
        raise PermissionDenied
    rows = list(held_for(policy.held(request.user))[:200])
    return render(request, "feedback/held.html", {"rows": rows})


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    row = policy.held(request.user).filter(pk=pk).first()
    if row is None:
        # decided already, or not theirs: the same answer as a wrong id
        raise Http404
    action = request.POST.get("action", "")
    try:
        feedback_moderate(row=row, action=action, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("feedback:held")
    messages.success(request, msg.PUBLISHED if action == "publish" else msg.HIDDEN)
    return redirect("feedback:held")
