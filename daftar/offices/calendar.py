"""Writes of the municipality's working calendar (S17; issue 18 §3): the hours directive, the
extended days, the declared days off and the corrections of estimated official holidays.

The municipality administrator's pages (``daftar/desk/municipal``) and the Django admin both
call these, so both check the same things. Each function asks ``policy.may_keep_calendar``,
validates, then writes its rows and one audit entry in one transaction; a bad input is a Persian
``ApplicationError`` (``fields`` names the input) and nothing is written.

The days off and holiday corrections are the municipalities app's rows; they are written here
because that app sits beside the audit log, below it, and cannot write an audit entry. Their
models' signals move the calendar cache on (``workdays.forget_days_off``) and the appointments
app cancels the bookings of a day that closes (``appointments.signals``).

Rules decided here (docs/desk.md):

* A day off, an extended day or a holiday decision is made for today or a later day, at most a
  year ahead. One that has come (today or earlier) is not withdrawn: the day has begun, its
  bookings were cancelled and legal clocks counted it.
* A day off is not declared on a Friday or an official holiday (it is closed already), nor twice.
* Only an estimated official holiday (``workdays.is_estimated``) is confirmed or cancelled. A
  cancelled one may name the day the holiday actually falls on, at most 7 days away, which must
  not be closed already; that day becomes a holiday of the municipality.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import DayOff, HolidayCorrection, Municipality
from daftar.municipalities.workdays import calendar_facts, is_estimated, official_holidays, without_estimate

from . import messages as msg
from . import policy
from .models import FRIDAY, ExtendedDay, HoursDirective, Office, iran_weekday
from .services import directive_offices_out_of_line, parse_time

HORIZON_DAYS = 366
MOVE_DAYS = 7  # the moon sighting moves a holiday by a day or two; a week is generous


def _invalid(message: str, field: str, code: str = "invalid", status: int = 400) -> ApplicationError:
    return ApplicationError(message, code=code, status=status, fields={field: [message]})


def _conflict(message: str, field: str, code: str) -> ApplicationError:
    return _invalid(message, field, code=code, status=409)


def _require_keeper(municipality_id: int, actor: Any) -> None:
    if not policy.may_keep_calendar(actor, municipality_id):
        raise policy.not_found()


def _text(raw: object, minimum: int, maximum: int, message: str, field: str) -> str:
    value = " ".join(normalize_text(str(raw if raw is not None else "")).split())
    if not minimum <= len(value) <= maximum:
        raise _invalid(message, field)
    return value


def _day(raw: object, field: str = "date") -> dt.date:
    """A date from today to a year ahead (a ``date``: the forms parse the Jalali text)."""
    if not isinstance(raw, dt.date):
        raise _invalid(msg.DATE_INVALID, field)
    today = timezone.localdate()
    if raw < today:
        raise _invalid(msg.DATE_PAST, field, code="past")
    if raw > today + dt.timedelta(days=HORIZON_DAYS):
        raise _invalid(msg.DATE_TOO_FAR, field)
    return raw


def _not_begun(day: dt.date, field: str = "date") -> None:
    if day <= timezone.localdate():
        raise _conflict(msg.PAST_NOT_REMOVABLE, field, code="begun")


def removable(day: dt.date) -> bool:
    """A declaration for ``day`` may still be withdrawn (the day has not come)."""
    return day > timezone.localdate()


def _who(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- the hours directive --------------------------------------------------------------------------


def _time(raw: object, field: str, *, required: bool) -> dt.time | None:
    if raw is None or (isinstance(raw, str) and not normalize_text(raw).strip()):
        if required:
            raise _invalid(msg.DIRECTIVE_TIME_REQUIRED, field)
        return None
    return parse_time(raw, field)


def directive_check(
    day_start: object, day_end: object, thursday_end: object, evening_start: object, evening_end: object
) -> dict[str, dt.time | None]:
    """The directive's times, parsed (any digits) and checked; a Persian error otherwise."""
    times = {
        "day_start": _time(day_start, "day_start", required=True),
        "day_end": _time(day_end, "day_end", required=True),
        "thursday_end": _time(thursday_end, "thursday_end", required=False),
        "evening_start": _time(evening_start, "evening_start", required=False),
        "evening_end": _time(evening_end, "evening_end", required=False),
    }
    start, end = times["day_start"], times["day_end"]
    assert start is not None and end is not None
    if start >= end:
        raise _invalid(msg.DIRECTIVE_DAY_ORDER, "day_end")
    thursday = times["thursday_end"]
    if thursday is not None and thursday <= start:
        raise _invalid(msg.DIRECTIVE_THURSDAY, "thursday_end")
    e_start, e_end = times["evening_start"], times["evening_end"]
    if (e_start is None) != (e_end is None):
        raise _invalid(msg.DIRECTIVE_EVENING_PAIR, "evening_end" if e_end is None else "evening_start")
    if e_start is not None and e_end is not None and (e_start >= e_end or e_start < end):
        raise _invalid(msg.DIRECTIVE_EVENING_ORDER, "evening_start")
    return times


def directive_update(
    *, municipality: Municipality, actor: Any, **raw: object
) -> tuple[HoursDirective, list[str], list[tuple[Office, str]]]:
    """Save the municipality's directive. Returns it, the fields that changed and the offices
    whose weekly hours now lie outside it; when it changed, their managers are sent an SMS
    (``services.directive_offices_out_of_line``, as the admin does)."""
    _require_keeper(municipality.pk, actor)
    fields = ("day_start", "day_end", "thursday_end", "evening_start", "evening_end")
    times = directive_check(*(raw.get(name) for name in fields))
    with transaction.atomic():
        directive = HoursDirective.objects.select_for_update().filter(municipality=municipality).first()
        directive = directive or HoursDirective(municipality=municipality)
        changed = [name for name in fields if directive.pk is None or getattr(directive, name) != times[name]]
        for name in fields:
            setattr(directive, name, times[name])
        directive.save()
        audit_record(
            actor=actor,
            action="office.directive_update",
            obj=directive,
            municipality=municipality,
            data={"changed": changed, **{k: v.strftime("%H:%M") if v else None for k, v in times.items()}},
        )
        out = directive_offices_out_of_line(municipality_id=municipality.pk, notify=bool(changed), actor=actor)
    return directive, changed, out


# --- extended days --------------------------------------------------------------------------------


def extended_day_check(
    *, municipality: Municipality, date: object, start: object, end: object, title: object, actor: Any
) -> tuple[dt.date, dt.time, dt.time, str]:
    """The extended day's date, window and title, checked (the page and the admin alike)."""
    _require_keeper(municipality.pk, actor)
    day = _day(date)
    opens, closes = parse_time(start, "start"), parse_time(end, "end")
    if opens >= closes:
        raise _invalid(msg.EXTENDED_ORDER, "end")
    text = _text(title, 3, 128, msg.EXTENDED_TITLE, "title")
    if ExtendedDay.objects.filter(municipality=municipality, date=day).exists():
        raise _conflict(msg.EXTENDED_EXISTS, "date", code="extended_exists")
    return day, opens, closes, text


def extended_day_add(
    *, municipality: Municipality, date: object, start: object, end: object, title: object, actor: Any
) -> ExtendedDay:
    """Every office of the municipality may open ``start``–``end`` on ``date``."""
    with transaction.atomic():
        day, opens, closes, text = extended_day_check(
            municipality=municipality, date=date, start=start, end=end, title=title, actor=actor
        )
        row = ExtendedDay.objects.create(municipality=municipality, date=day, start=opens, end=closes, title=text)
        audit_record(
            actor=actor,
            action="office.extended_day_add",
            obj=row,
            municipality=municipality,
            data={"date": day.isoformat(), "start": f"{opens:%H:%M}", "end": f"{closes:%H:%M}", "title": text},
        )
    return row


def extended_day_remove(*, row: ExtendedDay, actor: Any) -> None:
    """Withdraw an extended day that has not come (bookings outside the usual hours go)."""
    _require_keeper(row.municipality_id, actor)
    _not_begun(row.date)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="office.extended_day_remove",
            obj=row,
            municipality=row.municipality,
            data={"date": row.date.isoformat(), "title": row.title},
        )
        row.delete()


# --- days off -------------------------------------------------------------------------------------


def _closed_name(municipality_id: int, day: dt.date) -> str:
    """Why ``day`` is closed already in the municipality ("" when it is not)."""
    if iran_weekday(day) == FRIDAY:
        return "جمعه"
    facts = calendar_facts(municipality_id)
    holiday = facts.holiday(day)
    if holiday:
        return holiday
    declared = DayOff.objects.filter(municipality_id=municipality_id, date=day).first()
    return declared.title if declared else ""


def day_off_check(*, municipality: Municipality, date: object, title: object, actor: Any) -> tuple[dt.date, str]:
    """The day off's date and title, checked (the page and the admin alike)."""
    _require_keeper(municipality.pk, actor)
    day = _day(date)
    text = _text(title, 3, 128, msg.DAY_OFF_TITLE, "title")
    if iran_weekday(day) == FRIDAY:
        raise _invalid(msg.DAY_OFF_FRIDAY, "date", code="closed_already")
    holiday = calendar_facts(municipality.pk).holiday(day)
    if holiday:
        raise _invalid(msg.DAY_OFF_HOLIDAY.format(name=holiday), "date", code="closed_already")
    if DayOff.objects.filter(municipality=municipality, date=day).exists():
        raise _conflict(msg.DAY_OFF_EXISTS, "date", code="day_off_exists")
    return day, text


def day_off_declare(*, municipality: Municipality, date: object, title: object, actor: Any) -> DayOff:
    """The municipality is closed on ``date`` (legal clocks skip it, offices close, that day's
    bookings are cancelled and their citizens told)."""
    with transaction.atomic():
        day, text = day_off_check(municipality=municipality, date=date, title=title, actor=actor)
        row = DayOff.objects.create(municipality=municipality, date=day, title=text)
        audit_record(
            actor=actor,
            action="municipality.day_off_declare",
            obj=row,
            municipality=municipality,
            data={"date": day.isoformat(), "date_jalali": to_jalali(day, digits=False), "title": text},
        )
    return row


def day_off_remove(*, row: DayOff, actor: Any) -> None:
    """Withdraw a declared day off that has not come: it is a working day again."""
    _require_keeper(row.municipality_id, actor)
    _not_begun(row.date)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="municipality.day_off_remove",
            obj=row,
            municipality=row.municipality,
            data={"date": row.date.isoformat(), "title": row.title},
        )
        row.delete()


# --- estimated official holidays ------------------------------------------------------------------


def _estimated_holiday(municipality: Municipality, date: object) -> tuple[dt.date, str]:
    day = _day(date)
    name = official_holidays(day.year).get(day, "")
    if not name or not is_estimated(name):
        raise _invalid(msg.HOLIDAY_NOT_ESTIMATED, "date", code="not_estimated")
    if HolidayCorrection.objects.filter(municipality=municipality, holiday_date=day).exists():
        raise _conflict(msg.HOLIDAY_CORRECTED, "date", code="corrected")
    return day, without_estimate(name)


def _record(correction: HolidayCorrection, actor: Any, action: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=correction,
        municipality=correction.municipality,
        data={
            "holiday_date": correction.holiday_date.isoformat(),
            "title": correction.title,
            "kind": correction.kind,
            "actual_date": correction.actual_date.isoformat() if correction.actual_date else None,
            "reason": correction.reason,
        },
    )


def holiday_confirm(*, municipality: Municipality, date: object, actor: Any) -> HolidayCorrection:
    """The estimate stands: the holiday is kept and no longer waits for a decision."""
    _require_keeper(municipality.pk, actor)
    with transaction.atomic():
        day, title = _estimated_holiday(municipality, date)
        correction = HolidayCorrection.objects.create(
            municipality=municipality,
            holiday_date=day,
            title=title,
            kind=HolidayCorrection.Kind.CONFIRMED,
            created_by=_who(actor),
        )
        _record(correction, actor, "municipality.holiday_confirm")
    return correction


def holiday_cancel(
    *, municipality: Municipality, date: object, reason: object, actual_date: object = None, actor: Any
) -> HolidayCorrection:
    """The estimated day is a working day here after all; the holiday falls on ``actual_date``
    (when given) instead, which closes (its bookings are cancelled, legal clocks skip it)."""
    _require_keeper(municipality.pk, actor)
    text = _text(reason, 5, 300, msg.HOLIDAY_REASON, "reason")
    with transaction.atomic():
        day, title = _estimated_holiday(municipality, date)
        actual = None
        if actual_date not in (None, ""):
            actual = _day(actual_date, "actual_date")
            if actual == day:
                raise _invalid(msg.HOLIDAY_ACTUAL_SAME, "actual_date")
            if abs((actual - day).days) > MOVE_DAYS:
                raise _invalid(msg.HOLIDAY_ACTUAL_FAR, "actual_date")
            closed = _closed_name(municipality.pk, actual)
            if closed:
                raise _invalid(msg.HOLIDAY_ACTUAL_CLOSED.format(name=closed), "actual_date", code="closed_already")
        correction = HolidayCorrection.objects.create(
            municipality=municipality,
            holiday_date=day,
            title=title,
            kind=HolidayCorrection.Kind.CANCELLED,
            actual_date=actual,
            reason=text,
            created_by=_who(actor),
        )
        _record(correction, actor, "municipality.holiday_cancel")
    return correction


def holiday_correction_remove(*, correction: HolidayCorrection, actor: Any) -> None:
    """Withdraw a decision before its days come: the package's estimate applies again."""
    _require_keeper(correction.municipality_id, actor)
    _not_begun(correction.holiday_date)
    if correction.actual_date is not None:
        _not_begun(correction.actual_date)
    with transaction.atomic():
        _record(correction, actor, "municipality.holiday_correction_remove")
        correction.delete()
