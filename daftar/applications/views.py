"""HTML pages of application cases (issue 4 §7): the applicant's cases and case page, the
staff case page with document review and moves, and the staff work queue.

The views are thin: a form gathers the input, the same services as the API decide
(``services``, ``case_documents``), and every ``ApplicationError`` is shown in Persian on
the page with the status it carries (400/403/409/413/415), never as a 500. What a user may do
comes from ``services.actions_available`` (``workflow.MOVES``), never from the template.
A case that is not visible to the user is a 404, the same as a case that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from daftar.calls.models import CallState
from daftar.calls.selectors import calls_list
from daftar.documents import messages as doc_msg
from daftar.documents.models import Document, ReviewState
from daftar.inquiries import policy as inquiry_policy
from daftar.inquiries.lifecycle import INQUIRY
from daftar.inquiries.services import inquiry_retry
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits, persian_number
from daftar.municipalities.models import District, Municipality
from daftar.rules.constants import DEGREE_FIELDS, DEGREE_LEVELS, EQUIPMENT, FACT_LABELS, PREMISES_USES
from daftar.rules.models import LicenceType

from . import exports, policy, services
from .api import case_body
from .case_documents import UPLOAD_STATES, document_review, document_upload
from .forms import ACTION_FORMS, ActionForm, QueueFilterForm, ReviewForm, UploadForm, errors_to_form
from .models import Application, StageClock
from .pagination import CappedPaginator
from .presenters import needed_now, requirements_for
from .selectors import case_detail, is_overdue, is_staff_for, my_cases, queue
from .workflow import MOVES, STAFF_ROLES_FOR_CASES, Status

PAGE_SIZE = 25

# Persian texts of the pages (the services' own refusals come with their messages).
CREATED_EVENT = "ساخت پیش‌نویس درخواست"
UPLOADED = "مدرک «{title}» بارگذاری شد (نسخهٔ {version})."
SUBMITTED = "درخواست ثبت نهایی شد. کد رهگیری شما: {code}"
WITHDRAWN = "از درخواست انصراف دادید؛ پرونده بسته شد."
REVIEWED = {"accept": "مدرک «{title}» پذیرفته شد.", "reject": "مدرک «{title}» رد شد."}
MOVED = "«{label}» انجام شد؛ وضعیت پرونده: «{status}»."
FORM_INVALID = "برخی داده‌های فرم نادرست است؛ خطای هر بخش را ببینید."
UPLOAD_ONLY_APPLICANT = "فقط متقاضی پرونده می‌تواند مدرک بارگذاری کند."
ACKNOWLEDGED = "{n} پرونده رؤیت شد."
NONE_CHOSEN = "هیچ پرونده‌ای برگزیده نشده است؛ نخست پرونده‌ها را علامت بزنید."
FILTER_INVALID = "پالایه‌های صف نادرست است؛ آن‌ها را دوباره برگزینید."
INQUIRY_RETRIED = "استعلام «{label}» دوباره درخواست شد."
NOT_PERMITTED = "نقش شما اجازهٔ این اقدام را در این شهرداری نمی‌دهد."
# mime → (name shown, what the file picker offers)
KINDS = {"application/pdf": ("PDF", ".pdf"), "image/jpeg": ("JPEG", ".jpg,.jpeg"), "image/png": ("PNG", ".png")}
STATE_LABELS = {
    "running": "در جریان",
    "paused": "متوقف (در انتظار متقاضی)",
    "overdue": "گذشته از مهلت",
    "finished": "پایان‌یافته",
}


# --- helpers ---------------------------------------------------------------------------------


def _case_or_404(request: HttpRequest, pk: int) -> Application:
    try:
        return case_detail(request.user, pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _is_staff_of(user: Any, application: Application) -> bool:
    return policy.holds(user, STAFF_ROLES_FOR_CASES, application.municipality_id)


def _case_url(application_id: int, anchor: str = "") -> str:
    url = reverse("applications:detail", args=[application_id])
    return f"{url}#{anchor}" if anchor else url


def _fact_value(name: str, value: Any) -> str:
    vocabulary = {"degree_level": DEGREE_LEVELS, "degree_field": DEGREE_FIELDS, "premises_use": PREMISES_USES}
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if name in vocabulary:
        return vocabulary[name].get(value, str(value))
    if name == "equipment" and isinstance(value, list):
        return "، ".join(EQUIPMENT.get(v, str(v)) for v in value) or "—"
    if name == "location" and isinstance(value, dict):
        return f"{persian_number(value.get('lat', 0), 5)}، {persian_number(value.get('lng', 0), 5)}"
    if isinstance(value, int | float):
        return persian_number(value)
    return persian_digits(value)


def _facts_rows(facts: dict[str, Any]) -> list[dict[str, str]]:
    order = list(FACT_LABELS)
    names = sorted(facts, key=lambda n: order.index(n) if n in order else len(order))
    return [{"label": FACT_LABELS.get(n, n), "value": _fact_value(n, facts[n])} for n in names]


def _action_choices(action: str, application: Application) -> list[tuple[str, str]]:
    """The options a move's form offers: rejected documents, or the case's conditions."""
    if action == "request_correction":
        titles = {r.code: r.title for r in requirements_for(application)}
        return [
            (str(d.pk), titles.get(d.doc_type, d.doc_type))
            for d in Document.objects.filter(
                application=application, is_current=True, review_state=ReviewState.REJECTED
            ).order_by("doc_type")
        ]
    if action == "reject":
        return [
            (c.cid, f"{c.cid}: {c.text}") for c in application.call.rule_set.conditions.all().order_by("order", "cid")
        ]
    return []


def _action_form(action: str, application: Application, data: QueryDict | None = None) -> ActionForm:
    form_class = ACTION_FORMS[action]
    return form_class(
        data, application=application, choices=_action_choices(action, application), auto_id=f"id_{action}_%s"
    )


def _upload_form(code: str, data: QueryDict | None = None, files: Any = None) -> UploadForm:
    return UploadForm(data, files, initial={"type": code}, auto_id=f"id_up_{code}_%s")


def _review_form(document_id: int, data: QueryDict | None = None) -> ReviewForm:
    return ReviewForm(data, auto_id=f"id_rv{document_id}_%s")


# --- the case page ---------------------------------------------------------------------------


def _render_case(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    bound: ActionForm | UploadForm | ReviewForm | None = None,
    bound_key: str = "",
) -> HttpResponse:
    """The case page; ``bound`` is a form that failed, shown again with its errors in the
    place ``bound_key`` names (an action, a document type or a document id)."""
    user = request.user
    body = case_body(application, user)
    owner = application.applicant_id == user.pk
    staff = _is_staff_of(user, application)
    documents = list(application.documents.all())
    current = {d.doc_type: d for d in documents if d.is_current}
    history: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        if not d.is_current:
            history[d.doc_type].append(d)
    can_upload = owner and application.status in UPLOAD_STATES
    can_review = application.status == Status.DOCUMENT_REVIEW and policy.may_review_documents(user, application)
    requirements = requirements_for(application)
    titles = {r.code: r.title for r in requirements}
    rows = []
    for requirement in requirements:
        document = current.get(requirement.code)
        row: dict[str, Any] = {
            "requirement": requirement,
            "document": document,
            "history": history[requirement.code],
            "kinds": "، ".join(KINDS.get(t, (t, ""))[0] for t in requirement.accepted_types),
            "accept": ",".join(KINDS.get(t, ("", t))[1] for t in requirement.accepted_types),
        }
        if can_upload and (document is None or document.review_state != ReviewState.ACCEPTED):
            use = isinstance(bound, UploadForm) and bound_key == requirement.code
            row["upload_form"] = bound if use else _upload_form(requirement.code)
        if can_review and document is not None:
            use = isinstance(bound, ReviewForm) and bound_key == str(document.pk)
            row["review_form"] = bound if use else _review_form(document.pk)
        rows.append(row)

    texts = {c.cid: c.text for c in application.call.rule_set.conditions.all()}
    conditions = [{**c, "text": texts.get(c.get("id"), "")} for c in body["conditions"]]

    timeline = []
    for event in body["timeline"]:
        label = CREATED_EVENT if event["action"] == "create" else event["label"]
        timeline.append(
            {
                **event,
                "label": label,
                "to_display": Status(event["to"]).label if event["to"] in Status.values else event["to"],
            }
        )

    deadlines = []
    for row_ in body["deadlines"]:
        stage = str(row_["stage"])
        deadlines.append(
            {
                **row_,
                "stage_display": Status(stage).label if stage in Status.values else stage,
                "party_display": StageClock.Party(row_["party"]).label,
                "state_display": STATE_LABELS.get(str(row_["state"]), str(row_["state"])),
            }
        )

    moves = services.actions_available(application, user)
    names = {m.action for m in moves}
    action_forms = []
    for move in moves:
        if move.action not in ACTION_FORMS:
            continue
        if move.action == "request_correction" and not _action_choices(move.action, application):
            continue  # nothing rejected yet: the move would only be refused
        use = isinstance(bound, ActionForm) and bound_key == move.action
        action_forms.append({"move": move, "form": bound if use else _action_form(move.action, application)})

    correction = None
    if application.status == Status.CORRECTION_REQUESTED:
        event = next((e for e in list(application.events.all())[::-1] if e.action == "request_correction"), None)
        if event is not None:
            by_id = {d.pk: d for d in documents}
            correction = {
                "reason": event.note,
                "at": event.at,
                "documents": [
                    titles.get(by_id[i].doc_type, by_id[i].doc_type)
                    for i in event.data.get("documents", [])
                    if i in by_id
                ],
            }

    context = {
        "case": application,
        "body": body,
        "owner": owner,
        "staff": staff,
        "rows": rows,
        "conditions": conditions,
        "timeline": timeline,
        "deadlines": deadlines,
        "facts": _facts_rows(application.facts or {}),
        "can_submit": owner and "submit" in names,
        "can_withdraw": owner and "withdraw" in names,
        "can_upload": can_upload,
        "can_review": can_review,
        # the inquiries the person may ask again now (their lifecycle and policy)
        "retry_kinds": {
            i.kind
            for i in application.inquiries.all()
            if "retry" in INQUIRY.actions(i, user, may=inquiry_policy.may_move)
        },
        "action_forms": action_forms,
        "correction": correction,
        "assessment": application.assessment or {},
    }
    return render(request, "applications/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _case_or_404(request, pk))


@csrf_exempt
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A document upload. An announced body over the upload limit is refused with 413 before
    anything reads it; only then is the CSRF token (inside the body) checked."""
    if not request.user.is_authenticated:
        return redirect_to_login(_case_url(pk))
    application = _case_or_404(request, pk)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.API_MAX_UPLOAD_BYTES
    if length > limit:
        messages.error(request, doc_msg.TOO_LARGE.format(limit=persian_number(limit / (1024 * 1024))))
        return _render_case(request, application, status=413)
    return _upload_checked(request, application)


@csrf_protect
def _upload_checked(request: HttpRequest, application: Application) -> HttpResponse:
    code = normalize_text(request.POST.get("type", ""))[:40]
    form = _upload_form(code, request.POST, request.FILES)
    form.is_valid()  # every field is optional: the service judges the type and the file
    if application.applicant_id != request.user.pk:
        messages.error(request, UPLOAD_ONLY_APPLICANT)
        return _render_case(request, application, status=403)
    try:
        document = document_upload(
            application=application, doc_type=code, file=form.cleaned_data.get("file"), actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_case(request, application, status=exc.status_code, bound=form, bound_key=code)
    title = next((r.title for r in requirements_for(application) if r.code == document.doc_type), document.doc_type)
    messages.success(request, UPLOADED.format(title=title, version=persian_digits(document.version)))
    return redirect(_case_url(application.pk, f"doc-{document.doc_type}"))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _case_or_404(request, pk)
    try:
        submitted = services.application_submit(application_id=application.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_case(request, application, status=exc.status_code)
    messages.success(request, SUBMITTED.format(code=submitted.tracking_code))
    return redirect(_case_url(application.pk))


@login_required
@require_POST
def retry_inquiry(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Staff ask again an inquiry that got no answer."""
    application = _case_or_404(request, pk)
    inquiry = application.inquiries.filter(kind=kind).first()
    if inquiry is None:
        raise Http404
    if not inquiry_policy.may_retry(request.user, application):  # answered as the case answers
        if policy.refuse_move(request.user, inquiry_policy.RETRY, application).status_code == 404:
            raise Http404
        messages.error(request, NOT_PERMITTED)
        return _render_case(request, application, status=403)
    try:
        inquiry_retry(inquiry=inquiry, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_case(request, application, status=exc.status_code)
    messages.success(request, INQUIRY_RETRIED.format(label=inquiry.get_kind_display()))
    return redirect(_case_url(application.pk, "inquiries-h"))


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (no script needed); POST withdraws."""
    application = _case_or_404(request, pk)
    if request.method == "GET":
        allowed = any(m.action == "withdraw" for m in services.actions_available(application, request.user))
        return render(request, "applications/withdraw.html", {"case": application, "allowed": allowed})
    try:
        services.application_withdraw(application_id=application.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render_case(request, application, status=exc.status_code)
    messages.success(request, WITHDRAWN)
    return redirect(_case_url(application.pk))


@login_required
@require_POST
def review(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    application = _case_or_404(request, pk)
    document = next((d for d in application.documents.all() if d.pk == document_id), None)
    if document is None:
        raise Http404
    form = _review_form(document.pk, request.POST)
    form.is_valid()
    decision = str(form.cleaned_data.get("decision") or "")
    try:
        document_review(
            document_id=document.pk, decision=decision, reason=form.cleaned_data.get("reason"), actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_case(request, application, status=exc.status_code, bound=form, bound_key=str(document.pk))
    title = next((r.title for r in requirements_for(application) if r.code == document.doc_type), document.doc_type)
    messages.success(request, REVIEWED[decision].format(title=title))
    return redirect(_case_url(application.pk, f"doc-{document.doc_type}"))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A staff move (``workflow.MOVES``) with the data of its form."""
    application = _case_or_404(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = _action_form(action, application, request.POST)
    data = form.to_data() if form.is_valid() else None
    if data is None:
        messages.error(request, FORM_INVALID)
        return _render_case(request, application, status=400, bound=form, bound_key=action)
    try:
        result = services.application_move(application_id=application.pk, action=action, actor=request.user, data=data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        errors_to_form(form, exc)
        return _render_case(request, application, status=exc.status_code, bound=form, bound_key=action)
    messages.success(request, MOVED.format(label=MOVES[action].label, status=result.application.get_status_display()))
    return redirect(_case_url(application.pk))


# --- the applicant's cases, starting from the catalogue -------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    cases = list(my_cases(request.user).select_related("applicant", "call__licence_type").prefetch_related("documents"))
    requirements: dict[int, list[Any]] = {}  # one query per licence type, not per case
    for a in cases:
        if a.call.licence_type_id not in requirements:
            requirements[a.call.licence_type_id] = requirements_for(a)
    rows = [
        {"case": a, "needed": needed_now(a, a.documents.all(), requirements[a.call.licence_type_id])} for a in cases
    ]
    return render(request, "applications/mine.html", {"rows": rows})


def start(request: HttpRequest) -> HttpResponse:
    """From the self-check's «درخواست صدور مجوز»: the open call of that licence type and
    municipality; a Persian page when there is none (or a choice when there are several)."""
    code = request.GET.get("licence", "")
    slug = request.GET.get("municipality", "")
    licence = LicenceType.objects.filter(code=code, is_active=True).first() if code else None
    municipality = Municipality.objects.filter(slug=slug, is_active=True).first() if slug else None
    calls: list[Any] = []
    if licence is not None and (municipality is not None or not slug):
        qs = calls_list(municipality_slug=slug or None, state=CallState.OPEN).filter(licence_type=licence)
        calls = list(qs[:20])
    if len(calls) == 1:
        return redirect(reverse("calls:detail", args=[calls[0].pk]) + "#apply")
    context = {"licence": licence, "municipality": municipality, "calls": calls}
    return render(request, "applications/start.html", context)


# --- staff queue -----------------------------------------------------------------------------


def _staff_or_404(request: HttpRequest) -> None:
    if not is_staff_for(request.user):
        raise Http404


def _filter_form(request: HttpRequest, data: QueryDict) -> QueueFilterForm:
    user = request.user
    districts = District.objects.select_related("municipality").order_by("municipality__name", "number")
    ids = policy.staff_municipalities(user)
    if ids is not None:
        districts = districts.filter(municipality_id__in=ids)
    rows = list(districts)
    several = len({d.municipality_id for d in rows}) > 1
    choices = [(d.pk, f"{d.name} — {d.municipality.name}" if several else d.name) for d in rows]
    statuses = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
    return QueueFilterForm(data, statuses=statuses, districts=choices)


def _queue_url(params: dict[str, str], page: Any = None) -> str:
    query = {**params, **({"page": str(page)} if page else {})}
    url = reverse("applications:queue")
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    form = _filter_form(request, request.GET)
    status = 200
    params: dict[str, str] = {}
    qs = Application.objects.none()
    if form.is_valid():
        params = form.params()
        try:
            qs = queue(request.user, params)
        except ApplicationError as exc:
            errors_to_form(form, exc)
            status = 400
    else:
        messages.error(request, FILTER_INVALID)
        status = 400
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"case": a, "overdue": is_overdue(a, now)} for a in page.object_list]
    query = urlencode(params)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query,
        "current_url": _queue_url(params, page.number if page.number > 1 else None),
        "pages": [
            {"number": n, "url": None if n == Paginator.ELLIPSIS else _queue_url(params, n)}
            for n in page.paginator.get_elided_page_range(page.number)
        ],
        "prev_url": _queue_url(params, page.previous_page_number()) if page.has_previous() else None,
        "next_url": _queue_url(params, page.next_page_number()) if page.has_next() else None,
    }
    return render(request, "applications/queue.html", context, status=status)


@login_required
def export(request: HttpRequest) -> Any:
    _staff_or_404(request)
    form = _filter_form(request, request.GET)
    if not form.is_valid():
        messages.error(request, FILTER_INVALID)
        return redirect("applications:queue")
    params = form.params()
    try:
        return exports.export_response(queue(request.user, params), request.GET.get("as", "csv"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_queue_url(params))


@login_required
@require_POST
def acknowledge(request: HttpRequest) -> HttpResponse:
    """Bulk «رؤیت»: the chosen cases of the actor's own queue are marked as seen."""
    _staff_or_404(request)
    back = _filter_form(request, QueryDict(request.POST.get("query", "")))
    back_url = _queue_url(back.params() if back.is_valid() else {})
    ids = request.POST.getlist("ids")
    if not ids:
        messages.error(request, NONE_CHOSEN)
        return redirect(back_url)
    try:
        count = services.applications_acknowledge(
            ids=ids, actor=request.user, visible=queue(request.user, {"status": "all"})
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ACKNOWLEDGED.format(n=persian_digits(count)))
    return redirect(back_url)
