"""The licensing authority's pages (issue 18 §1): the decisions queue, the licence register with
its export, a licence's page and its moves through a confirmation step.

Who may do what is asked of the domain policies only (``licences.policy``,
``applications.policy``): the desk's lists answer 403 to a person who holds none of their roles;
a licence of another municipality, a nonexistent number and one's own licence are the same 404;
a licence one sees without a reader's role is a 403, as the API answers
(``/api/v1/licences/{number}/actions``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from daftar.applications.pagination import CappedPaginator
from daftar.appointments.selectors import bookings_cancelled_since
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.licences import messages as licence_msg
from daftar.licences import policy as licence_policy
from daftar.licences.models import Licence, LicenceEvent, LicenceStatus
from daftar.licences.moves import licence_act, renewal_window
from daftar.licences.sanctions import sanction_on
from daftar.licences.selectors import STATUS_FILTERS, register_search
from daftar.licences.verification import live_status, normalize_number
from daftar.licences.workflow import ACTIONS, MOVES
from daftar.municipalities.models import District
from daftar.runtime.pagecache import cached_page, per_municipality
from daftar.supervision import policy as supervision_policy
from daftar.supervision.models import Notice, Violation
from daftar.supervision.policy import awaiting_decision, deciding_municipalities

from . import consequences, exports
from . import messages as msg
from . import queue as waiting
from .forms import LicenceActionForm, RegisterFilterForm, errors_to_form

PAGE_SIZE = 25
STATUS_STYLE = {"active": "success", "suspended": "warning", "revoked": "danger", "expired": "secondary"}


def refused(exc: ApplicationError) -> None:
    """A policy's refusal as the page answers it: "not found" is the not-found page (the same
    body as for a nonexistent number), the rest the Persian 403 page."""
    if exc.status_code == 404:
        raise Http404 from None
    raise PermissionDenied(exc.message) from None


def desk_tabs(user: Any, current: str) -> list[dict[str, Any]]:
    """The desk's pages the user may open (each page checks its own access again)."""
    tabs = []
    if waiting.is_authority(user):
        tabs.append(("decisions", "صف تصمیم‌ها", reverse("authority:decisions")))
    if licence_policy.reads_register(user):
        tabs.append(("register", "دفتر ثبت مجوزها", reverse("authority:register")))
    if deciding_municipalities(user):
        tabs.append(("notices", "اخطاریه‌ها", reverse("authority:notices")))
    return [{"key": k, "label": label, "url": url, "current": k == current, "count": None} for k, label, url in tabs]


def _page_links(name: str, params: dict[str, str], page: Any) -> dict[str, Any]:
    def url(n: Any = None) -> str:
        query = {**params, **({"page": str(n)} if n and n != 1 else {})}
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


# --- the decisions queue -----------------------------------------------------------------------


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    """Cases awaiting approval or issue and licences due for renewal, oldest deadline first."""
    if not waiting.is_authority(request.user):
        raise PermissionDenied(msg.NOT_AUTHORITY)
    kind = request.GET.get("kind", "")
    if kind not in waiting.KINDS:
        kind = ""
    sizes = waiting.counts(request.user)
    rows = waiting.WaitingList(request.user, [kind] if kind else waiting.KINDS, sizes)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"kind": kind} if kind else {}
    context = {
        "page": page,
        "rows": list(page.object_list),
        "kind": kind,
        "kinds": [
            {
                "key": k,
                "label": msg.KINDS[k],
                "count": sizes[k],
                "url": f"{reverse('authority:decisions')}?kind={k}",
            }
            for k in waiting.KINDS
        ],
        "total": sum(sizes.values()),
        "notices_open": _notices_waiting(request.user),
        "tabs": desk_tabs(request.user, "decisions"),
        **_page_links("authority:decisions", params, page),
    }
    return render(request, "desk/authority/decisions.html", context)


def _notices_waiting(actor: Any) -> int | None:
    if not deciding_municipalities(actor):
        return None
    return awaiting_decision(actor).count()


# --- the licence register ----------------------------------------------------------------------


def _register_reader(request: HttpRequest) -> None:
    if not licence_policy.reads_register(request.user):
        raise PermissionDenied(msg.NOT_REGISTER_READER)


def _filter_form(request: HttpRequest) -> RegisterFilterForm:
    municipalities = licence_policy.register(request.user).values("municipality_id")
    rows = list(
        District.objects.filter(municipality_id__in=municipalities)
        .select_related("municipality")
        .order_by("municipality__name", "number")
    )
    several = len({d.municipality_id for d in rows}) > 1
    choices = [(d.pk, f"{d.name} — {d.municipality.name}" if several else d.name) for d in rows]
    return RegisterFilterForm(request.GET, districts=choices, statuses=STATUS_FILTERS)


def _filtered(request: HttpRequest, form: RegisterFilterForm) -> Any:
    data = form.cleaned_data
    return register_search(
        licence_policy.register(request.user),
        text=data.get("q") or "",
        district=data.get("district"),
        status=data.get("status") or "",
        expiring_within=data.get("expiring"),
    )


@login_required
@cached_page(
    per_municipality(
        lambda request, _: licence_policy.register_municipalities(request.user),
        "licences", "offices", "supervision", "municipalities",
    ),
    ttl=60,
    params=None,
    staff_list=True,
)  # fmt: skip
def register(request: HttpRequest) -> HttpResponse:
    _register_reader(request)
    form = _filter_form(request)
    status = 200
    params: dict[str, str] = {}
    qs: Any = Licence.objects.none()
    if form.is_valid():
        params = form.params()
        qs = _filtered(request, form)
    else:
        status = 400
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    labels = dict(LicenceStatus.choices)
    rows = []
    for lic in page.object_list:
        state = live_status(lic, today)
        rows.append(
            {
                "licence": lic,
                "label": labels[state],
                "style": STATUS_STYLE[state],
                "sanction": sanction_on(lic, today),
            }
        )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": urlencode(params),
        "tabs": desk_tabs(request.user, "register"),
        **_page_links("authority:register", params, page),
    }
    return render(request, "desk/authority/register.html", context, status=status)


@login_required
def register_export(request: HttpRequest) -> Any:
    _register_reader(request)
    form = _filter_form(request)
    if not form.is_valid():
        messages.error(request, msg.FILTER_INVALID)
        return redirect("authority:register")
    try:
        return exports.export_response(_filtered(request, form), request.GET.get("as", "csv"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        query = urlencode(form.params())
        return redirect(reverse("authority:register") + (f"?{query}" if query else ""))


# --- a licence's page --------------------------------------------------------------------------


def licence_for(request: HttpRequest, number: str) -> Licence:
    """The licence ``number`` if the user may read its staff page (see the module docstring)."""
    found = (
        licence_policy.visible(request.user)
        .select_related("holder", "municipality", "district", "licence_type", "application")
        .filter(number=normalize_number(number) or "")
        .first()
    )
    if found is None:
        raise Http404
    try:
        licence_policy.demand_read(request.user, found)
    except ApplicationError as exc:
        refused(exc)
    return found


def _office(licence: Licence) -> Any:
    try:
        return licence.office
    except Licence.office.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def _event_detail(event: LicenceEvent) -> str:
    data = event.data or {}
    if event.action == "suspend" and data.get("until"):
        return f"تا پایان {to_jalali(_day(data['until']))}"
    if event.action == "renew" and data.get("until"):
        return f"اعتبار تا {to_jalali(_day(data['until']))}"
    return ""


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


@login_required
def licence_page(request: HttpRequest, number: str) -> HttpResponse:
    licence = licence_for(request, number)
    today = timezone.localdate()
    events = list(licence.events.select_related("actor").order_by("-at", "-pk"))
    status_labels = dict(LicenceStatus.choices)
    history = [
        {
            "event": e,
            "label": licence_msg.EVENT_LABELS.get(e.action, "رویداد"),
            "actor": e.actor.display_name if e.actor else "سامانه",
            "from": status_labels.get(e.from_status, ""),
            "to": status_labels.get(e.to_status, ""),
            "detail": _event_detail(e),
        }
        for e in events
    ]
    # the supervision record is supervision's to show: to those its policy lets read violations
    reads_supervision = supervision_policy.may_read_violations(request.user, licence)
    violations = (
        list(
            Violation.objects.filter(licence=licence)
            .select_related("violation_type", "recorded_by")
            .order_by("-observed_at")
        )
        if reads_supervision
        else []
    )
    notices = (
        list(
            Notice.objects.filter(licence=licence)
            .select_related("decision")
            .prefetch_related(Prefetch("violations", queryset=Violation.objects.select_related("violation_type")))
            .order_by("-issued_at")
        )
        if reads_supervision
        else []
    )
    may_decide = bool(deciding_municipalities(request.user) & {licence.municipality_id})
    status = live_status(licence, today)
    context = {
        "licence": licence,
        "office": _office(licence),
        "status": status,
        "status_label": status_labels[status],
        "status_style": STATUS_STYLE[status],
        "sanction": sanction_on(licence, today),
        "moves": [
            {"action": m.action, "label": m.label}
            for m in licence_policy.available(request.user, licence)
            if _possible_today(m.action, licence, status)
        ],
        "history": history,
        "violations": violations,
        "notices": notices,
        "reads_supervision": reads_supervision,
        "may_decide": may_decide,
        "window": renewal_window(licence),
        "tabs": desk_tabs(request.user, "register"),
    }
    return render(request, "desk/authority/licence.html", context)


# --- a licence's move, through the confirmation step ---------------------------------------------


def _act_render(
    request: HttpRequest,
    licence: Licence,
    action: str,
    *,
    form: LicenceActionForm | None = None,
    confirm: consequences.Consequences | None = None,
    status: int = 200,
    blocked: str = "",
) -> HttpResponse:
    context = {
        "licence": licence,
        "action": action,
        "label": MOVES[action].label if action in MOVES else "",
        "form": form,
        "confirm": confirm,
        "blocked": blocked,
        "office": _office(licence),
        "tabs": desk_tabs(request.user, "register"),
    }
    return render(request, "desk/authority/act.html", context, status=status)


def _possible_today(action: str, licence: Licence, status: str) -> bool:
    """The move's own date checks, asked before offering it (the lifecycle's ``available`` runs
    no guard): a suspension needs a licence in force today, a renewal its window."""
    if action == "suspend":
        return status == LicenceStatus.ACTIVE
    if action == "renew":
        return not _outside_window(licence)
    return True


def _outside_window(licence: Licence) -> str:
    """The renewal guard's refusal when today is outside the licence's renewal window (said at
    the preview; the move checks it again, with the case's conditions, when confirmed)."""
    opens, closes = renewal_window(licence)
    if opens <= timezone.localdate() <= closes:
        return ""
    return licence_msg.RENEWAL_OUTSIDE_WINDOW.format(
        opens=to_jalali(opens),
        closes=to_jalali(closes),
        window=persian_digits(settings.LICENCE_RENEWAL_WINDOW_DAYS),
        grace=persian_digits(settings.LICENCE_GRACE_DAYS),
    )


@login_required
def licence_action(request: HttpRequest, number: str) -> HttpResponse:
    """GET ``?action=``: the form; POST ``step=preview``: the confirmation with what the move
    will do; POST ``step=confirm``: the move (``moves.licence_act``)."""
    licence = licence_for(request, number)
    try:
        licence_policy.demand_any(request.user, licence)  # before any input is read, as the API
    except ApplicationError as exc:
        refused(exc)
    action = (request.POST if request.method == "POST" else request.GET).get("action", "")
    if action not in ACTIONS:
        return _act_render(request, licence, action, status=400, blocked=msg.ACTION_UNKNOWN)
    if action not in licence_policy.actions(request.user, licence):
        try:
            licence_policy.demand(request.user, action, licence)
        except ApplicationError as exc:
            refused(exc)
        label = LicenceStatus(live_status(licence)).label
        return _act_render(request, licence, action, status=409, blocked=msg.ACTION_NOT_NOW.format(status=label))
    if request.method != "POST":
        return _act_render(request, licence, action, form=LicenceActionForm(action=action))
    form = LicenceActionForm(request.POST, action=action)
    step = request.POST.get("step", "preview")
    if not form.is_valid():
        return _act_render(request, licence, action, form=form, status=400)
    until = form.cleaned_data.get("until")
    if step == "edit":
        return _act_render(request, licence, action, form=form)
    if step != "confirm":
        outside = _outside_window(licence) if action == "renew" else ""
        if outside:
            form.add_error(None, outside)
            return _act_render(request, licence, action, form=form, status=409)
        return _act_render(request, licence, action, form=form, confirm=consequences.of_action(licence, action, until))
    started = timezone.now()
    try:
        done = licence_act(licence, action=action, actor=request.user, reason=form.cleaned_data["reason"], until=until)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        errors_to_form(form, exc)
        return _act_render(request, licence, action, form=form, status=exc.status_code)
    text = msg.DONE[action].format(
        number=done.number,
        until=to_jalali(until) if until else "",
        cancelled=persian_digits(bookings_cancelled_since(done, started)),  # what the act did, not the preview
        valid_until=to_jalali(done.valid_until),
    )
    messages.success(request, text)
    return redirect("authority:licence", done.number)
