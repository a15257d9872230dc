"""The municipality administrator's calendar pages (issue 18 §3), replacing the Django admin for
them: the hours directive (S17), extended days, declared days off and the decisions on the
official holidays the ``holidays`` package only estimated.

Who may: ``offices.policy.may_keep_calendar`` (the municipality's administrator). Without the
role anywhere a list page is a Persian 403; a row of another municipality (or of none) is the
404 of a nonexistent id. Every write goes through ``offices.calendar`` (checked there, audited,
shared with the Django admin); consequential ones ask for a confirmation that says what will
happen first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import jdatetime
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.municipalities.models import DayOff, HolidayCorrection, Municipality
from daftar.municipalities.workdays import (
    is_estimated,
    official_holidays,
    official_holidays_between,
    partly_estimated,
    without_estimate,
)
from daftar.offices import calendar as cal
from daftar.offices import policy as office_policy
from daftar.offices.models import WEEKDAYS, ExtendedDay, directive_for, iran_weekday
from daftar.offices.services import directive_offices_out_of_line

from .calendar_forms import DayOffForm, DirectiveForm, ExtendedDayForm, HolidayCancelForm

GET_POST = require_http_methods(["GET", "POST"])
PAST_NOT_REMOVABLE = "روزی که رسیده یا گذشته است را نمی‌توان پس گرفت."
PAST_SHOWN = 20


# --- which municipality ---------------------------------------------------------------------------


def municipality_for(
    request: HttpRequest, ids_of: Callable[[Any], set[int] | None]
) -> tuple[Municipality, list[Municipality]]:
    """The municipality the page is about and those the user may choose among. Without the role
    anywhere: 403. ``municipality`` (query or form) picks one of several; another's id: 404."""
    ids = ids_of(request.user)
    if ids is not None and not ids:
        raise PermissionDenied
    choices = Municipality.objects.order_by("name")
    if ids is not None:
        choices = choices.filter(pk__in=ids)
    options = list(choices)
    raw = normalize_text(str(request.POST.get("municipality") or request.GET.get("municipality") or "")).strip()
    if raw:
        chosen = next((m for m in options if str(m.pk) == raw), None)
        if chosen is None:
            raise Http404
        return chosen, options
    if not options:
        raise PermissionDenied
    return options[0], options


def own_row(request: HttpRequest, model: type[Model], pk: int, ids_of: Callable[[Any], set[int] | None]) -> Any:
    """The row ``pk`` of a municipality the user keeps; anything else is the not-found page."""
    ids = ids_of(request.user)
    rows = model._default_manager.select_related("municipality").filter(pk=pk)  # type: ignore[attr-defined]
    if ids is not None:
        rows = rows.filter(municipality_id__in=ids)
    row = rows.first()
    if row is None:
        raise Http404
    return row


def page_url(name: str, municipality: Municipality, options: list[Municipality], **query: Any) -> str:
    """A page of this area, naming the municipality only when the user keeps several."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    if len(options) > 1:
        params["municipality"] = municipality.pk
    url = reverse(f"municipal:{name}")
    return f"{url}?{urlencode(params)}" if params else url


def _context(
    request: HttpRequest, municipality: Municipality, options: list[Municipality], **extra: Any
) -> dict[str, Any]:
    return {"municipality": municipality, "municipalities": options, "many_municipalities": len(options) > 1, **extra}


def _bookings_on(municipality_id: int, day: dt.date) -> int:
    """The bookings a closed day cancels: those of the day not yet started (as the reconcile
    cancels them; today's earlier ones are left as they are)."""
    return Appointment.objects.filter(
        office__municipality_id=municipality_id, day=day, status=AppointmentStatus.BOOKED, start__gt=timezone.now()
    ).count()


def _weekday(day: dt.date) -> str:
    return WEEKDAYS[iran_weekday(day)]


# --- the hours directive --------------------------------------------------------------------------


def _directive_initial(municipality: Municipality) -> dict[str, Any]:
    directive = directive_for(municipality.pk)
    names = ("day_start", "day_end", "thursday_end", "evening_start", "evening_end")
    return {name: getattr(directive, name) for name in names}


@login_required
@GET_POST
def hours(request: HttpRequest) -> HttpResponse:
    municipality, options = municipality_for(request, office_policy.calendar_municipalities)
    status = 200
    if request.method == "POST":
        form = DirectiveForm(request.POST)
        if form.is_valid():
            try:
                _directive, changed, out = cal.directive_update(
                    municipality=municipality, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                errors_to_form(form, exc)
                status = exc.status_code
            else:
                if not changed:
                    messages.info(request, "دستورالعمل تغییری نکرد.")
                elif out:
                    messages.warning(
                        request,
                        f"دستورالعمل ذخیره شد. ساعات کار {persian_digits(len(out))} دفتر بیرون از آن است "
                        "و به مدیرانشان پیامک شد که ساعات را اصلاح کنند.",
                    )
                else:
                    messages.success(request, "دستورالعمل ذخیره شد. ساعات کار همهٔ دفترها درون آن است.")
                return redirect(page_url("hours", municipality, options))
        else:
            status = 400
    else:
        form = DirectiveForm(initial=_directive_initial(municipality))
    directive = directive_for(municipality.pk)
    out_now = directive_offices_out_of_line(municipality_id=municipality.pk, notify=False, actor=request.user)
    context = _context(
        request,
        municipality,
        options,
        form=form,
        directive=directive,
        saved=directive.pk is not None,
        out_of_line=[{"office": office, "problem": problem} for office, problem in out_now],
        area="hours",
    )
    return render(request, "desk/municipal/hours.html", context, status=status)


# --- extended days --------------------------------------------------------------------------------


@login_required
@GET_POST
def extended_days(request: HttpRequest) -> HttpResponse:
    municipality, options = municipality_for(request, office_policy.calendar_municipalities)
    status = 200
    form = (
        ExtendedDayForm(request.POST)
        if request.method == "POST"
        else ExtendedDayForm(initial={"start": dt.time(8), "end": dt.time(20)})
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                row = cal.extended_day_add(municipality=municipality, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                errors_to_form(form, exc)
                status = exc.status_code
            else:
                messages.success(request, f"ساعت کار تمدیدی {to_jalali(row.date)} ثبت شد.")
                return redirect(page_url("extended_days", municipality, options))
        else:
            status = 400
    today = timezone.localdate()
    rows = ExtendedDay.objects.filter(municipality=municipality)
    upcoming = [
        {"row": r, "weekday": _weekday(r.date), "removable": cal.removable(r.date)}
        for r in rows.filter(date__gte=today).order_by("date")
    ]
    past = list(rows.filter(date__lt=today).order_by("-date")[:PAST_SHOWN])
    context = _context(request, municipality, options, form=form, upcoming=upcoming, past=past, area="extended")
    return render(request, "desk/municipal/extended_days.html", context, status=status)


@login_required
@GET_POST
def extended_day_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = own_row(request, ExtendedDay, pk, office_policy.calendar_municipalities)
    back = reverse("municipal:extended_days")
    if request.method == "POST":
        done = f"ساعت کار تمدیدی {to_jalali(row.date)} پس گرفته شد."
        return _act_and_return(request, lambda: cal.extended_day_remove(row=row, actor=request.user), done, back)
    window = f"{persian_digits(row.start.strftime('%H:%M'))} تا {persian_digits(row.end.strftime('%H:%M'))}"
    booked = persian_digits(_bookings_on(row.municipality_id, row.date))
    lines = [
        f"ساعت کار تمدیدی «{row.title}» در {_weekday(row.date)} {to_jalali(row.date)} ({window}) پس گرفته می‌شود.",
        "دفترها آن روز فقط در ساعات معمول خود باز خواهند بود؛ نوبت‌هایی که بیرون از آن ساعات گرفته شده لغو و به "
        f"شهروندانشان پیامک می‌شود (اکنون {booked} نوبت برای آن روز ثبت است).",
    ]
    return _confirm(
        request, "پس گرفتن ساعت کار تمدیدی", lines, "پس گرفتن", back, refusal=_refusal(cal.removable(row.date))
    )


def _act_and_return(request: HttpRequest, act: Callable[[], object], done: str, back: str) -> HttpResponse:
    """The confirmed removal: ``act()``, then back to the list with ``done`` or the refusal."""
    try:
        act()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


def _confirm(
    request: HttpRequest, title: str, lines: list[str], button: str, back: str, *, refusal: str = ""
) -> HttpResponse:
    """What will happen, and the button that does it; or, when it cannot be done, why (409)."""
    context: dict[str, Any] = {"title": title, "lines": [refusal] if refusal else lines, "button": button}
    context.update(back=back, removable=not refusal)
    return render(request, "desk/municipal/confirm.html", context, status=409 if refusal else 200)


def _refusal(removable: bool) -> str:
    return "" if removable else PAST_NOT_REMOVABLE


# --- days off and holidays ------------------------------------------------------------------------


def _jalali_year(raw: str) -> int:
    today_year = jdatetime.date.fromgregorian(date=timezone.localdate()).year
    try:
        year = int(normalize_text(raw or "").strip() or today_year)
    except ValueError:
        return today_year
    return year if today_year - 5 <= year <= today_year + 5 else today_year


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    return first, last


def holiday_rows(municipality: Municipality, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The official holidays between ``first`` and ``last`` with the municipality's decisions
    on the estimated ones, and the actual days of those it moved."""
    today = timezone.localdate()
    corrections = {
        c.holiday_date: c
        for c in HolidayCorrection.objects.filter(municipality=municipality).select_related("created_by")
    }
    rows: list[dict[str, Any]] = []
    for day, name in official_holidays_between(first, last).items():
        correction = corrections.get(day)
        estimated = is_estimated(name)
        rows.append(
            {
                "date": day,
                "weekday": _weekday(day),
                "name": without_estimate(name),
                "estimated": estimated,
                "partly": partly_estimated(name),
                "correction": correction,
                "decidable": estimated and correction is None and day >= today,
                "withdrawable": correction is not None
                and cal.removable(correction.holiday_date)
                and (correction.actual_date is None or cal.removable(correction.actual_date)),
                "moved": False,
            }
        )
    for correction in corrections.values():
        if correction.actual_date and first <= correction.actual_date <= last:
            rows.append(
                {
                    "date": correction.actual_date,
                    "weekday": _weekday(correction.actual_date),
                    "name": correction.title,
                    "estimated": False,
                    "partly": False,
                    "correction": correction,
                    "decidable": False,
                    "withdrawable": False,
                    "moved": True,
                }
            )
    rows.sort(key=lambda r: r["date"])
    return rows


@login_required
@GET_POST
def days_off(request: HttpRequest) -> HttpResponse:
    """The Jalali year's official holidays (estimated ones marked, with the decisions taken)
    and the municipality's declared days off; declaring one asks for a confirmation first."""
    municipality, options = municipality_for(request, office_policy.calendar_municipalities)
    status, pending = 200, None
    form = DayOffForm(request.POST) if request.method == "POST" else DayOffForm()
    year = _jalali_year(request.GET.get("year", ""))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("confirm") == "1":
                    row = cal.day_off_declare(municipality=municipality, actor=request.user, **data)
                    messages.success(request, f"{_weekday(row.date)} {to_jalali(row.date)} تعطیل اعلام شد.")
                    return redirect(page_url("days_off", municipality, options))
                day, title = cal.day_off_check(municipality=municipality, actor=request.user, **data)
            except ApplicationError as exc:
                errors_to_form(form, exc)
                status = exc.status_code
            else:
                pending = {
                    "date": day,
                    "date_value": to_jalali(day, digits=False),
                    "weekday": _weekday(day),
                    "title": title,
                    "bookings": _bookings_on(municipality.pk, day),
                }
                year = jdatetime.date.fromgregorian(date=day).year
        else:
            status = 400
    first, last = _year_bounds(year)
    declared = [
        {"row": d, "weekday": _weekday(d.date), "removable": cal.removable(d.date)}
        for d in DayOff.objects.filter(municipality=municipality, date__range=(first, last)).order_by("date")
    ]
    context = _context(
        request,
        municipality,
        options,
        form=form,
        pending=pending,
        year=year,
        previous_url=page_url("days_off", municipality, options, year=year - 1),
        next_url=page_url("days_off", municipality, options, year=year + 1),
        holidays=holiday_rows(municipality, first, last),
        declared=declared,
        today=timezone.localdate(),
        area="days_off",
    )
    return render(request, "desk/municipal/days_off.html", context, status=status)


@login_required
@GET_POST
def day_off_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = own_row(request, DayOff, pk, office_policy.calendar_municipalities)
    back = reverse("municipal:days_off")
    if request.method == "POST":
        done = f"تعطیلی {to_jalali(row.date)} پس گرفته شد؛ آن روز روز کاری است."
        return _act_and_return(request, lambda: cal.day_off_remove(row=row, actor=request.user), done, back)
    lines = [
        f"تعطیلی «{row.title}» در {_weekday(row.date)} {to_jalali(row.date)} پس گرفته می‌شود.",
        "آن روز دوباره روز کاری است: دفترها در ساعات معمول خود باز می‌شوند و مهلت‌های قانونی آن را می‌شمارند. "
        "نوبت‌هایی که برای تعطیلی لغو شده بود بازنمی‌گردد.",
    ]
    return _confirm(
        request, "پس گرفتن تعطیلی", lines, "پس گرفتن تعطیلی", back, refusal=_refusal(cal.removable(row.date))
    )


# the years the Jalali calendar, the holidays package and the pages can draw
HOLIDAY_YEARS = range(1900, 2200)


def _holiday_date(raw: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(normalize_text(raw or "").strip())
    except ValueError:
        return None
    return day if day.year in HOLIDAY_YEARS else None


@login_required
@GET_POST
def holiday_decide(request: HttpRequest) -> HttpResponse:
    """Confirm an estimated holiday, or cancel it (the day is a working day) and name the day it
    actually falls on. ``date`` (ISO, in the query) names the holiday."""
    municipality, options = municipality_for(request, office_policy.calendar_municipalities)
    day = _holiday_date(request.GET.get("date", ""))
    name = official_holidays(day.year).get(day, "") if day else ""
    back = page_url("days_off", municipality, options, year=jdatetime.date.fromgregorian(date=day).year if day else "")
    confirming = request.POST.get("action") == "confirm"
    form = HolidayCancelForm(request.POST) if request.method == "POST" and not confirming else HolidayCancelForm()
    status, error = 200, ""
    decided = HolidayCorrection.objects.filter(municipality=municipality, holiday_date=day).first() if day else None
    if not day or not name or not is_estimated(name):
        status, error = 400, "در این روز تعطیل رسمیِ تخمینی نیست؛ فقط تعطیلات تخمینی را می‌توان تأیید یا لغو کرد."
    elif decided is not None:
        status, error = 409, "برای این تعطیل پیش‌تر تصمیم ثبت شده است."
    elif day < timezone.localdate():
        status, error = 400, "این روز گذشته است؛ دربارهٔ روزهای گذشته نمی‌توان تصمیم گرفت."
    elif request.method == "POST" and not confirming and not form.is_valid():
        status = 400
    elif request.method == "POST":
        try:
            if confirming:
                cal.holiday_confirm(municipality=municipality, date=day, actor=request.user)
                messages.success(request, f"تعطیل {to_jalali(day)} ({without_estimate(name)}) تأیید شد.")
                return redirect(back)
            correction = cal.holiday_cancel(
                municipality=municipality, date=day, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            errors_to_form(form, exc)
            status = exc.status_code
        else:
            text = f"تعطیل تخمینی {to_jalali(day)} لغو شد و آن روز روز کاری است."
            if correction.actual_date:
                text += f" {_weekday(correction.actual_date)} {to_jalali(correction.actual_date)} به جای آن تعطیل است."
            messages.success(request, text)
            return redirect(back)
    context = _context(
        request,
        municipality,
        options,
        day=day if name else None,
        weekday=_weekday(day) if day and name else "",
        name=without_estimate(name) if name else "",
        error=error,
        form=form,
        back=back,
        bookings=_bookings_on(municipality.pk, day) if day and name else 0,
        area="days_off",
    )
    return render(request, "desk/municipal/holiday_decide.html", context, status=status)


@login_required
@GET_POST
def holiday_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    correction = own_row(request, HolidayCorrection, pk, office_policy.calendar_municipalities)
    back = reverse("municipal:days_off")
    if request.method == "POST":
        done = f"تصمیم دربارهٔ تعطیل {to_jalali(correction.holiday_date)} پس گرفته شد."
        remove = lambda: cal.holiday_correction_remove(correction=correction, actor=request.user)  # noqa: E731
        return _act_and_return(request, remove, done, back)
    day = correction.holiday_date
    lines = [f"تصمیم دربارهٔ «{correction.title}» ({_weekday(day)} {to_jalali(day)}) پس گرفته می‌شود."]
    if correction.kind == HolidayCorrection.Kind.CANCELLED:
        lines.append(
            f"{to_jalali(day)} دوباره تعطیل رسمی (تخمینی) است و نوبت‌های آن روز لغو و به شهروندانشان پیامک می‌شود "
            f"(اکنون {persian_digits(_bookings_on(correction.municipality_id, day))} نوبت ثبت است)."
        )
        if correction.actual_date:
            lines.append(f"{to_jalali(correction.actual_date)} دیگر تعطیل نیست.")
    else:
        lines.append("این تعطیل دوباره در فهرست تعطیلات تخمینیِ در انتظار تصمیم می‌آید.")
    removable = cal.removable(day) and (correction.actual_date is None or cal.removable(correction.actual_date))
    return _confirm(request, "پس گرفتن تصمیم دربارهٔ تعطیل", lines, "پس گرفتن تصمیم", back, refusal=_refusal(removable))
