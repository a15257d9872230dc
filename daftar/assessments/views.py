"""HTML pages of exam sessions (S10.4, P7) for the examiners of a municipality: the sessions
list with a form to create one, and a session page to seat cases, record or import scores and
announce the result. The views are thin: forms gather input and ``services`` decide; every
``ApplicationError`` is shown in Persian with its status, nothing changed, never a 500.
A session that is not the user's (no examiner role in its municipality) is a 404, and so is the
examiner's own case wherever it appears (``policy``): it is not offered for a seat, its seat has
no score form, a session seating it offers no result to announce, and its interview page is
not found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from daftar.applications.forms import errors_to_form
from daftar.applications.models import Application
from daftar.applications.workflow import Status
from daftar.calls.models import Call
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.normalize import persian_digits, persian_number
from daftar.municipalities.models import Municipality

from . import policy, services
from .forms import AssignForm, ImportForm, InterviewScheduleForm, InterviewScoreForm, ScoreForm, SessionForm
from .models import ExamSeat, ExamSession, InterviewPanel, policy_for

FORM_INVALID = "برخی داده‌های فرم نادرست است؛ خطای هر بخش را ببینید."
CREATED = "جلسهٔ آزمون «{title}» ساخته شد."
ASSIGNED = "پروندهٔ {code} در این جلسه نشست و پیامک دعوت برای متقاضی فرستاده شد."
SCORED = "نمرهٔ پروندهٔ {code} ثبت شد (نمرهٔ وزنی: {total})."
IMPORTED = "نمرهٔ {n} پرونده از فایل ثبت شد."
DECIDED = "نتیجهٔ جلسه اعلام شد؛ نمرهٔ قبولی: {mark}."
INTERVIEW_SCORED = "نمرهٔ مصاحبهٔ شما برای پروندهٔ {code} ثبت شد: {score}."
INTERVIEW_PASSED = "نتیجهٔ مصاحبهٔ پروندهٔ {code} ثبت شد: قبول؛ پرونده به مرحلهٔ بازدید میدانی رفت."
INTERVIEW_FAILED = "نتیجهٔ مصاحبهٔ پروندهٔ {code} ثبت شد: مردود؛ درخواست رد شد."
INTERVIEW_SCHEDULED = "زمان و محل مصاحبهٔ پروندهٔ {code} ثبت شد و پیامک دعوت برای متقاضی فرستاده شد."
INTERVIEW_RESCHEDULED = "زمان و محل تازهٔ مصاحبهٔ پروندهٔ {code} ثبت شد و پیامک تغییر برای متقاضی فرستاده شد."


def _examiner_municipalities(user: Any) -> set[int] | None:
    """Ids of the municipalities where ``user`` is an examiner; None means all."""
    return policy.examiner_municipalities(user)


def _sessions_for(user: Any) -> QuerySet[ExamSession]:
    ids = _examiner_municipalities(user)
    qs = ExamSession.objects.select_related("call", "municipality")
    return qs if ids is None else qs.filter(municipality_id__in=ids)


def _calls_for(user: Any) -> QuerySet[Call]:
    ids = _examiner_municipalities(user)
    qs = Call.objects.filter(cancelled=False).order_by("-opens_at", "-pk")
    return qs if ids is None else qs.filter(municipality_id__in=ids)


def _require_examiner(user: Any) -> None:
    ids = _examiner_municipalities(user)
    if ids is not None and not ids:
        raise Http404


def _session_or_404(request: HttpRequest, pk: int) -> ExamSession:
    session = _sessions_for(request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def _eligible(session: ExamSession, user: Any) -> QuerySet[Application]:
    """Cases of the session's call waiting for a seat, but never the examiner's own."""
    seated = ExamSeat.objects.filter(session=session).values("application_id")
    return (
        Application.objects.filter(call_id=session.call_id, status=Status.EXAM)
        .exclude(pk__in=seated)
        .exclude(applicant_id=user.pk)
        .select_related("applicant")
        .order_by("tracking_code", "pk")
    )


def _session_url(session: ExamSession, anchor: str = "") -> str:
    url = reverse("assessments:session", args=[session.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the sessions list -----------------------------------------------------------------------


def _render_sessions(request: HttpRequest, form: SessionForm, status: int = 200) -> HttpResponse:
    sessions = list(_sessions_for(request.user).annotate(used=Count("seat_set")))
    ids = _examiner_municipalities(request.user)
    places = Municipality.objects.filter(pk__in=ids) if ids is not None else Municipality.objects.none()
    policies = [(m, policy_for(m.pk)) for m in places.order_by("name")]
    return render(
        request,
        "assessments/sessions.html",
        {"sessions": sessions, "form": form, "policies": policies},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    _require_examiner(request.user)
    calls = _calls_for(request.user)
    if request.method != "POST":
        return _render_sessions(request, SessionForm(calls=calls))
    form = SessionForm(request.POST, calls=calls)
    try:
        services.refuse_pass_rule(request.POST, services.SESSION_RULE_FIELDS)  # the municipality's
    except ApplicationError as exc:
        messages.error(request, exc.message)
        form.add_error(None, exc.message)
        return _render_sessions(request, form, status=exc.status_code)
    kwargs = form.to_kwargs()
    if kwargs is None:
        messages.error(request, FORM_INVALID)
        return _render_sessions(request, form, status=400)
    try:
        session = services.session_create(actor=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_sessions(request, form, status=exc.status_code)
    messages.success(request, CREATED.format(title=session.title))
    return redirect(_session_url(session))


# --- one session -----------------------------------------------------------------------------


def _render_session(
    request: HttpRequest,
    session: ExamSession,
    *,
    status: int = 200,
    assign_form: AssignForm | None = None,
    import_form: ImportForm | None = None,
    bound_score: tuple[int, ScoreForm] | None = None,
    import_errors: list[str] | None = None,
) -> HttpResponse:
    session.refresh_from_db()
    seats = list(session.seat_set.select_related("application__applicant").order_by("pk"))
    open_ = session.decided_at is None
    rows: list[dict[str, Any]] = []
    for seat in seats:
        form = None
        if open_ and policy.may_assess(request.user, seat.application):
            if bound_score is not None and bound_score[0] == seat.pk:
                form = bound_score[1]
            else:
                initial = {k: persian_number(float(v)) for k, v in (seat.parts or {}).items()}
                form = ScoreForm(initial=initial, auto_id=f"id_seat{seat.pk}_%s")
        passed = None
        if session.pass_mark is not None and seat.total is not None:
            passed = float(seat.total) >= float(session.pass_mark)
        rows.append({"seat": seat, "form": form, "passed": passed})
    context = {
        "session": session,
        "rows": rows,
        "used": len(seats),
        "open": open_,
        "can_decide": policy.may_decide_session(request.user, session, {s.application.applicant_id for s in seats}),
        "unscored": [r["seat"] for r in rows if r["seat"].recorded_at is None],
        "passed": [r["seat"] for r in rows if r["passed"]],
        "assign_form": assign_form or AssignForm(cases=_eligible(session, request.user), auto_id="id_assign_%s"),
        "import_form": import_form or ImportForm(auto_id="id_import_%s"),
        "import_errors": import_errors or [],
        "weights": {k: persian_number(float(v) * 100) for k, v in session.weights.items()},
    }
    return render(request, "assessments/session.html", context, status=status)


@login_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_session(request, _session_or_404(request, pk))


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _session_or_404(request, pk)
    form = AssignForm(request.POST, cases=_eligible(exam, request.user), auto_id="id_assign_%s")
    if not form.is_valid():
        messages.error(request, FORM_INVALID)
        return _render_session(request, exam, status=400, assign_form=form)
    application = form.cleaned_data["application"]
    try:
        services.seat_assign(session=exam, application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_session(request, exam, status=exc.status_code, assign_form=form)
    messages.success(request, ASSIGNED.format(code=application.tracking_code or application.pk))
    return redirect(_session_url(exam, "seats"))


@login_required
@require_POST
def score(request: HttpRequest, pk: int, seat_id: int) -> HttpResponse:
    exam = _session_or_404(request, pk)
    seat = ExamSeat.objects.select_related("application").filter(session=exam, pk=seat_id).first()
    if seat is None or not policy.may_assess(request.user, seat.application):  # the examiner's own: not found
        raise Http404
    form = ScoreForm(request.POST, auto_id=f"id_seat{seat.pk}_%s")
    parts = form.to_parts()
    if parts is None:
        messages.error(request, FORM_INVALID)
        return _render_session(request, exam, status=400, bound_score=(seat.pk, form))
    try:
        seat = services.score_record(seat=seat, parts=parts, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_session(request, exam, status=exc.status_code, bound_score=(seat.pk, form))
    code = seat.application.tracking_code or seat.application_id
    messages.success(request, SCORED.format(code=code, total=persian_number(float(seat.total or 0))))
    return redirect(_session_url(exam, f"seat-{seat.pk}"))


@login_required
@require_POST
def import_scores(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _session_or_404(request, pk)
    form = ImportForm(request.POST, request.FILES, auto_id="id_import_%s")
    if not form.is_valid():
        messages.error(request, FORM_INVALID)
        return _render_session(request, exam, status=400, import_form=form)
    try:
        result = services.scores_import(session=exam, actor=request.user, file=form.cleaned_data["file"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        rows = exc.fields.get("rows") if isinstance(exc.fields.get("rows"), list) else None
        if not rows:
            form.add_error(None, exc.message)
        response = _render_session(
            request, exam, status=exc.status_code, import_form=form, import_errors=[str(r) for r in rows or []]
        )
        if isinstance(exc, ThrottledError):
            response["Retry-After"] = str(exc.retry_after)
        return response
    messages.success(request, IMPORTED.format(n=persian_digits(result.imported)))
    return redirect(_session_url(exam, "seats"))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    exam = _session_or_404(request, pk)
    try:
        exam = services.session_decide(session=exam, actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 404:  # it seats the examiner's own case: as a session that does not exist
            raise Http404 from None
        messages.error(request, exc.message)
        return _render_session(request, exam, status=exc.status_code)
    messages.success(request, DECIDED.format(mark=persian_number(float(exam.pass_mark or 0))))
    return redirect(_session_url(exam, "result"))


# --- the interview panel of one case ---------------------------------------------------------


def _interview_case_or_404(request: HttpRequest, application_id: int) -> Application:
    """The case, if the user is an examiner of its municipality and it is not their own; 404
    otherwise."""
    ids = _examiner_municipalities(request.user)
    qs = Application.objects.select_related("applicant", "municipality", "call").exclude(applicant_id=request.user.pk)
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    application = qs.filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def _interview_form(data: Any = None, initial: Any = None) -> InterviewScoreForm:
    return InterviewScoreForm(data, initial=initial, auto_id="id_interview_%s")


def _schedule_form(data: Any = None, panel: InterviewPanel | None = None) -> InterviewScheduleForm:
    initial = {"starts_at": panel.starts_at, "place": panel.place} if panel and panel.starts_at else None
    return InterviewScheduleForm(data, initial=initial, auto_id="id_schedule_%s")


def _render_interview(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    form: InterviewScoreForm | None = None,
    schedule_form: InterviewScheduleForm | None = None,
) -> HttpResponse:
    application.refresh_from_db()
    panel = InterviewPanel.objects.filter(application=application).first()
    scores = list(panel.scores.select_related("examiner").order_by("pk")) if panel else []
    mine = next((s for s in scores if s.examiner_id == request.user.pk), None)
    open_ = application.status == Status.INTERVIEW and (panel is None or panel.decided_at is None)
    if form is None and open_:
        form = _interview_form(initial={"score": persian_number(float(mine.score))} if mine else None)
    if schedule_form is None and open_ and policy.may_schedule_interview(request.user, application):
        schedule_form = _schedule_form(panel=panel)
    values = [float(s.score) for s in scores]
    # the panel copies the municipality's rule and mark with its first score (S10.4, decision
    # 0026); a panel opened only by its schedule shows what it will copy
    copied = panel is not None and bool(scores)
    rules = policy_for(application.municipality_id)
    context = {
        "case": application,
        "panel": panel,
        "rule_display": (panel.get_rule_display() if panel and copied else rules.get_interview_rule_display()),
        "pass_mark": float(panel.pass_mark) if panel and copied else float(rules.interview_pass_mark),
        "example_default": not copied and rules.pk is None,
        "copied": copied,
        "scores": scores,
        "mine": mine,
        "mean": round(sum(values) / len(values), 2) if values else None,
        "open": open_,
        "form": form if open_ else None,
        "schedule_form": schedule_form if open_ else None,
        "horizon_days": int(settings.INTERVIEW_SCHEDULE_HORIZON_DAYS),
    }
    return render(request, "assessments/interview.html", context, status=status)


def _interview_url(application: Application) -> str:
    return reverse("assessments:interview", args=[application.pk])


@login_required
@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _interview_case_or_404(request, application_id)
    if request.method != "POST":
        return _render_interview(request, application)
    form = _interview_form(data=request.POST)
    try:
        services.refuse_pass_rule(request.POST, services.PANEL_RULE_FIELDS)  # the municipality's
    except ApplicationError as exc:
        messages.error(request, exc.message)
        form.add_error(None, exc.message)
        return _render_interview(request, application, status=exc.status_code, form=form)
    kwargs = form.to_kwargs()
    if kwargs is None:
        messages.error(request, FORM_INVALID)
        return _render_interview(request, application, status=400, form=form)
    try:
        row = services.interview_score(application=application, examiner=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_interview(request, application, status=exc.status_code, form=form)
    code = application.tracking_code or application.pk
    messages.success(request, INTERVIEW_SCORED.format(code=code, score=persian_number(float(row.score))))
    return redirect(_interview_url(application))


@login_required
@require_POST
def interview_schedule(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _interview_case_or_404(request, application_id)
    if not policy.may_schedule_interview(request.user, application):
        raise Http404
    form = _schedule_form(data=request.POST)
    kwargs = form.to_kwargs()
    if kwargs is None:
        messages.error(request, FORM_INVALID)
        return _render_interview(request, application, status=400, schedule_form=form)
    had_time = InterviewPanel.objects.filter(application=application, starts_at__isnull=False).exists()
    try:
        services.interview_schedule(application=application, actor=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_interview(request, application, status=exc.status_code, schedule_form=form)
    code = application.tracking_code or application.pk
    messages.success(request, (INTERVIEW_RESCHEDULED if had_time else INTERVIEW_SCHEDULED).format(code=code))
    return redirect(_interview_url(application) + "#schedule")


@login_required
@require_POST
def interview_decide(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _interview_case_or_404(request, application_id)
    try:
        application = services.interview_decide(application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_interview(request, application, status=exc.status_code)
    code = application.tracking_code or application.pk
    if application.status == Status.REJECTED:
        messages.warning(request, INTERVIEW_FAILED.format(code=code))
    else:
        messages.success(request, INTERVIEW_PASSED.format(code=code))
    return redirect(reverse("applications:detail", args=[application.pk]))
