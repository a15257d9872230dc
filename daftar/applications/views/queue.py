"""The staff's work queue (``/staff/queue/``): their municipalities' cases filtered and paged,
with the legal deadlines that ran out flagged (P1), its export (CSV or XLSX) and the bulk
acknowledgement of the chosen cases. Anyone without a case role gets a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.models import District
from daftar.runtime.pagecache import cached_page, per_municipality

from .. import exports, policy, services
from ..forms import QueueFilterForm, errors_to_form
from ..models import Application
from ..pagination import CappedPaginator
from ..selectors import is_overdue, is_staff_for, queue
from ..workflow import Status

PAGE_SIZE = 25

# Persian texts of the pages (the services' own refusals come with their messages).
ACKNOWLEDGED = "{n} پرونده رؤیت شد."
NONE_CHOSEN = "هیچ پرونده‌ای برگزیده نشده است؛ نخست پرونده‌ها را علامت بزنید."
FILTER_INVALID = "پالایه‌های صف نادرست است؛ آن‌ها را دوباره برگزینید."


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
@cached_page(
    per_municipality(lambda request, _: policy.staff_municipalities(request.user), "applications", "municipalities"),
    ttl=60,
    params=None,
    staff_list=True,
)
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
