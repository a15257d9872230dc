"""Complaints on the web (issue 21 §3): the complainant's form, tracking page and list, and the
supervisors' inbox and answer page. Look-ups go through ``policy.visible`` /
``policy.staff_visible``, so another person's complaint is the same 404 as an unknown code; the
services decide every act."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from daftar.accounts.policy import municipalities_where
from daftar.applications.models import Application
from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import PersianForm
from daftar.kernel.normalize import persian_digits
from daftar.offices.models import Office
from daftar.supervision.services import violation_types_in

from . import messages as msg
from . import policy, services
from .models import GROUND_HELP, Complaint, Decision
from .workflow import ANSWERERS, COMPLAINT, ComplaintStatus


class ComplaintForm(PersianForm):
    ground = forms.ChoiceField(label="زمینهٔ شکایت", widget=forms.RadioSelect)
    text = forms.CharField(
        label="شرح شکایت",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="آنچه پیش آمد، زمان و مبلغ یا شرطی که خواسته شد را بنویسید.",
    )

    def __init__(self, *args: Any, grounds: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["ground"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = grounds


class ReopenForm(PersianForm):
    text = forms.CharField(
        label="چرا پاسخ را نمی‌پذیرید؟",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="بررسی دوباره فقط یک بار ممکن است.",
    )


class AnswerForm(PersianForm):
    decision = forms.ChoiceField(label="نتیجهٔ رسیدگی", choices=Decision.choices, widget=forms.RadioSelect)
    answer = forms.CharField(
        label="پاسخ مستدل",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        help_text=(
            f"دلیل نتیجه را بنویسید (دست‌کم {persian_digits(services.MIN_ANSWER)} نویسه)؛ "
            "متن پاسخ به شاکی نشان داده می‌شود."
        ),
    )


def _fail(exc: ApplicationError) -> None:
    if exc.status_code == 404:
        raise Http404 from None
    if exc.status_code == 403:
        raise PermissionDenied from None


def _put_error(form: forms.Form, exc: ApplicationError, request: HttpRequest) -> None:
    placed = False
    for name in exc.fields or {}:
        if name in form.fields:
            form.add_error(name, exc.message)
            placed = True
    if not placed:
        messages.error(request, exc.message)


def _target(request: HttpRequest) -> tuple[str, Any]:
    """The case (the person's own) or the office the form is about, from the query or the form."""
    source = request.POST if request.method == "POST" else request.GET
    if source.get("application"):
        try:
            case = Application.objects.filter(pk=int(source["application"]), applicant_id=request.user.pk).first()
        except ValueError:
            case = None
        if case is None:
            raise Http404
        return "application", case
    if source.get("office"):
        try:
            office = Office.objects.filter(pk=int(source["office"]), active=True).first()
        except ValueError:
            office = None
        if office is None:
            raise Http404
        return "office", office
    raise Http404


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """«ثبت شکایت» about one's case (``?application=``) or an office (``?office=``)."""
    kind, target = _target(request)
    grounds = services.grounds_for(kind)
    form = ComplaintForm(request.POST or None, grounds=grounds)
    status, retry_after = 200, 0
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = services.complaint_file(
                    request.user,
                    application=target.pk if kind == "application" else None,
                    office=target.pk if kind == "office" else None,
                    ground=form.cleaned_data["ground"],
                    text=form.cleaned_data["text"],
                )
            except ApplicationError as exc:
                _fail(exc)
                _put_error(form, exc, request)
                status = exc.status_code
                retry_after = getattr(exc, "retry_after", 0)  # the daily limit says when to come back
            else:
                messages.success(request, msg.REGISTERED.format(code=persian_digits(complaint.tracking_code)))
                return redirect("complaints:detail", complaint.tracking_code)
        else:
            status = 400
    choices = [{"value": v, "label": label, "help": GROUND_HELP.get(v, "")} for v, label in grounds]
    context = {"form": form, "kind": kind, "target": target, "grounds": choices, "days": services.due_days()}
    response = render(request, "complaints/new.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """«شکایت‌های من»."""
    rows = (
        Complaint.objects.filter(complainant_id=request.user.pk)
        .select_related("office", "application__call")
        .order_by("-created_at")
    )
    return render(request, "complaints/mine.html", {"rows": rows, "now": timezone.now()})


def _history(complaint: Complaint) -> list[Any]:
    return list(complaint.events.all())


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """The tracking page: status, due date, answer, history; the reopen form once answered."""
    complaint = policy.visible(request.user).filter(tracking_code=code.upper()).select_related("office").first()
    if complaint is None:
        raise Http404
    mine_ = policy.is_complainant(request.user, complaint)
    form = ReopenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not mine_:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.complaint_reopen(complaint, actor=request.user, text=form.cleaned_data["text"])
            except ApplicationError as exc:
                _fail(exc)
                _put_error(form, exc, request)
                status = exc.status_code
            else:
                messages.success(request, msg.REOPENED)
                return redirect("complaints:detail", complaint.tracking_code)
        else:
            status = 400
    may_reopen = mine_ and complaint.status == ComplaintStatus.ANSWERED and complaint.reopened_at is None
    context = {
        "complaint": complaint,
        "history": _history(complaint),
        "form": form if may_reopen else None,
        "is_complainant": mine_,
        "overdue": complaint.status != ComplaintStatus.ANSWERED and complaint.due < timezone.now(),
    }
    return render(request, "complaints/detail.html", context, status=status)


# --- the supervisors' desk ---------------------------------------------------------------------


STATUS_FILTERS = [("", "همه")] + [(str(v), str(label)) for v, label in ComplaintStatus.choices]


def _desk_reader(request: HttpRequest) -> None:
    if not municipalities_where(request.user, ANSWERERS, platform=False):
        raise PermissionDenied  # not a supervisor anywhere: 403


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The supervisors' inbox: filters by status and overdue; the oldest due first."""
    _desk_reader(request)
    rows = policy.staff_visible(request.user).select_related("office", "municipality", "complainant")
    chosen = request.GET.get("status", "")
    if chosen in ComplaintStatus.values:
        rows = rows.filter(status=chosen)
    else:
        chosen = ""
    now = timezone.now()
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        rows = rows.exclude(status=ComplaintStatus.ANSWERED).filter(due__lt=now)
    rows = rows.order_by("due", "pk")
    context = {
        "rows": [{"c": c, "overdue": c.status != ComplaintStatus.ANSWERED and c.due < now} for c in rows[:200]],
        "statuses": STATUS_FILTERS,
        "chosen": chosen,
        "overdue_only": overdue_only,
    }
    return render(request, "complaints/desk_list.html", context)


def _desk_complaint(request: HttpRequest, code: str) -> Complaint:
    """A complaint of the supervisor's inbox; any other (or anyone else) the 404 of an unknown code."""
    found = (
        policy.staff_visible(request.user)
        .select_related("office", "office__licence", "municipality", "complainant", "application__call", "violation")
        .filter(tracking_code=code.upper())
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def desk_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The complaint with the answer form (decision and reasons), and for an upheld office
    complaint the one-step «ثبت تخلف»."""
    complaint = _desk_complaint(request, code)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_answer(
                    complaint,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    answer=form.cleaned_data["answer"],
                )
            except ApplicationError as exc:
                _fail(exc)
                _put_error(form, exc, request)
                status = exc.status_code
            else:
                messages.success(request, msg.ANSWERED)
                return redirect("complaints:desk_detail", complaint.tracking_code)
        else:
            status = 400
    may_answer = "answer" in [m.action for m in COMPLAINT.available(complaint, request.user, may=policy.may_move)]
    may_violation = (
        services.may_become_violation(complaint)
        and complaint.violation_id is None
        and getattr(complaint.office, "licence", None) is not None
        and policy.may_answer(request.user, complaint)
    )
    types = violation_types_in([complaint.municipality_id]) if may_violation else []
    context = {
        "complaint": complaint,
        "history": _history(complaint),
        "form": form if may_answer else None,
        "may_violation": may_violation,
        "types": types,
        "default_type": services.violation_type_default(complaint),
        "overdue": complaint.status != ComplaintStatus.ANSWERED and complaint.due < timezone.now(),
    }
    return render(request, "complaints/desk_detail.html", context, status=status)


@login_required
@require_POST
def desk_violation(request: HttpRequest, code: str) -> HttpResponse:
    """«ثبت تخلف» from an upheld office complaint, after the confirmation on the page."""
    complaint = _desk_complaint(request, code)
    if request.POST.get("confirm") != "1":
        messages.error(request, msg.CONFIRM_FIRST)
        return redirect("complaints:desk_detail", complaint.tracking_code)
    try:
        services.complaint_violation(complaint, actor=request.user, type_code=request.POST.get("type", ""))
    except ApplicationError as exc:
        _fail(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, msg.VIOLATION_DONE)
    return redirect("complaints:desk_detail", complaint.tracking_code)
