"""Writes of the offices app (S11.3, S17): the office's profile, its staff, its weekly hours and
its closures. Every function checks who acts, runs in one transaction and writes an audit entry
(``office.<action>``); a bad input is a Persian ``ApplicationError`` and changes nothing.

Who may act is answered by ``policy`` (the pages and the API ask ``policy.office_access``
first; the services ask again so that no caller can forget):

* ``office_create``: the municipality administrator of the office's municipality (or the
  system: ``actor=None`` for the demo data and migrations).
* ``office_update``: the office's manager or the municipality administrator (not of an office
  they work at themselves).
* staff, weekly hours, closures: the office's manager (S17: the manager publishes the hours,
  which must lie within the municipality's directive).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from daftar.accounts.services import user_get_or_create
from daftar.audit.services import audit_record
from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_age, parse_date, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.kernel.validators import normalize_mobile
from daftar.municipalities.models import District, Municipality
from daftar.notifications.services import notify as notify_sms  # ``notify`` is a flag below
from daftar.rules.constants import EQUIPMENT
from daftar.runtime import pagecache

from . import messages as msg
from . import policy, sms
from .events import CountersInUse, HoursChanged
from .hours import check_schedule
from .models import Degree, Office, OfficeClosure, OfficeStaff, StaffRole, WeeklyHours

# Iran's bounding box (degrees): a point outside it is a typing error, not an office.
IRAN_LAT = (25.0, 40.0)
IRAN_LNG = (44.0, 63.5)
MAX_COUNTERS = 50
MAX_INTERVALS = 21  # three a day is plenty
CLOSURE_HORIZON_DAYS = 366
# What office_update may change. Not the municipality nor the district: an office's
# transactions are counted in its district's reports, so moving is a new office (review #8).
PROFILE_FIELDS = ("name", "address", "phone", "lat", "lng", "counters", "equipment")
FIXED_FIELDS = ("municipality", "district")
# Days the managers of an office get to bring their hours inside a narrowed directive (example).
DIRECTIVE_ADJUST_DAYS = 7
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::00)?$")


def _invalid(message: str, field: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


def _require_manager(office: Office, actor: Any) -> None:
    if not policy.may_manage(actor, office):
        raise policy.forbidden()


# --- parsing what people type ---------------------------------------------------------------


def _text(raw: object, minimum: int, maximum: int, message: str, field: str) -> str:
    value = " ".join(normalize_text(str(raw if raw is not None else "")).split())
    if not minimum <= len(value) <= maximum:
        raise _invalid(message, field)
    return value


def _phone(raw: object) -> str:
    value = re.sub(r"[\s\-()]", "", normalize_text(str(raw or "")))
    if value and not re.fullmatch(r"[0-9]{8,11}", value):
        raise _invalid(msg.PHONE_INVALID, "phone")
    return value


def _coordinate(raw: object, bounds: tuple[float, float], field: str) -> float:
    if isinstance(raw, bool):
        raise _invalid(msg.LOCATION_INVALID, field)
    try:
        value = float(normalize_text(str(raw)).replace("٫", "."))
    except (TypeError, ValueError):
        raise _invalid(msg.LOCATION_INVALID, field) from None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        raise _invalid(msg.LOCATION_INVALID, field)
    return value


def _counters(raw: object) -> int:
    if isinstance(raw, bool):
        raise _invalid(msg.COUNTERS_INVALID, "counters")
    try:
        value = int(normalize_text(str(raw)))
    except (TypeError, ValueError):
        raise _invalid(msg.COUNTERS_INVALID, "counters") from None
    if not 1 <= value <= MAX_COUNTERS:
        raise _invalid(msg.COUNTERS_INVALID, "counters")
    return value


def _equipment(raw: object) -> list[str]:
    items = raw if isinstance(raw, list | tuple | set | frozenset) else [raw] if raw else []
    codes = [normalize_text(str(i)).strip() for i in items]
    if any(code not in EQUIPMENT for code in codes):
        raise _invalid(msg.EQUIPMENT_INVALID.format(allowed="، ".join(EQUIPMENT)), "equipment")
    return [code for code in EQUIPMENT if code in codes]  # the catalogue's order, no duplicates


def _district(raw: object, municipality_id: int) -> District:
    if isinstance(raw, District):
        district = raw if raw.municipality_id == municipality_id else None
    else:
        try:
            district = District.objects.filter(
                pk=int(normalize_text(str(raw))), municipality_id=municipality_id
            ).first()
        except (TypeError, ValueError):
            district = None
    if district is None:
        raise _invalid(msg.DISTRICT_INVALID, "district")
    return district


def parse_time(raw: object, field: str = "hours") -> dt.time:
    """``08:00``, ``8:00``, ``۰۸:۰۰`` or a ``time``; a Persian error otherwise."""
    if isinstance(raw, dt.time):
        return raw.replace(second=0, microsecond=0)
    text = normalize_text(str(raw if raw is not None else "")).strip()
    match = _TIME.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise _invalid(msg.TIME_INVALID.format(value=persian_digits(text[:10])), field)
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_hours(rows: object) -> list[tuple[int, dt.time, dt.time]]:
    """A weekly schedule as typed: ``[{"weekday": 0, "start": "08:00", "end": "14:00"}, …]``
    (or tuples), each weekday 0 (Saturday) … 6 (Friday)."""
    if not isinstance(rows, list | tuple):
        raise _invalid(msg.HOURS_INVALID, "hours")
    if len(rows) > MAX_INTERVALS:
        raise _invalid(msg.HOURS_TOO_MANY, "hours")
    out = []
    for row in rows:
        if isinstance(row, dict):
            weekday, start, end = row.get("weekday"), row.get("start"), row.get("end")
        elif isinstance(row, list | tuple) and len(row) == 3:
            weekday, start, end = row
        else:
            raise _invalid(msg.HOURS_INVALID, "hours")
        if isinstance(weekday, bool):
            raise _invalid(msg.HOURS_INVALID, "hours")
        try:
            day = int(normalize_text(str(weekday)))
        except (TypeError, ValueError):
            raise _invalid(msg.HOURS_INVALID, "hours") from None
        if not 0 <= day <= 6:
            raise _invalid(msg.HOURS_INVALID, "hours")
        out.append((day, parse_time(start), parse_time(end)))
    return out


def _closure_date(raw: object) -> dt.date:
    try:
        return parse_date(raw)
    except (ValidationError, TypeError, ValueError, OverflowError):
        raise _invalid(msg.CLOSURE_DATE_INVALID, "date") from None


# --- the office -------------------------------------------------------------------------------


def _profile(municipality_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Validated profile fields among ``PROFILE_FIELDS`` present in ``data``."""
    clean: dict[str, Any] = {}
    if "name" in data:
        clean["name"] = _text(data["name"], 3, 200, msg.NAME_REQUIRED, "name")
    if "address" in data:
        clean["address"] = _text(data["address"], 10, 400, msg.ADDRESS_REQUIRED, "address")
    if "phone" in data:
        clean["phone"] = _phone(data["phone"])
    if "lat" in data:
        clean["lat"] = _coordinate(data["lat"], IRAN_LAT, "lat")
    if "lng" in data:
        clean["lng"] = _coordinate(data["lng"], IRAN_LNG, "lng")
    if "district" in data:
        clean["district"] = _district(data["district"], municipality_id)
    if "counters" in data:
        clean["counters"] = _counters(data["counters"])
    if "equipment" in data:
        clean["equipment"] = _equipment(data["equipment"])
    return clean


def _audit_value(value: Any) -> Any:
    if isinstance(value, District):
        return value.pk
    return value


def office_create(
    *,
    municipality: Municipality,
    district: District | int,
    name: str,
    address: str,
    lat: float | str,
    lng: float | str,
    phone: str = "",
    counters: int | str = 2,
    equipment: Iterable[str] = (),
    licence: Any = None,
    actor: Any,
) -> Office:
    """A new office of ``municipality`` (S11.3: counters and equipment on record)."""
    if not policy.may_administer(actor, municipality.pk):
        raise policy.forbidden()
    data = {
        "name": name,
        "address": address,
        "phone": phone,
        "lat": lat,
        "lng": lng,
        "district": district,
        "counters": counters,
        "equipment": list(equipment),
    }
    clean = _profile(municipality.pk, data)
    with transaction.atomic():
        if licence is not None and Office.objects.filter(licence=licence).exists():
            raise _invalid(msg.LICENCE_TAKEN, "licence")
        office = Office.objects.create(municipality=municipality, licence=licence, **clean)
        audit_record(
            actor=actor,
            action="office.create",
            obj=office,
            municipality=municipality,
            data={k: _audit_value(v) for k, v in clean.items()} | {"licence": getattr(licence, "number", None)},
        )
    return office


def office_update(*, office: Office, actor: Any, **changes: Any) -> Office:
    """Change profile fields (``PROFILE_FIELDS``); only the ones given are touched."""
    if not policy.may_update_profile(actor, office):
        raise policy.forbidden()
    fixed = sorted(set(changes) & set(FIXED_FIELDS))
    if fixed:
        raise _invalid(msg.LOCATION_FIXED, fixed[0], code="fixed")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise _invalid(msg.NOTHING_TO_CHANGE, sorted(unknown)[0])
    clean = _profile(office.municipality_id, changes)
    with transaction.atomic():
        locked = Office.objects.select_for_update().get(pk=office.pk)
        if "counters" in clean and clean["counters"] < locked.counters:
            _counters_free(locked, clean["counters"])
        before = {k: _audit_value(getattr(locked, k)) for k in clean}
        for key, value in clean.items():
            setattr(locked, key, value)
        after = {k: _audit_value(v) for k, v in clean.items()}
        changed = {k: [before[k], after[k]] for k in clean if before[k] != after[k]}
        if changed:
            locked.save(update_fields=[*clean.keys()])
            audit_record(
                actor=actor, action="office.update", obj=locked, municipality=office.municipality, data=changed
            )
    return locked


def _counters_free(office: Office, counters: int) -> None:
    """Refuse (409) fewer counters while a live booking not yet over holds a higher one (#9)."""
    count = sum(events.emit(CountersInUse(office=office, above=counters)))
    if count:
        message = msg.COUNTERS_IN_USE.format(counters=persian_digits(counters), count=persian_digits(count))
        raise ApplicationError(message, code="counters_in_use", status=409, fields={"counters": [message]})


# --- staff -------------------------------------------------------------------------------------


def qualifications(
    *, role: str, degree: object = "", field_of_study: object = "", birth_date: object = "", known: Any = None
) -> dict[str, Any]:
    """The technical manager's degree, field and birth date, checked (P4: a related degree, aged
    ``OFFICE_TECHNICAL_MANAGER_AGE`` today); empty for another role, which keeps none."""
    if role != StaffRole.TECHNICAL:
        return {"degree": "", "field_of_study": "", "birth_date": None}
    degree_text = normalize_text(str(degree or "")).strip()
    if not degree_text:
        raise _invalid(msg.DEGREE_REQUIRED, "degree")
    if degree_text not in Degree.values:
        raise _invalid(msg.DEGREE_INVALID, "degree")
    field_text = normalize_text(str(field_of_study or "")).strip()
    if len(field_text) < 3:
        raise _invalid(msg.FIELD_REQUIRED, "field_of_study")
    if len(field_text) > 120:
        raise _invalid(msg.FIELD_TOO_LONG, "field_of_study")
    if not str(birth_date or "").strip():
        raise _invalid(msg.BIRTH_DATE_REQUIRED, "birth_date")
    try:
        born = parse_date(birth_date)
    except ValidationError:
        raise _invalid(msg.BIRTH_DATE_INVALID, "birth_date") from None
    age = jalali_age(born, timezone.localdate())
    youngest, oldest = settings.OFFICE_TECHNICAL_MANAGER_AGE
    # checked when the date is given: correcting the field of a manager who has since grown older
    # than the range is still possible
    if born != known and not youngest <= age <= oldest:
        message = msg.TECHNICAL_AGE.format(
            min=persian_digits(youngest), max=persian_digits(oldest), age=persian_digits(max(age, 0))
        )
        raise _invalid(message, "birth_date")
    return {"degree": degree_text, "field_of_study": field_text, "birth_date": born}


def _one_technical(office: Office, keep: OfficeStaff | None = None) -> None:
    others = OfficeStaff.objects.filter(office=office, role=StaffRole.TECHNICAL, active=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    if others.exists():
        raise ApplicationError(
            msg.TECHNICAL_EXISTS, code="technical_exists", status=409, fields={"role": [msg.TECHNICAL_EXISTS]}
        )


def staff_add(
    *,
    office: Office,
    mobile: str,
    role: str,
    title: str = "",
    degree: object = "",
    field_of_study: object = "",
    birth_date: object = "",
    actor: Any,
) -> OfficeStaff:
    """Add a person (by mobile number; the account is created if they have never logged in) as
    manager, technical manager (with their qualifications: ``qualifications``) or clerk; a
    former member comes back with the new role."""
    _require_manager(office, actor)
    try:
        number = normalize_mobile(str(mobile or ""))
    except ValidationError:
        raise _invalid(msg.MOBILE_INVALID, "mobile") from None
    if role not in StaffRole.values:
        raise _invalid(msg.ROLE_INVALID, "role")
    title = normalize_text(str(title or "")).strip()[:100]
    qualified = qualifications(role=role, degree=degree, field_of_study=field_of_study, birth_date=birth_date)
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()  # one technical manager at a time
        if role == StaffRole.TECHNICAL:
            _one_technical(office)
        user, _created = user_get_or_create(mobile=number, actor=actor)
        if OfficeStaff.objects.filter(office=office, user=user, active=True).exists():
            raise ApplicationError(
                msg.STAFF_EXISTS, code="staff_exists", status=409, fields={"mobile": [msg.STAFF_EXISTS]}
            )
        try:
            with transaction.atomic():  # a new period of work; the constraints back the checks above
                row = OfficeStaff.objects.create(office=office, user=user, role=role, title=title, **qualified)
        except IntegrityError:
            raise ApplicationError(
                msg.STAFF_EXISTS, code="staff_exists", status=409, fields={"mobile": [msg.STAFF_EXISTS]}
            ) from None
        audit_record(
            actor=actor,
            action="office.staff_add",
            obj=office,
            municipality=office.municipality,
            data={"user": user.pk, "role": role, "staff": row.pk, **_qualified_data(qualified)},
        )
    return row


def _qualified_data(qualified: dict[str, Any]) -> dict[str, Any]:
    """What the audit entry keeps of the qualifications: the age, not the birth date (the chain
    is never erased)."""
    out = {k: v for k, v in qualified.items() if v and k != "birth_date"}
    if qualified.get("birth_date"):
        out["age"] = jalali_age(qualified["birth_date"], timezone.localdate())
    return out


def _staff_pk(staff_id: int | str) -> int:
    try:
        return int(normalize_text(str(staff_id)))
    except (TypeError, ValueError):
        raise _invalid(msg.STAFF_NOT_FOUND, "staff") from None


def staff_qualify(
    *, office: Office, staff_id: int | str, degree: object, field_of_study: object, birth_date: object, actor: Any
) -> OfficeStaff:
    """The manager corrects the technical manager's degree, field and birth date, all three given
    (audited); an unchanged birth date is not checked against the ages again."""
    _require_manager(office, actor)
    pk = _staff_pk(staff_id)
    with transaction.atomic():
        row = OfficeStaff.objects.select_for_update().filter(office=office, pk=pk, active=True).first()
        if row is None:
            raise ApplicationError(msg.STAFF_NOT_FOUND, code="not_found", status=404)
        if row.role != StaffRole.TECHNICAL:
            raise ApplicationError(
                msg.NOT_TECHNICAL, code="not_technical", status=409, fields={"staff": [msg.NOT_TECHNICAL]}
            )
        qualified = qualifications(
            role=row.role, degree=degree, field_of_study=field_of_study, birth_date=birth_date, known=row.birth_date
        )
        for name, value in qualified.items():
            setattr(row, name, value)
        row.save(update_fields=list(qualified))
        audit_record(
            actor=actor,
            action="office.staff_qualify",
            obj=office,
            municipality=office.municipality,
            data={"user": row.user_id, "staff": row.pk, **_qualified_data(qualified)},
        )
    return row


def staff_remove(*, office: Office, staff_id: int | str, actor: Any) -> OfficeStaff:
    """Deactivate a member (the row stays for the record). The last manager stays."""
    _require_manager(office, actor)
    pk = _staff_pk(staff_id)
    with transaction.atomic():
        rows = list(OfficeStaff.objects.select_for_update().filter(office=office, active=True))
        row = next((r for r in rows if r.pk == pk), None)
        if row is None:
            raise ApplicationError(msg.STAFF_NOT_FOUND, code="not_found", status=404)
        managers = [r for r in rows if r.role == StaffRole.MANAGER]
        if row.role == StaffRole.MANAGER and len(managers) <= 1:
            raise ApplicationError(msg.LAST_MANAGER, code="last_manager", status=409)
        row.active, row.removed_at = False, timezone.now()
        row.save(update_fields=["active", "removed_at"])
        audit_record(
            actor=actor,
            action="office.staff_remove",
            obj=office,
            municipality=office.municipality,
            data={"user": row.user_id, "role": row.role, "staff": row.pk},
        )
    return row


# --- weekly hours (S17) -----------------------------------------------------------------------


def hours_set(*, office: Office, rows: object, actor: Any) -> list[WeeklyHours]:
    """Replace the whole weekly schedule at once. Every interval must lie inside the
    municipality's directive (``hours.check_schedule``, S17/P8), else nothing changes."""
    _require_manager(office, actor)
    clean = check_schedule(office, parse_hours(rows))
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        before = [(w.weekday, f"{w.start:%H:%M}", f"{w.end:%H:%M}") for w in office.weekly_hours.all()]
        office.weekly_hours.all().delete()
        pagecache.changed("offices", office=office.pk)  # the bulk_create below sends no signal
        created = WeeklyHours.objects.bulk_create(
            WeeklyHours(office=office, weekday=d, start=s, end=e) for d, s, e in clean
        )
        audit_record(
            actor=actor,
            action="office.hours_set",
            obj=office,
            municipality=office.municipality,
            data={"before": before, "after": [(d, f"{s:%H:%M}", f"{e:%H:%M}") for d, s, e in clean]},
        )
        if hasattr(office, "_prefetched_objects_cache"):
            office._prefetched_objects_cache.pop("weekly_hours", None)
        # bookings now outside the new hours are cancelled, their citizens told (review #4)
        _reconcile(office, days=None, actor=actor)
    if hasattr(office, "_prefetched_objects_cache"):
        office._prefetched_objects_cache.pop("weekly_hours", None)
    return created


def _reconcile(office: Office, *, days: list[dt.date] | None, actor: Any) -> None:
    """Bookings follow the new hours (the appointments app handles ``HoursChanged``)."""
    events.emit(HoursChanged(office=office, days=days, actor=actor))


# --- the directive (S17) ----------------------------------------------------------------------


def schedule_problem(office: Office) -> str:
    """The Persian reason the office's current weekly hours lie outside its municipality's
    directive, or ``""`` when they are within it."""
    rows = [(w.weekday, w.start, w.end) for w in office.weekly_hours.all()]
    try:
        check_schedule(office, rows)
    except ApplicationError as exc:
        return exc.message
    return ""


def directive_offices_out_of_line(*, municipality_id: int, notify: bool, actor: Any) -> list[tuple[Office, str]]:
    """After the municipality changed its directive (S17: an office's hours must lie within it):
    every active office whose schedule no longer does, with the reason. With ``notify``, each
    such office's active managers get an SMS asking them to adjust the hours by
    ``DIRECTIVE_ADJUST_DAYS`` days from today, and an audit row records it. No supervision
    violation is recorded: the change was the municipality's, not the office's (review #11)."""
    out: list[tuple[Office, str]] = []
    offices = (
        Office.objects.filter(municipality_id=municipality_id, active=True)
        .select_related("municipality")
        .prefetch_related("weekly_hours")
        .order_by("name", "pk")
    )
    deadline = timezone.localdate() + dt.timedelta(days=DIRECTIVE_ADJUST_DAYS)
    for office in offices:
        problem = schedule_problem(office)
        if not problem:
            continue
        out.append((office, problem))
        if not notify:
            continue
        managers = OfficeStaff.objects.filter(office=office, role=StaffRole.MANAGER, active=True).select_related("user")
        for row in managers:
            notify_sms(
                sms.DIRECTIVE_CHANGED.key,
                to=row.user,
                municipality=office.municipality,
                office=office.display_name,
                deadline=to_jalali(deadline),
            )
        audit_record(
            actor=actor,
            action="office.hours_outside_directive",
            obj=office,
            municipality=office.municipality,
            data={"problem": problem, "deadline": deadline.isoformat(), "managers": [r.user_id for r in managers]},
        )
    return out


# --- closures -----------------------------------------------------------------------------------


def _future(day: dt.date) -> None:
    if day <= timezone.localdate():
        raise _invalid(msg.CLOSURE_NOT_FUTURE, "date", code="not_future")


def closure_add(*, office: Office, date: object, reason: str, actor: Any) -> OfficeClosure:
    """Announce a day the office is closed (a future day; Jalali or ISO input)."""
    _require_manager(office, actor)
    day = _closure_date(date)
    _future(day)
    if day > timezone.localdate() + dt.timedelta(days=CLOSURE_HORIZON_DAYS):
        raise _invalid(msg.CLOSURE_TOO_FAR, "date")
    text = _text(reason, 5, 200, msg.CLOSURE_REASON_REQUIRED, "reason")
    with transaction.atomic():
        if OfficeClosure.objects.filter(office=office, date=day).exists():
            raise ApplicationError(
                msg.CLOSURE_EXISTS, code="closure_exists", status=409, fields={"date": [msg.CLOSURE_EXISTS]}
            )
        closure = OfficeClosure.objects.create(
            office=office,
            date=day,
            reason=text,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="office.closure_add",
            obj=office,
            municipality=office.municipality,
            data={"date": day.isoformat(), "date_jalali": to_jalali(day, digits=False), "reason": text},
        )
        _reconcile(office, days=[day], actor=actor)  # review #4: that day's bookings are cancelled
    return closure


def closure_remove(*, office: Office, closure_id: int | str, actor: Any) -> None:
    """Withdraw an announced closure that has not come yet."""
    _require_manager(office, actor)
    try:
        pk = int(normalize_text(str(closure_id)))
    except (TypeError, ValueError):
        raise policy.not_found() from None
    with transaction.atomic():
        closure = OfficeClosure.objects.filter(office=office, pk=pk).first()
        if closure is None:
            raise ApplicationError(msg.CLOSURE_NOT_FOUND, code="not_found", status=404)
        _future(closure.date)
        audit_record(
            actor=actor,
            action="office.closure_remove",
            obj=office,
            municipality=office.municipality,
            data={"date": closure.date.isoformat(), "reason": closure.reason},
        )
        closure.delete()


# --- the published standing (issue 22 §2) -------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One office's standing in a period, as ``daftar.scorecard`` computed it: its rank among the
    ``ranked`` offices of its municipality (``None``: not ranked), its band and its score."""

    rank: int | None
    band: str
    band_label: str
    score: Decimal | None
    ranked: int


STANDING_FIELDS = [
    "standing_rank",
    "standing_band",
    "standing_band_label",
    "standing_score",
    "standing_period",
    "standing_ranked",
]


def office_standing_publish(
    *, municipality: Municipality, period: str, standings: Mapping[int, Standing], actor: Any
) -> int:
    """Publish ``period``'s standing on every office of ``municipality`` (the office page and the
    finder read these fields): the active offices in ``standings`` get theirs, the others are
    cleared (not ranked in that period; an inactive office would otherwise show an older rank
    again once reactivated). One ``UPDATE`` for all, audited; returns how many offices now show
    a rank. Called by the scorecard's computation (``actor``: who asked for it, ``None`` for the
    system), which decides who may; inside its transaction."""
    offices = list(Office.objects.filter(municipality=municipality).order_by("pk"))
    for office in offices:
        found = standings.get(office.pk) if office.active else None
        office.standing_rank = found.rank if found else None
        office.standing_band = found.band if found else ""
        office.standing_band_label = found.band_label if found else ""
        office.standing_score = found.score if found else None
        office.standing_period = period if found else ""
        office.standing_ranked = found.ranked if found else 0
    with transaction.atomic():
        Office.objects.bulk_update(offices, STANDING_FIELDS, batch_size=500)
        pagecache.changed("offices", municipality=municipality.pk)  # bulk_update sends no signal
        ranked = sum(1 for office in offices if office.standing_rank is not None)
        audit_record(
            actor=actor,
            action="office.standing_publish",
            municipality=municipality,
            data={"period": period, "offices": len(offices), "ranked": ranked},
        )
    return ranked
