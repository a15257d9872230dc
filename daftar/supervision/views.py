"""The licence holder's side of supervision on the web (issue 18): the notices to their office
with the right to respond until the deadline (P5), the violations recorded against it, and the
six-monthly reports to send. Only the holder's own licences and notices are reached here;
another person's notice is the same 404 as one that does not exist (``policy.visible_notices``
scopes the look-up; ``policy.demand_move``/``demand_holder`` decide the acts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import PersianForm
from daftar.licences.models import Licence

from . import policy, services
from .models import Notice, NoticeStatus, OfficeReport, Violation
from .presenters import period_title

RESPONDED = "پاسخ شما ثبت شد و پیش از تصمیم به مرجع صدور مجوز نشان داده می‌شود."
REPORT_SENT = "گزارش {period} فرستاده شد."


class ResponseForm(PersianForm):
    text = forms.CharField(
        label="پاسخ دفتر",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="توضیح یا مدرک خود را دربارهٔ تخلف‌های این اخطاریه بنویسید؛ پاسخ فقط یک بار پذیرفته می‌شود.",
    )


class ReportForm(PersianForm):
    period = forms.ChoiceField(label="دوره")
    content = forms.CharField(
        label="متن گزارش",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="عملکرد دفتر در این شش ماه: خدمات، شمار مراجعان، رویدادها و کاستی‌ها.",
    )

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = periods


def _periods_open(licence: Licence, filed: set[str], today: dt.date) -> list[tuple[str, str]]:
    """The half-years of the licence, up to the current one, with no report yet (newest first)."""
    periods: list[tuple[str, str]] = []
    period = services.period_of(today)
    for _ in range(40):
        _start, end = services.period_bounds(period)
        if end < licence.valid_from:
            break
        if period not in filed:
            periods.append((period, period_title(period)))
        period = services.previous_period(period)
    return periods


def _licence_rows(user: Any) -> list[dict[str, Any]]:
    today = timezone.localdate()
    current = services.period_of(today)
    rows = []
    for licence in Licence.objects.filter(holder=user).order_by("-issued_at"):
        reports = list(OfficeReport.objects.filter(licence=licence).order_by("-period"))
        filed = {r.period for r in reports}
        periods = _periods_open(licence, filed, today) if licence.status in services.SUPERVISABLE else []
        _, current_end = services.period_bounds(current)
        rows.append(
            {
                "licence": licence,
                "notices": list(
                    policy.visible_notices(user)
                    .filter(licence=licence)
                    .select_related("decision")
                    .prefetch_related("violations__violation_type")
                ),
                "violations": list(
                    Violation.objects.filter(licence=licence)
                    .select_related("violation_type")
                    .order_by("-observed_at")[:20]
                ),
                "reports": [{"report": r, "title": period_title(r.period)} for r in reports],
                "current": {"title": period_title(current), "due": current_end, "filed": current in filed},
                "form": ReportForm(periods=periods, prefix=f"l{licence.pk}") if periods else None,
            }
        )
    return rows


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The holder's licences: notices (answer them), violations, six-monthly reports (send them)."""
    return render(request, "supervision/mine.html", {"rows": _licence_rows(request.user), "now": timezone.now()})


def _notice(request: HttpRequest, pk: int) -> Notice:
    found = (
        policy.visible_notices(request.user)
        .select_related("licence", "licence__municipality", "decision")
        .prefetch_related("violations__violation_type")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice to the holder's office: what it cites, the proposed outcome, the deadline, the
    response form while it may be sent, and the decision once made."""
    found = _notice(request, pk)
    may_respond = "respond" in policy.actions(request.user, found) and found.responded_at is None
    form = ResponseForm()
    status = 200
    if request.method == "POST":
        if not policy.is_holder(request.user, found.licence):
            raise PermissionDenied  # staff may read the notice here, never answer it
        form = ResponseForm(request.POST)
        if form.is_valid():
            try:
                services.notice_respond(found, text=form.cleaned_data["text"], actor=request.user)
            except ApplicationError as exc:
                if exc.status_code == 404:
                    raise Http404 from None
                if exc.fields:
                    form.add_error("text", exc.message)
                else:  # the notice's state refused it (answered, late): said above the page
                    messages.error(request, exc.message)
                status = exc.status_code
            else:
                messages.success(request, RESPONDED)
                return redirect("supervision:notice", found.pk)
        else:
            status = 400
    context = {
        "notice": found,
        "may_respond": may_respond and timezone.now() <= found.response_due,
        "late": found.responded_at is None and timezone.now() > found.response_due,
        "form": form,
        "is_holder": policy.is_holder(request.user, found.licence),
        "open": found.status == NoticeStatus.OPEN,
    }
    return render(request, "supervision/notice.html", context, status=status)


@login_required
@require_POST
def report(request: HttpRequest, number: str) -> HttpResponse:
    """The holder sends a six-monthly report of one of their licences."""
    licence = Licence.objects.filter(holder_id=request.user.pk, number=number).first()
    if licence is None or not policy.is_holder(request.user, licence):
        raise Http404
    filed = set(OfficeReport.objects.filter(licence=licence).values_list("period", flat=True))
    periods = _periods_open(licence, filed, timezone.localdate())
    form = ReportForm(request.POST, periods=periods, prefix=f"l{licence.pk}")
    if form.is_valid():
        try:
            services.report_submit(
                licence, period=form.cleaned_data["period"], content=form.cleaned_data["content"], actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, REPORT_SENT.format(period=period_title(form.cleaned_data["period"])))
            return redirect("supervision:mine")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    rows = _licence_rows(request.user)
    for row in rows:
        if row["licence"].pk == licence.pk:
            row["form"] = form
    return render(request, "supervision/mine.html", {"rows": rows, "now": timezone.now()}, status=400)
