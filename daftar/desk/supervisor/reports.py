"""The six-monthly office reports inbox (P5) and one report with its review.

``/desk/supervision/reports/``: per half-year (the last closed one unless chosen), every licence
of the municipalities the user oversees (supervisor, licensing authority): its report filed on
time or late, or missing and whether the system recorded the «report missing» violation, and
the review. ``/desk/supervision/reports/<pk>/``: the report's text and the review the lifecycle
offers the user now (the supervisor: accept, or ask the office to clarify, after a confirmation
step). Another municipality's report and one's own office's are "not found"; the
municipality's other staff get 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError
from daftar.supervision import policy
from daftar.supervision.models import OfficeReport
from daftar.supervision.reports import (
    inbox,
    inbox_counts,
    is_closed,
    is_late,
    last_closed_period,
    licence_periods,
    period_deadline,
    period_label,
    recent_periods,
    report_review,
    review_check,
)
from daftar.supervision.workflow import OFFICE_REPORT

from .oversight_forms import PeriodForm, ReviewForm

PAGE_SIZE = 50
ACCEPTED = "گزارش پذیرفته شد."
CLARIFY_ASKED = "درخواست توضیح ثبت شد و برای دارندهٔ مجوز پیامک شد."
CONFIRM = {
    "accept": "گزارش «پذیرفته‌شده» ثبت می‌شود و از صف بررسی بیرون می‌رود.",
    "clarify": "وضعیت گزارش «نیازمند توضیح» می‌شود و این متن برای دارندهٔ مجوز ({holder}) پیامک می‌شود:",
}


def overseer_or_403(request: HttpRequest) -> None:
    """The lists are the overseers' (supervisor, licensing authority) anywhere; others 403."""
    if not policy.may_oversee_anywhere(request.user):
        raise PermissionDenied


def refused_as_page(exc: ApplicationError) -> None:
    """A service's refusal of who the user is, as the portal's pages answer it."""
    if exc.status_code == 404:
        raise Http404 from None
    if exc.status_code == 403:
        raise PermissionDenied from None


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    overseer_or_403(request)
    periods = recent_periods()
    data = request.GET if "period" in request.GET else {"period": last_closed_period(), "show": ""}
    form = PeriodForm(data, periods=periods)
    status = 200
    if form.is_valid():
        period, show = form.cleaned_data["period"], form.cleaned_data["show"] or ""
    else:
        period, show, status = last_closed_period(), "", 400
    rows = inbox(request.user, period, show)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    deadline = period_deadline(period)
    for row in page.object_list:  # the inbox's annotations (``supervision.reports.inbox``)
        sent = getattr(row, "report_submitted_at", None)
        row.late = bool(sent and sent > deadline)  # type: ignore[attr-defined]
    query = urlencode({"period": period, "show": show})
    return render(
        request,
        "desk/supervisor/reports.html",
        {
            "form": form,
            "period": period,
            "period_name": period_label(period),
            "deadline": deadline,
            "closed": is_closed(period),
            "counts": inbox_counts(request.user, period),
            "page": page,
            "query": query,
        },
        status=status,
    )


def _report(request: HttpRequest, pk: int) -> OfficeReport:
    report = (
        policy.visible_reports(request.user)
        .select_related("licence__holder", "licence__district", "licence__office", "reviewed_by", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    if not policy.may_oversee(request.user, report.municipality_id):
        raise PermissionDenied
    return report


def _render(
    request: HttpRequest,
    report: OfficeReport,
    *,
    form: ReviewForm | None = None,
    confirm: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    moves = policy.report_actions(request.user, report)
    history = [row for row in licence_periods(report.licence, count=6) if row.period != report.period]
    return render(
        request,
        "desk/supervisor/report.html",
        {
            "report": report,
            "licence": report.licence,
            "office": getattr(report.licence, "office", None),
            "period_name": period_label(report.period),
            "deadline": period_deadline(report.period),
            "late": is_late(report),
            "moves": moves,
            "form": form or ReviewForm(moves=moves),
            "confirm": confirm,
            "history": history,
            "back": reverse("supervisor:reports") + "?" + urlencode({"period": report.period}),
        },
        status=status,
    )


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if request.method != "POST":
        return _render(request, report)
    moves = policy.report_actions(request.user, report)
    form = ReviewForm(request.POST, moves=list(OFFICE_REPORT.moves.values()))
    if not form.is_valid():
        try:  # who may review is answered before what they sent
            review_check(report, outcome="accept", actor=request.user)
        except ApplicationError as exc:
            refused_as_page(exc)
        return _render(request, report, form=form, status=400)
    outcome, note = form.cleaned_data["outcome"], form.cleaned_data["note"]
    try:
        if request.POST.get("confirm") != "1":
            action, text = review_check(report, outcome=outcome, note=note, actor=request.user)
            confirm = {
                "action": action,
                "label": OFFICE_REPORT.get(action).label,
                "text": CONFIRM[action].format(holder=report.licence.holder_name),
                "note": text,
            }
            return _render(request, report, form=ReviewForm(request.POST, moves=moves), confirm=confirm)
        report_review(report, outcome=outcome, note=note, actor=request.user)
    except ApplicationError as exc:
        refused_as_page(exc)
        form = ReviewForm(request.POST, moves=moves)
        form.is_valid()
        errors_to_form(form, exc)
        return _render(request, report, form=form, status=exc.status_code)
    messages.success(request, ACCEPTED if outcome == "accept" else CLARIFY_ASKED)
    return redirect("supervisor:report", report.pk)
