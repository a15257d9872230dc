"""Pages of the hall queue (issue 22 §3).

- ``/offices/<id>/hall/`` — the counter page of the office's staff: call the next ticket to
  their counter and mark it done or no-show, give a walk-in a ticket, check an arrived
  appointment in, see who waits; the manager also sets the queue's rule and makes the kiosk's
  link. The office's municipal readers get 403, anyone else the office's 404.
- ``/offices/<id>/hall/report/`` — the queue's figures per day (the office's own reports).
- ``/offices/<id>/kiosk/<key>/`` — the hall's kiosk: one big button per service; no login, the
  link made by the manager is the key.
- ``/offices/<id>/hall/display/`` — the hall's screen: the numbers at each counter and the
  next ones, in large Persian digits, updating by itself.
- ``/q/<token>/`` — a ticket's own page (its link is printed and sent by SMS): position,
  estimated wait and the number being served, updating by itself.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.hours import HoursBook, next_opening, next_opening_text
from daftar.offices.models import Office, OfficeService
from daftar.offices.pages import IN_OFFICE_MUNICIPALITY
from daftar.offices.policy import OfficeAccess, office_access
from daftar.offices.selectors import public_office
from daftar.runtime.pagecache import cached_page

from . import policy, selectors
from .config import config_for
from .models import MixRule, Priority, TicketStatus
from .services import (
    Issued,
    appointment_check_in,
    call_next,
    hall_settings_update,
    kiosk_allowed,
    kiosk_counted,
    kiosk_key_new,
    kiosk_office,
    ticket_issue,
    ticket_mark,
    today_ticket,
)

REPORT_DAYS = 30
KIOSK_RESET_SECONDS = 25


def _staff_or_refuse(request: HttpRequest, pk: int) -> OfficeAccess:
    try:
        return policy.staff_access(request.user, pk)
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from None
        raise Http404 from None


def _offered(office: Office) -> list[Any]:
    rows = OfficeService.objects.filter(office=office, service__active=True).select_related("service")
    return [row.service for row in rows.order_by("service__position")]


def _is_open(office: Office, now: dt.datetime) -> tuple[bool, str]:
    """Open now, or when it next opens (Persian)."""
    book = HoursBook([office], now.date(), now.date() + dt.timedelta(days=13))
    if book.is_open_at(office, now):
        return True, ""
    opening = next_opening(book, office, now, 14)
    return False, next_opening_text(opening, now) if opening else ""


def _issued_message(issued: Issued) -> str:
    ticket = issued.ticket
    ahead = issued.position - 1
    text = f"نوبت شمارهٔ {persian_digits(ticket.number)} برای «{ticket.service.title}» داده شد؛ "
    if ahead:
        return text + f"{persian_digits(ahead)} نفر پیش از اوست (حدود {persian_digits(issued.wait_minutes)} دقیقه)."
    return text + "نفر بعدی در صف است."


# --- the counter page -----------------------------------------------------------------------


def _counter_context(request: HttpRequest, access: OfficeAccess, **extra: Any) -> dict[str, Any]:
    office = access.office
    now = timezone.now().astimezone(TEHRAN)
    state = selectors.queue_state(office, now=now)
    counter = request.session.get(f"hall_counter_{office.pk}")
    mine = next((t for t in state.serving if t.counter == counter), None)
    # the appointments already in the queue, from the queue just read (no query of their own)
    arrived = {p.ticket.appointment_id for p in state.order} | {t.appointment_id for t in state.serving}
    booked = [
        a
        for a in Appointment.objects.filter(office=office, day=now.date(), status=AppointmentStatus.BOOKED)
        .select_related("service", "citizen")
        .order_by("start")
        if a.pk not in arrived and a.citizen_id != request.user.pk
    ]
    for a in booked:
        a.time_text = persian_digits(a.start.astimezone(TEHRAN).strftime("%H:%M"))  # type: ignore[attr-defined]
    open_now, opens = _is_open(office, now)
    today = selectors.queue_stats(office, now.date(), now.date())
    cfg = config_for(office)
    return {
        "office": office,
        "access": access,
        "state": state,
        "counter": counter,
        "counters": [(n, persian_digits(n)) for n in range(1, office.counters + 1)],
        "mine": mine,
        "services": _offered(office),
        "priorities": [(value, label) for value, label in Priority.choices if value],
        "booked": booked,
        "open_now": open_now,
        "opens": opens,
        "stats": today[0] if today else selectors.DayStats(now.date()),
        "cfg": cfg,
        "rules": MixRule.choices,
        "display_url": reverse("hall:display", args=[office.pk]),
        "now": now,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, pk: int) -> HttpResponse:
    access = _staff_or_refuse(request, pk)
    office = access.office
    if request.method == "GET":
        return render(request, "hall/counter.html", _counter_context(request, access))
    action = request.POST.get("do", "")
    errors: dict[str, list[str]] = {}
    form = ""
    try:
        if action == "counter":
            form = "counter"
            chosen = normalize_text(request.POST.get("counter", "")).strip()
            if not re.fullmatch(r"[0-9]{1,3}", chosen) or not 1 <= int(chosen) <= office.counters:
                raise ApplicationError(
                    f"شمارهٔ باجه را از ۱ تا {persian_digits(office.counters)} برگزینید.",
                    fields={"counter": ["باجه را برگزینید."]},
                )
            request.session[f"hall_counter_{office.pk}"] = int(chosen)
            messages.success(request, f"اکنون پشت باجهٔ {persian_digits(chosen)} هستید.")
        elif action == "call":
            form = "call"
            ticket = call_next(
                office=office, counter=request.session.get(f"hall_counter_{office.pk}"), actor=request.user
            )
            messages.success(
                request, f"نوبت {persian_digits(ticket.number)} به باجهٔ {persian_digits(ticket.counter)} فراخوانده شد."
            )
        elif action in ("done", "no_show", "cancel"):
            form = "mark"
            ticket = today_ticket(office, request.POST.get("number"))
            ticket_mark(ticket=ticket, action=action, actor=request.user)
            words = {"done": "انجام شد", "no_show": "حاضر نشد", "cancel": "لغو شد"}[action]
            messages.success(request, f"نوبت {persian_digits(ticket.number)}: {words}.")
        elif action == "issue":
            form = "issue"
            issued = ticket_issue(
                office=office,
                service=request.POST.get("service"),
                mobile=request.POST.get("mobile", ""),
                priority=request.POST.get("priority", ""),
                actor=request.user,
            )
            messages.success(request, _issued_message(issued))
        elif action == "check_in":
            form = "check_in"
            issued = appointment_check_in(
                office=office,
                code=request.POST.get("code"),
                priority=request.POST.get("priority", ""),
                actor=request.user,
            )
            messages.success(request, _issued_message(issued))
        elif action == "settings":
            form = "settings"
            if not access.is_manager:
                raise PermissionDenied
            hall_settings_update(
                office=office,
                rule=request.POST.get("rule"),
                walkins_per_appointment=request.POST.get("walkins_per_appointment"),
                notify_ahead=request.POST.get("notify_ahead"),
                actor=request.user,
            )
            messages.success(request, "تنظیمات صف ذخیره شد.")
        elif action == "kiosk":
            if not access.is_manager:
                raise PermissionDenied
            key = kiosk_key_new(office=office, actor=request.user)
            link = request.build_absolute_uri(reverse("hall:kiosk", args=[office.pk, key]))
            context = _counter_context(request, access, kiosk_link=link)
            return render(request, "hall/counter.html", context)
        else:
            raise Http404
    except ApplicationError as exc:
        if exc.status_code == 404 and form == "mark":
            raise Http404 from None
        for name, texts in (exc.fields or {}).items():
            errors[name] = [str(t) for t in texts]
        context = _counter_context(request, access, errors=errors, error=exc.message, form=form, posted=request.POST)
        return render(request, "hall/counter.html", context, status=exc.status_code)
    return redirect("hall:counter", pk=office.pk)


# --- the office's report --------------------------------------------------------------------


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = office_access(request.user, pk)
    except ApplicationError:
        raise Http404 from None
    today = timezone.now().astimezone(TEHRAN).date()
    days = selectors.queue_stats(access.office, today - dt.timedelta(days=REPORT_DAYS - 1), today)
    first = days[0] if days and days[0].day == today else selectors.DayStats(today)
    hours = sorted(first.by_hour)
    chart = {
        "kind": "hall",
        "horizontal": True,
        "labels": [f"{persian_digits(h)} تا {persian_digits(h + 1)}" for h in hours],
        "unit": "نوبت",
        "datasets": [
            {"label": "نوبت‌های گرفته‌شده", "type": "bar", "data": [first.by_hour[h] for h in hours], "color": "#1f6f8b"}
        ],
    }
    totals = {
        "issued": sum(d.issued for d in days),
        "done": sum(d.done for d in days),
        "no_show": sum(d.no_show for d in days),
    }
    return render(
        request,
        "hall/report.html",
        {
            "office": access.office,
            "access": access,
            "days": days,
            "today": first,
            "chart": chart,
            "totals": totals,
            "report_days": REPORT_DAYS,
        },
    )


# --- the kiosk --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    try:
        office = kiosk_office(pk, key)
    except ApplicationError as exc:
        return render(request, "hall/kiosk_unknown.html", {"message": exc.message}, status=404)
    now = timezone.now().astimezone(TEHRAN)
    open_now, opens = _is_open(office, now)
    context: dict[str, Any] = {
        "office": office,
        "services": _offered(office),
        "priorities": [(value, label) for value, label in Priority.choices if value],
        "open_now": open_now,
        "opens": opens,
        "key": key,
        "reset_seconds": KIOSK_RESET_SECONDS,
    }
    if request.method == "GET":
        return render(request, "hall/kiosk.html", context)
    try:
        kiosk_allowed(office)
        issued = ticket_issue(
            office=office,
            service=request.POST.get("service"),
            mobile=request.POST.get("mobile", ""),
            priority=request.POST.get("priority", ""),
            channel="kiosk",
            actor=None,
        )
        kiosk_counted(office)
    except ApplicationError as exc:
        errors = {name: [str(t) for t in texts] for name, texts in (exc.fields or {}).items()}
        # the next person at the kiosk must not see this one's number: only the choices are kept,
        # and the page goes back to its start by itself
        posted = {"priority": request.POST.get("priority", "")}
        answer = render(
            request,
            "hall/kiosk.html",
            {**context, "error": exc.message, "errors": errors, "posted": posted, "reset": True, "reset_seconds": 90},
            status=exc.status_code,
        )
        retry = getattr(exc, "retry_after", None)
        if retry:
            answer["Retry-After"] = str(retry)
        return answer
    return render(request, "hall/kiosk_ticket.html", {**context, "issued": issued, "ticket": issued.ticket})


# --- the hall's screen and a ticket's page ---------------------------------------------------


@cached_page("hall:o{pk}", "offices:o{pk}", IN_OFFICE_MUNICIPALITY, ttl=60)
def display(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        office = public_office(pk)
    except ApplicationError:
        raise Http404 from None
    state = selectors.queue_state(office)
    return render(
        request,
        "hall/display.html",
        {
            "office": office,
            "state": state,
            "body": selectors.queue_body(state),
            "queue_url": reverse("offices-queue", args=[office.pk]),
        },
    )


def ticket(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.ticket_by_token(token)
    if found is None:
        return render(request, "hall/ticket_unknown.html", status=404)
    state = selectors.queue_state(found.office)
    place = state.place_of(found)
    return render(
        request,
        "hall/ticket.html",
        {
            "ticket": found,
            "office": found.office,
            "place": place,
            "state": state,
            "live": found.status in (TicketStatus.WAITING, TicketStatus.CALLED),
            "is_today": found.day == timezone.now().astimezone(TEHRAN).date(),
            "status_url": reverse("tickets-detail", args=[found.token]),
        },
    )
