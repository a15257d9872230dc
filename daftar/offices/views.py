"""HTML pages of offices.

* ``/offices/`` — the citizens' office finder (S5, S17): by district and service, «open now»,
  each card with today's hours and the services offered.
* ``/offices/<id>/`` — one office for citizens: the week's hours and the next 14 days with
  their exceptions in Persian with Jalali dates (S17: the duty to inform), the services with
  the tariff in force today (P6), and the «book» button (``/offices/<id>/book/``, built by the
  appointments app).
* ``/offices/mine/`` — the offices where I work (and, for municipality staff, their city's).
* ``/offices/<id>/manage/`` — the manager runs the office (profile, staff, weekly hours,
  closures); clerks and municipality readers see it read-only; anyone else gets 404.

Views are thin: forms gather input, ``services`` decide, ``ApplicationError`` is shown in
Persian with its status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from daftar.accounts.models import User
from daftar.audit.models import AuditEntry
from daftar.catalogue.forms import errors_to_form
from daftar.catalogue.models import Service
from daftar.catalogue.tariffs import tariff_table
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_age, to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.models import District
from daftar.municipalities.workdays import TEHRAN
from daftar.rules.constants import EQUIPMENT
from daftar.runtime.pagecache import cached_page

from . import messages as msg
from . import policy, selectors, services
from .forms import ClosureForm, FinderForm, HoursForm, ProfileForm, StaffForm
from .hours import (
    HoursBook,
    interval_text,
    next_opening,
    next_opening_text,
    office_sanction,
    upcoming_days,
    windows_text,
)
from .models import WEEKDAYS, Office, OfficeStaff, StaffRole, directive_for
from .pages import OFFICE_DESK_DEPENDS, ONE_OFFICE_PAGE, PUBLIC_OFFICE_PAGE
from .policy import NOT_PERMITTED, OfficeAccess, office_access, offices_readable

PAGE_SIZE = 20
NEXT_OPENING_DAYS = selectors.NEXT_OPENING_DAYS
# why a day is closed every week: not an exception worth a notice
REGULAR_CLOSED = ("", "جمعه", "روز کاری این دفتر نیست")
# --- the finder ------------------------------------------------------------------------------


@cached_page(*PUBLIC_OFFICE_PAGE, ttl=60, params=("district", "service", "open_now", "sort", "page"))
def finder(request: HttpRequest) -> HttpResponse:
    districts = (
        District.objects.filter(offices__active=True).select_related("municipality").distinct().order_by("number")
    )
    cities = {d.municipality_id for d in districts}
    district_choices = [
        (str(d.pk), d.name if len(cities) <= 1 else f"{d.name} — {d.municipality.name}") for d in districts
    ]
    service_choices = [(s.code, s.title) for s in Service.objects.filter(active=True).order_by("position")]
    form = FinderForm(request.GET or None, districts=district_choices, services=service_choices)
    status = 200
    filters = selectors.FinderFilters()
    if form.is_bound:
        if form.is_valid():
            try:
                filters = selectors.finder_filters(
                    {
                        "district": form.cleaned_data["district"],
                        "service": form.cleaned_data["service"],
                        "open_now": "1" if form.cleaned_data["open_now"] else "",
                        "sort": form.cleaned_data["sort"],
                    }
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 400
        else:
            status = 400
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    found = selectors.finder_page(filters, page=page, page_size=PAGE_SIZE)
    cards = []
    for office in found.offices:
        today = found.book.day(office, found.now.date())
        cards.append(
            {
                "office": office,
                "open_now": office.pk in found.open_ids,
                "today": today,
                "today_text": " و ".join(_interval(s, e) for s, e in today.intervals),
                "services": [row.service for row in office.offered.all()],  # type: ignore[attr-defined]
                "sanction": office_sanction(office, found.now.date()),
                # the closed offices' next fortnight, in one book for the page: «بسته است؛ شنبه
                # ساعت ۸:۰۰ باز می‌شود»
                "next_opening": _opening_text(found.next_opening(office), found.now),
                "crowd": selectors.crowd_body(found, office),  # issue 22 §4
                "standing": selectors.standing_body(office),  # issue 22 §2
            }
        )
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(
        request,
        "offices/finder.html",
        {
            "form": form,
            "cards": cards,
            "count": found.count,
            "page": page,
            "has_next": page * PAGE_SIZE < found.count,
            "query": query,
            "now": found.now,
        },
        status=status,
    )


def _next_opening(book: HoursBook, office: Office, now: dt.datetime) -> str:
    return _opening_text(next_opening(book, office, now, NEXT_OPENING_DAYS), now)


def _opening_text(opening: dt.datetime | None, now: dt.datetime) -> str:
    return next_opening_text(opening, now) if opening else ""


def _interval(start: Any, end: Any) -> str:
    return interval_text(start, end)


# --- the public office page ------------------------------------------------------------------


@cached_page(*ONE_OFFICE_PAGE, ttl=60)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        office = selectors.public_office(pk)
    except ApplicationError:
        raise Http404 from None
    now = timezone.now().astimezone(TEHRAN)
    today = now.date()
    offered = {row.service_id for row in office.offered.all()}  # type: ignore[attr-defined]
    lines = [line for line in tariff_table(office.municipality_id, today) if line.service.pk in offered]
    days = upcoming_days(office, today, selectors.DETAIL_DAYS)
    sanction = office_sanction(office, today)
    stopped = sanction.closed_reason if sanction else None
    book = HoursBook([office], today, today + dt.timedelta(days=NEXT_OPENING_DAYS - 1))
    open_now = book.is_open_at(office, now)
    return render(
        request,
        "offices/detail.html",
        {
            "office": office,
            "open_now": open_now,
            "next_opening": "" if open_now or sanction else _next_opening(book, office, now),
            "week": selectors.weekly_by_day(office),
            "days": days,
            # the days a sanction closes are said once, in its notice
            "exceptions": [
                d
                for d in days
                if d["extended"] or (d["closed_reason"] not in REGULAR_CLOSED and d["closed_reason"] != stopped)
            ],
            "lines": lines,
            "today_jalali": to_jalali(today),
            "book_url": f"/offices/{office.pk}/book/",
            "is_staff": policy.staff_row(office, request.user) is not None,
            "sanction": sanction,
            "standing": selectors.standing_body(office),  # issue 22 §2: the published rank and band
            # issue 22 §3–§4: how crowded the hall is now, while the office is open
            "crowd": (selectors.crowds_of([office], now).get(office.pk) if open_now and not sanction else None),
        },
    )


# --- staff pages ----------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    memberships = selectors.my_offices(request.user)
    own = {m.office_id for m in memberships}
    supervised = list(
        offices_readable(request.user)
        .exclude(pk__in=own)
        .select_related("municipality", "district")
        .order_by("municipality", "district__number", "name")[:200]
    )
    return render(request, "offices/mine.html", {"memberships": memberships, "supervised": supervised})


def _access_or_404(request: HttpRequest, pk: int) -> OfficeAccess:
    try:
        return office_access(request.user, pk)
    except ApplicationError:
        raise Http404 from None


def _manage_context(access: OfficeAccess, **forms: Any) -> dict[str, Any]:
    office = (
        Office.objects.select_related("municipality", "district", "licence")
        .prefetch_related("weekly_hours")
        .get(pk=access.office.pk)
    )
    directive = directive_for(office.municipality_id)
    today = timezone.localdate()
    readonly = not access.is_manager

    return {
        "office": office,
        "access": access,
        "readonly": readonly,
        "profile_form": forms.get("profile_form") or ProfileForm(office=office, auto_id="id_profile_%s"),
        "hours_form": forms.get("hours_form") or HoursForm(office=office, auto_id="id_hours_%s"),
        "staff_form": forms.get("staff_form") or StaffForm(auto_id="id_staff_%s"),
        "closure_form": forms.get("closure_form") or ClosureForm(auto_id="id_closure_%s"),
        "staff": list(OfficeStaff.objects.filter(office=office, active=True).select_related("user")),
        "closures": [
            {"closure": c, "future": c.date > today} for c in office.closures.filter(date__gte=today).order_by("date")
        ],
        "directive": [{"name": WEEKDAYS[d], "windows": windows_text(directive, d)} for d in range(7)],
        "week": selectors.weekly_by_day(office),
        "equipment": [(label, code in office.equipment) for code, label in EQUIPMENT.items()],
        "directive_problem": _directive_problem(office),
        "sanction": office_sanction(office, today),
    }


def _directive_problem(office: Office) -> str:
    """A warning while the office's weekly hours lie outside the directive (S17, review #11)."""
    problem = services.schedule_problem(office)
    return msg.OUTSIDE_DIRECTIVE.format(problem=problem) if problem else ""


STAFF_ACTIONS = ("office.staff_add", "office.staff_remove", "office.staff_qualify")
HISTORY_ROWS = 50


@login_required
@require_http_methods(["GET"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's staff register (issue 22 §5): who works there now, in what role, since when,
    the technical manager's qualifications (P4), who worked there before and until when, and the
    register's changes from the audit log. Read by the office's staff and its municipality's
    readers (``office_access``); anyone else gets the office's 404."""
    access = _access_or_404(request, pk)
    rows = list(OfficeStaff.objects.filter(office=access.office).select_related("user").order_by("role", "added_at"))
    today = timezone.localdate()
    entries = list(
        AuditEntry.objects.filter(
            object_type="offices.office", object_id=str(access.office.pk), action__in=STAFF_ACTIONS
        )
        .select_related("actor")
        .order_by("-seq")[:HISTORY_ROWS]
    )
    people = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={e.data.get("user") for e in entries if isinstance(e.data.get("user"), int)}
        )
    }
    roles = dict(StaffRole.choices)
    history = [
        {
            "at": e.created_at,
            "what": STAFF_ACTION_LABELS[e.action],
            "who": _person(people.get(e.data.get("user"))),
            "role": roles.get(e.data.get("role", ""), ""),
            "by": _person(e.actor) if e.actor else "سامانه",
        }
        for e in entries
    ]
    context = {
        "office": access.office,
        "access": access,
        "current": [(r, jalali_age(r.birth_date, today) if r.birth_date else None) for r in rows if r.active],
        "former": sorted((r for r in rows if not r.active), key=lambda r: r.removed_at or r.added_at, reverse=True),
        "history": history,
        "ages": "–".join(persian_digits(a) for a in settings.OFFICE_TECHNICAL_MANAGER_AGE),
        "history_rows": HISTORY_ROWS,
    }
    return render(request, "offices/register.html", context)


STAFF_ACTION_LABELS = {
    "office.staff_add": "افزوده شد",
    "office.staff_remove": "کنار رفت",
    "office.staff_qualify": "مدرک و رشته ثبت شد",
}


def _person(user: Any) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or persian_digits(user.mobile)


@login_required
@require_http_methods(["GET", "POST"])
@cached_page(*OFFICE_DESK_DEPENDS, ttl=60, params=None)
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access_or_404(request, pk)
    if request.method == "GET":
        return render(request, "offices/manage.html", _manage_context(access))
    if not access.is_manager:
        messages.error(request, NOT_PERMITTED)
        return render(request, "offices/manage.html", _manage_context(access), status=403)
    action = request.POST.get("action", "")
    handlers = {
        "profile": _post_profile,
        "hours": _post_hours,
        "staff_add": _post_staff_add,
        "staff_remove": _post_staff_remove,
        "closure_add": _post_closure_add,
        "closure_remove": _post_closure_remove,
    }
    handler = handlers.get(action)
    if handler is None:
        messages.error(request, msg.NOTHING_TO_CHANGE)
        return render(request, "offices/manage.html", _manage_context(access), status=400)
    return handler(request, access)


def _back(access: OfficeAccess, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('offices:manage', args=[access.office.pk])}#{anchor}")


def _failed(request: HttpRequest, access: OfficeAccess, exc: ApplicationError, form: Any, key: str) -> HttpResponse:
    errors_to_form(form, exc)  # on the field the service names (a technical manager's birth date), else the form
    return render(request, "offices/manage.html", _manage_context(access, **{key: form}), status=exc.status_code)


def _post_profile(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    form = ProfileForm(request.POST, office=access.office, auto_id="id_profile_%s")
    if not form.is_valid():
        return render(request, "offices/manage.html", _manage_context(access, profile_form=form), status=400)
    try:
        services.office_update(office=access.office, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _failed(request, access, exc, form, "profile_form")
    messages.success(request, msg.SAVED_PROFILE)
    return _back(access, "profile")


def _post_hours(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    form = HoursForm(request.POST, auto_id="id_hours_%s")
    rows = form.rows() if form.is_valid() else None
    if rows is None:
        return render(request, "offices/manage.html", _manage_context(access, hours_form=form), status=400)
    try:
        services.hours_set(office=access.office, rows=rows, actor=request.user)
    except ApplicationError as exc:
        return _failed(request, access, exc, form, "hours_form")
    messages.success(request, msg.SAVED_HOURS)
    return _back(access, "hours")


def _post_form(
    request: HttpRequest, access: OfficeAccess, form: Any, name: str, run: Any, done: str, anchor: str
) -> HttpResponse:
    """A manage-page form: invalid → the page again (400); refused → the Persian reason; else back."""
    if not form.is_valid():
        return render(request, "offices/manage.html", _manage_context(access, **{name: form}), status=400)
    try:
        run(office=access.office, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _failed(request, access, exc, form, name)
    messages.success(request, done)
    return _back(access, anchor)


def _post_remove(request: HttpRequest, access: OfficeAccess, run: Any, done: str, anchor: str) -> HttpResponse:
    """A manage-page removal by id; refused → the page with the Persian reason."""
    try:
        run(request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(request, "offices/manage.html", _manage_context(access), status=exc.status_code)
    messages.success(request, done)
    return _back(access, anchor)


def _post_staff_add(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    form = StaffForm(request.POST, auto_id="id_staff_%s")
    return _post_form(request, access, form, "staff_form", services.staff_add, msg.STAFF_ADDED, "staff")


def _post_staff_remove(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    def run(r: HttpRequest) -> None:
        services.staff_remove(office=access.office, staff_id=r.POST.get("staff", ""), actor=r.user)

    return _post_remove(request, access, run, msg.STAFF_REMOVED, "staff")


def _post_closure_add(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    form = ClosureForm(request.POST, auto_id="id_closure_%s")
    return _post_form(request, access, form, "closure_form", services.closure_add, msg.CLOSURE_ADDED, "closures")


def _post_closure_remove(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    def run(r: HttpRequest) -> None:
        services.closure_remove(office=access.office, closure_id=r.POST.get("closure", ""), actor=r.user)

    return _post_remove(request, access, run, msg.CLOSURE_REMOVED, "closures")
