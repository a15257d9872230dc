"""HTML pages of appointments (S17 «نوبت‌دهی اینترنتی»).

- ``/offices/<id>/book/``: public. Pick a bookable service, a day of the booking horizon (closed
  days shown disabled with their reason) and a free slot; the confirmation page (login needed:
  redirect to login and back) books it and leads to the appointment's page with its code.
- ``/appointments/``: the citizen's appointments, each live one with a cancel button leading
  to a confirmation (POST with CSRF).
- ``/offices/<id>/appointments/?date=``: the office's staff, the day's list with «حاضر نشد» and
  «انجام شد» buttons.

Views are thin: the same ``slots`` and ``services`` functions as the API decide, the buttons a
row offers are the moves its viewer may take now (``services.actions_available``, from the
declared lifecycle and ``policy``), and every ``ApplicationError`` is shown in Persian with the
status it carries, never as a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from daftar.catalogue.models import Service
from daftar.catalogue.tariffs import tariff_in_force
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text
from daftar.offices.hours import day_hours, next_opening_text, office_sanction
from daftar.offices.models import WEEKDAYS, Office, iran_weekday
from daftar.offices.policy import office_access
from daftar.offices.selectors import openings_of

from . import messages as msg
from . import services
from .models import Appointment, AppointmentStatus
from .selectors import appointment_by_code, my_appointments, office_day, own_appointment
from .slots import bookable_days, bookable_services, check_day, day_slots, read_day, tehran_today

MAX_ID = 2**62


def _office(pk: int) -> Office:
    office = (
        Office.objects.select_related("municipality", "district").filter(pk=pk, active=True).first()
        if 0 < pk < MAX_ID
        else None
    )
    if office is None:
        raise Http404
    return office


def _book_url(office: Office, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("appointments:book", args=[office.pk]) + (f"?{query}" if query else "")


def _day_choices(office: Office, now: dt.datetime) -> list[dict[str, Any]]:
    weekly = list(office.weekly_hours.all())
    out = []
    for day in bookable_days(now):
        hours = day_hours(office, day, weekly=weekly)
        out.append(
            {
                "date": day,
                "iso": day.isoformat(),
                "weekday": WEEKDAYS[iran_weekday(day)],
                "hours": hours,
                "open": hours.is_open_day,
            }
        )
    return out


def _opening_text(office: Office, now: dt.datetime) -> str:
    """«بسته است؛ شنبه ساعت ۸:۰۰ باز می‌شود» while the office is closed ("" when open now, or
    not opening within the fortnight), as the finder and the office's page say it."""
    opening = openings_of([office], now)[office.pk]
    return next_opening_text(opening, now) if opening else ""


def _fee(office: Office, service: Service, day: dt.date) -> dict[str, Any]:
    """What the citizen pays, said before booking: the booking itself costs nothing; the service's
    tariff in force that day is paid at the office (``amount`` None: no tariff set yet)."""
    tariff = tariff_in_force(office.municipality_id, service.pk, day)
    return {"amount": tariff.amount if tariff else None}


def book(request: HttpRequest, pk: int) -> HttpResponse:
    office = _office(pk)
    prefetch_related_objects([office], "weekly_hours")  # the days below and the next opening
    now = timezone.now()
    services_offered = bookable_services(office)
    service = next((s for s in services_offered if s.code == normalize_text(request.GET.get("service", ""))), None)
    sanction = office_sanction(office, tehran_today())
    context: dict[str, Any] = {
        "office": office,
        "services": services_offered,
        "service": service,
        "status": 200,
        "sanction": sanction,
        # a sanction that stops the office is told by its notice, not by a reopening time
        "next_opening": "" if sanction else _opening_text(office, now),
    }
    if service is not None:
        context["fee"] = _fee(office, service, tehran_today())
        days = _day_choices(office, now)
        context["days"] = days
        raw = request.GET.get("date")
        if raw:
            try:
                day = read_day(raw)
                check_day(day, now)
            except ApplicationError as exc:
                context["error"] = exc.message
                context["status"] = 400
            else:
                chosen = next(d for d in days if d["date"] == day)
                context["day"] = chosen
                context["slots"] = day_slots(office, service, day, now=now, hours=chosen["hours"])
    return render(request, "appointments/book.html", context, status=context["status"])


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows what will be booked; POST books it. Needs login (redirect and back)."""
    office = _office(pk)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(_book_url(office, service=request.POST.get("service")))
        return redirect_to_login(request.get_full_path())
    data = request.POST if request.method == "POST" else request.GET
    back = _book_url(office, service=data.get("service"))
    try:
        service = services.offered_service(office, data.get("service"))
        start = services.read_start(data.get("start"))
        if request.method == "POST":
            appointment = services.appointment_book(office=office, service=service, start=start, citizen=request.user)
            messages.success(request, msg.BOOKED.format(code=appointment.code))
            return redirect("appointments:detail", code=appointment.code)
        day = start.astimezone(services.TEHRAN).date()
        check_day(day)
        slot = next((x for x in day_slots(office, service, day) if x.start == start), None)
        if slot is None:
            raise ApplicationError(msg.SLOT_UNKNOWN, code="slot_unknown")
        if not slot.free:
            raise ApplicationError(msg.SLOT_FULL, code="slot_full", status=409)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        chosen = str(data.get("start", ""))[:10]
        return redirect(_book_url(office, service=data.get("service"), date=chosen) if chosen else back)
    context = {
        "office": office,
        "service": service,
        "start": start,
        "end": start + dt.timedelta(minutes=service.duration_minutes),
        "start_value": start.isoformat(),
        "fee": _fee(office, service, start.astimezone(services.TEHRAN).date()),
        "back": _book_url(office, service=service.code, date=start.astimezone(services.TEHRAN).date().isoformat()),
    }
    return render(request, "appointments/confirm.html", context)


def _with_actions(rows: list[Appointment], user: Any, now: dt.datetime) -> list[Appointment]:
    """Each row with ``actions``: the moves ``user`` may take on it now (the page's buttons)."""
    for row in rows:
        row.actions = services.actions_available(row, user, now=now)  # type: ignore[attr-defined]
    return rows


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = _with_actions(my_appointments(request.user, now=now), request.user, now)
    return render(request, "appointments/mine.html", {"rows": rows})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    appointment = own_appointment(request.user, code)
    if appointment is None:
        raise Http404
    _with_actions([appointment], request.user, timezone.now())
    return render(request, "appointments/detail.html", {"a": appointment})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks for confirmation (no script needed); POST cancels."""
    appointment = own_appointment(request.user, code)
    if appointment is None:
        raise Http404
    _with_actions([appointment], request.user, timezone.now())
    context = {"a": appointment}
    if request.method == "GET":
        return render(request, "appointments/cancel.html", context)
    try:
        services.appointment_cancel(appointment=appointment, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(request, "appointments/cancel.html", context, status=exc.status_code)
    messages.success(request, msg.CANCELLED.format(code=appointment.code))
    return redirect("appointments:mine")


def _staff_office(request: HttpRequest, pk: int) -> Office:
    if not 0 < pk < MAX_ID:
        raise Http404
    try:
        access = office_access(request.user, pk)
    except ApplicationError:
        raise Http404 from None
    if not access.is_staff:  # the municipality's readers: visible, but not theirs to work
        raise PermissionDenied
    return access.office


@login_required
def office_list(request: HttpRequest, pk: int) -> HttpResponse:
    office = _staff_office(request, pk)
    today = tehran_today()
    status = 200
    error = ""
    day = today
    raw = request.GET.get("date")
    if raw:
        try:
            day = read_day(raw)
        except ApplicationError as exc:
            error, status = exc.message, 400
    now = timezone.now()
    rows = _with_actions(office_day(office, day), request.user, now)
    context = {
        "office": office,
        "day": day,
        "weekday": WEEKDAYS[iran_weekday(day)],
        "rows": rows,
        "error": error,
        "prev": (day - dt.timedelta(days=1)).isoformat(),
        "next": (day + dt.timedelta(days=1)).isoformat(),
        "today": today,
        "counts": {s.label: sum(1 for r in rows if r.status == s) for s in AppointmentStatus},
    }
    return render(request, "appointments/office_day.html", context, status=status)


@login_required
@require_POST
def mark(request: HttpRequest, code: str) -> HttpResponse:
    appointment = appointment_by_code(code)
    if appointment is None:
        raise Http404
    try:
        services.appointment_mark(appointment=appointment, status=request.POST.get("status", ""), actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        if exc.status_code == 403:  # a reader of the office: a Persian 403 page, as the API's 403
            return render(request, "error.html", {"title": msg.FORBIDDEN_TITLE, "text": exc.message}, status=403)
        messages.error(request, exc.message)
    else:
        label = AppointmentStatus(request.POST["status"]).label
        messages.success(request, msg.MARKED.format(code=appointment.code, status=label))
    url = reverse("appointments:office_day", args=[appointment.office_id])
    return redirect(f"{url}?date={appointment.day.isoformat()}")
