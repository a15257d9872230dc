"""The supervisor's violations and notices (issue 18 §2): the inbox, a violation's page with its
evidence, recording a violation with evidence files, issuing a notice with its response
deadline, and following notices to the licensing authority's decision.

Who sees and does what is answered by ``daftar.supervision.policy``: the lists show the
violations and notices of the municipalities where the user reads them (supervisor, inspector,
licensing authority), never those of their own office. A violation or notice the user may not
read is the not-found page, identical to a nonexistent id, except for the municipality's other
staff, who get 403. The writes go through ``daftar.supervision.services``.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from daftar.applications.pagination import CappedPaginator
from daftar.catalogue.forms import errors_to_form
from daftar.documents import messages as doc_msg
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.files import attachment_response
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits, persian_number
from daftar.licences import policy as licence_policy
from daftar.licences.models import Licence
from daftar.licences.verification import normalize_number
from daftar.municipalities.models import District
from daftar.runtime.pagecache import cached_page, per_municipality
from daftar.supervision import policy
from daftar.supervision.models import Notice, NoticeStatus, Violation, ViolationEvidence, ViolationStatus
from daftar.supervision.services import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_FILES,
    SUPERVISABLE,
    ladder_proposal,
    notice_due,
    notice_issue,
    response_days,
    violation_record,
    violation_types_in,
)

from . import violation_words as words
from .violation_forms import InboxFilterForm, IssueForm, NoticeFilterForm, RecordForm

PAGE_SIZE = 25
LICENCE_OPTIONS = 300  # licences offered in the record form's list (the number may be typed too)
# the record form's whole body: its files, each within the service's limit, and the fields
RECORD_MAX_BODY = EVIDENCE_MAX_FILES * EVIDENCE_MAX_BYTES + 256 * 1024

FILTER_INVALID = "پالایه‌ها نادرست است؛ آن‌ها را دوباره برگزینید."
LICENCE_UNKNOWN = "مجوزی با این شماره در شهرداری‌هایی که در آن‌ها ناظر یا بازرس هستید یافت نشد."
RECORDED = "تخلف ثبت شد و به دارندهٔ مجوز پیامک شد."
ISSUED = "اخطاریه صادر و به دارندهٔ مجوز پیامک شد؛ مهلت پاسخ تا {due}."
NONE_CHOSEN = "دست‌کم یک تخلف را برای اخطاریه برگزینید."
# the licensing authority's page for deciding a notice (issue 18 §1, built in desk/authority)


# --- shared ------------------------------------------------------------------------------------


def _reader(request: HttpRequest) -> None:
    """The lists: for those who read violations somewhere (403 otherwise)."""
    if not policy.reads_violations_anywhere(request.user):
        raise PermissionDenied


def _refused(request: HttpRequest, licence: Licence) -> NoReturn:
    """Raise the answer to someone who may not read this licence's violations on the desk."""
    if policy.refuse_reading(request.user, licence).status_code == 403:
        raise PermissionDenied
    raise Http404


def _page_links(name: str, params: dict[str, str], page: Any) -> dict[str, Any]:
    def url(number: Any = None) -> str:
        query = {**params, **({"page": str(number)} if number and number > 1 else {})}
        base = reverse(name)
        return f"{base}?{urlencode(query)}" if query else base

    return {
        "pages": [
            {"number": n, "url": None if n == Paginator.ELLIPSIS else url(n)}
            for n in page.paginator.get_elided_page_range(page.number)
        ],
        "prev_url": url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page.next_page_number()) if page.has_next() else None,
    }


def _search(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    text = normalize_text(text).strip()
    if not text:
        return qs
    return qs.filter(
        Q(licence__number__icontains=text.upper())
        | Q(licence__office_name__icontains=text)
        | Q(licence__office__name__icontains=text)
    )


def _districts(municipality_ids: set[int] | None) -> list[tuple[int, str]]:
    rows = District.objects.select_related("municipality").order_by("municipality__name", "number")
    if municipality_ids is not None:
        rows = rows.filter(municipality_id__in=municipality_ids)
    found = list(rows)
    several = len({d.municipality_id for d in found}) > 1
    return [(d.pk, f"{d.name} — {d.municipality.name}" if several else d.name) for d in found]


def _nav(request: HttpRequest) -> dict[str, Any]:
    return {"may_record": bool(policy.municipalities_acting(request.user, "violation.record"))}


def _reader_municipalities(request: HttpRequest) -> set[int] | None:
    return policy.reader_municipalities(request.user)


# --- 1. the inbox ------------------------------------------------------------------------------


@login_required
@cached_page(
    per_municipality(
        lambda request, _: policy.reader_municipalities(request.user),
        "supervision", "licences", "offices", "municipalities",
    ),
    ttl=60,
    params=None,
    staff_list=True,
)  # fmt: skip
def inbox(request: HttpRequest) -> HttpResponse:
    _reader(request)
    ids = _reader_municipalities(request)
    types = violation_types_in(ids or [])
    form = InboxFilterForm(request.GET, types=[(t.code, t.title) for t in types], districts=_districts(ids))
    cited = Notice.objects.filter(violations=OuterRef("pk"))
    qs = (
        policy.violations_for_desk(request.user)
        .select_related("violation_type", "licence__office", "licence__district")
        .annotate(cited=Exists(cited))
        .order_by("-observed_at", "-pk")
    )
    status, params = 200, {}
    if form.is_valid():
        params = form.params()
        data = form.cleaned_data
        if data["source"]:
            qs = qs.filter(source=data["source"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["type"]:
            qs = qs.filter(violation_type__code=data["type"])
        if data["district"]:
            qs = qs.filter(licence__district_id=data["district"])
        if data["noticed"]:
            qs = qs.filter(cited=data["noticed"] == "yes")
        qs = _search(qs, data["q"])
    else:
        messages.error(request, FILTER_INVALID)
        qs, status = qs.none(), 400
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": list(page.object_list),
        **_nav(request),
        **_page_links("supervisor:violations", params, page),
    }
    return render(request, "desk/supervisor/violations/inbox.html", context, status=status)


# --- 2. a violation's page ------------------------------------------------------------------------


def _violation(request: HttpRequest, pk: int) -> Violation:
    found = (
        policy.violations_for_desk(request.user)
        .select_related("violation_type", "licence__office", "licence__district", "licence__holder", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        other = Violation.objects.select_related("licence").filter(pk=pk).first()
        if other is None:
            raise Http404
        _refused(request, other.licence)
    return found


@login_required
def violation_page(request: HttpRequest, pk: int) -> HttpResponse:
    violation = _violation(request, pk)
    licence = violation.licence
    notices = []
    for notice in violation.notices.select_related("decision", "decision__decided_by").order_by("-issued_at"):
        decision = getattr(notice, "decision", None)
        notices.append({"notice": notice, "decision": decision})
    context = {
        "violation": violation,
        "licence": licence,
        "office": getattr(licence, "office", None),
        "evidence": words.evidence(violation),
        "files": list(violation.files.all()),
        "recorder": words.recorder(violation),
        "notices": notices,
        **_nav(request),
        "may_issue": violation.status == ViolationStatus.OPEN
        and policy.may(request.user, "notice.issue", licence)
        and licence.status in SUPERVISABLE,
    }
    return render(request, "desk/supervisor/violations/violation.html", context)


@login_required
def evidence_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    violation = _violation(request, pk)
    item = ViolationEvidence.objects.filter(violation=violation, pk=file_id).first()
    if item is None:
        raise Http404
    extension = str(item.file.name).rsplit(".", 1)[-1]
    return attachment_response(
        str(item.file.name), f"violation-{violation.pk}-evidence-{item.pk}.{extension}", item.mime
    )


# --- 3. recording a violation ------------------------------------------------------------------------


def _record_context(request: HttpRequest, form: RecordForm) -> dict[str, Any]:
    licences = policy.licences_to_supervise(request.user, "violation.record").filter(status__in=SUPERVISABLE)
    text = normalize_text(request.GET.get("q", "")).strip()[:100]
    found: list[Licence] = []
    if text:
        found = list(
            licences.filter(
                Q(number__icontains=text.upper()) | Q(office_name__icontains=text) | Q(office__name__icontains=text)
            )
            .select_related("office")
            .order_by("number")[:20]
        )
    return {
        "form": form,
        "q": text,
        "found": found,
        "searched": bool(text),
        "options": [
            (lic.number, lic.display_name)
            for lic in licences.select_related("office").order_by("number")[:LICENCE_OPTIONS]
        ],
    }


def _record_form(request: HttpRequest, data: Any = None, files: Any = None) -> RecordForm:
    ids = policy.municipalities_acting(request.user, "violation.record")
    types = [(t.code, f"{t.title} ({t.get_severity_display()})") for t in violation_types_in(ids)]
    initial = {"licence": normalize_text(request.GET.get("licence", ""))[:32]}
    return RecordForm(data, files, types=types, initial=initial)


def _recorder(request: HttpRequest) -> None:
    if not policy.municipalities_acting(request.user, "violation.record"):
        raise PermissionDenied


@csrf_exempt
def record(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: an announced body over the limit is refused (413) before anything
    reads it; only then is the CSRF token (inside the body) checked."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _recorder(request)
    if request.method != "POST":
        return render(
            request, "desk/supervisor/violations/record.html", _record_context(request, _record_form(request))
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > RECORD_MAX_BODY:
        context = _record_context(request, _record_form(request))
        context["body_error"] = doc_msg.TOO_LARGE.format(limit=persian_number(RECORD_MAX_BODY // (1024 * 1024)))
        return render(request, "desk/supervisor/violations/record.html", context, status=413)
    return _record_checked(request)


@csrf_protect
def _record_checked(request: HttpRequest) -> HttpResponse:
    form = _record_form(request, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        number = normalize_number(data["licence"])
        licence = (
            policy.licences_to_supervise(request.user, "violation.record")
            .select_related("holder", "municipality")
            .filter(number=number or "")
            .first()
        )
        if licence is None:
            # unknown, another municipality's or one's own: the same answer, as a licence that
            # does not exist (404, the number typed not echoed back)
            form.data = {**form.data.dict(), "licence": ""}  # type: ignore[attr-defined]
            form.add_error("licence", LICENCE_UNKNOWN)
            status = 404
        else:
            try:
                violation = violation_record(
                    licence,
                    type_code=data["type"],
                    description=data["description"],
                    observed_at=data["observed_at"],
                    actor=request.user,
                    files=data["evidence_files"],
                )
            except ApplicationError as exc:
                if exc.code == "illegal_state":  # the licence is not under supervision
                    form.add_error("licence", exc.message)
                else:
                    if exc.fields and "files" in exc.fields:  # the service's name of the upload field
                        exc.fields = {"evidence_files": exc.fields["files"]}
                    errors_to_form(form, exc)
                status = exc.status_code
                response = render(
                    request, "desk/supervisor/violations/record.html", _record_context(request, form), status=status
                )
                if isinstance(exc, ThrottledError):
                    response["Retry-After"] = str(exc.retry_after)
                return response
            messages.success(request, RECORDED)
            return redirect("supervisor:violation", violation.pk)
    return render(request, "desk/supervisor/violations/record.html", _record_context(request, form), status=status)


# --- 4. issuing a notice ----------------------------------------------------------------------------


def _licence_for_notice(request: HttpRequest, number: str) -> Licence:
    licence = (
        licence_policy.visible(request.user)
        .select_related("holder", "municipality", "district")
        .filter(number=normalize_number(number) or "")
        .first()
    )
    if licence is None:
        raise Http404
    try:
        policy.demand(request.user, "notice.issue", licence)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        raise PermissionDenied from None
    return licence


def _chosen(raw: list[str]) -> list[int] | None:
    """The violation ids chosen (digits only, else None); one that is not an open violation of
    the licence is refused by the service with its message."""
    out = []
    for item in raw:
        text = normalize_text(item).strip()
        if not (text.isascii() and text.isdigit() and len(text) < 12):  # "²".isdigit() is true
            return None
        out.append(int(text))
    return out


@login_required
def notice_new(request: HttpRequest, number: str) -> HttpResponse:
    licence = _licence_for_notice(request, number)
    open_violations = list(
        Violation.objects.filter(licence=licence, status=ViolationStatus.OPEN)
        .select_related("violation_type")
        .order_by("observed_at", "pk")
    )
    open_notice = Notice.objects.filter(licence=licence, status=NoticeStatus.OPEN).first()
    source = request.POST if request.method == "POST" else request.GET
    raw = source.getlist("v")
    form = IssueForm(request.POST if request.method == "POST" else None)
    status = 200
    error = ""
    chosen_ids = _chosen(raw) if raw else [v.pk for v in open_violations]
    if chosen_ids is None:
        chosen_ids, error, status = [], NONE_CHOSEN, 400
    chosen = [v for v in open_violations if v.pk in set(chosen_ids)]
    previewed = bool(raw) or request.method == "POST"
    if request.method == "POST" and not error:
        if not raw:
            error, status = NONE_CHOSEN, 400
        elif form.is_valid():
            try:
                notice = notice_issue(licence, actor=request.user, violation_ids=chosen_ids)
            except ApplicationError as exc:
                if exc.status_code == 404:
                    raise Http404 from None
                error, status = exc.message, exc.status_code
            else:
                due = to_jalali(notice.response_due, with_time=True)
                messages.success(request, ISSUED.format(due=due))
                return redirect("supervisor:notice", notice.pk)
        else:
            status = 400
    proposal = ladder_proposal(licence, chosen) if chosen else None
    context = {
        "licence": licence,
        "office": getattr(licence, "office", None),
        "violations": open_violations,
        "chosen_ids": {v.pk for v in chosen},
        "open_notice": open_notice,
        "supervisable": licence.status in SUPERVISABLE,
        "previewed": previewed and bool(chosen),
        "proposal": proposal,
        "proposal_words": words.proposal_words(proposal) if proposal else [],
        "outcome": words.outcome_words(proposal.step.outcome, proposal.step.suspension_days) if proposal else "",
        "days": persian_digits(response_days()),
        "due": notice_due(licence, timezone.now()),
        "form": form,
        "error": error,
        **_nav(request),
    }
    return render(request, "desk/supervisor/violations/notice_new.html", context, status=status)


# --- 5. following notices ----------------------------------------------------------------------------


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    _reader(request)
    form = NoticeFilterForm(request.GET)
    qs = (
        policy.notices_for_desk(request.user)
        .select_related("licence__office", "decision")
        .order_by("-issued_at", "-pk")
    )
    status, params = 200, {}
    if form.is_valid():
        params = form.params()
        chosen = form.cleaned_data["status"]
        if chosen == "overdue":
            qs = qs.filter(status=NoticeStatus.OPEN, response_due__lt=timezone.now())
        elif chosen:
            qs = qs.filter(status=chosen)
        qs = _search(qs, form.cleaned_data["q"])
    else:
        messages.error(request, FILTER_INVALID)
        qs, status = qs.none(), 400
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"notice": n, "overdue": n.status == NoticeStatus.OPEN and n.response_due < now} for n in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        **_nav(request),
        **_page_links("supervisor:notices", params, page),
    }
    return render(request, "desk/supervisor/violations/notices.html", context, status=status)


@login_required
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = (
        policy.notices_for_desk(request.user)
        .select_related("licence__office", "licence__holder", "issued_by")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        other = Notice.objects.select_related("licence").filter(pk=pk).first()
        if other is None:
            raise Http404
        _refused(request, other.licence)
    assert notice is not None
    decision = getattr(notice, "decision", None)
    now = timezone.now()
    context = {
        "notice": notice,
        "licence": notice.licence,
        "office": getattr(notice.licence, "office", None),
        "violations": list(notice.violations.select_related("violation_type").order_by("observed_at")),
        "decision": decision,
        "decided_by": words.person_name(decision.decided_by) if decision else "",
        "issued_by": words.person_name(notice.issued_by),
        "outcome": words.outcome_words(notice.proposed_outcome, notice.proposed_suspension_days),
        "overdue": notice.status == NoticeStatus.OPEN and notice.response_due < now,
        "decide_url": reverse("authority:notice", args=[notice.pk])
        if "decide" in policy.actions(request.user, notice)
        else "",
        "response_days": persian_digits(notice.response_days),
        **_nav(request),
    }
    return render(request, "desk/supervisor/violations/notice.html", context)


__all__ = [
    "evidence_download",
    "inbox",
    "notice_new",
    "notice_page",
    "notices",
    "record",
    "violation_page",
]
