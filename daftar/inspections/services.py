"""Scheduling a site visit, adding its photos and recording its result (S11, S14).

``inspection_record`` judges every checklist item (``checklist.judge``), stores the result on
the inspection and moves the case with ``application_move(action="record_inspection")`` — the
workflow evaluates the S11 location conditions itself and moves the case to final_review or
rejected. The distance to the nearest active office is not an S11 condition of the rule set
and the inspector's role may not ``reject``: a failed distance item therefore leaves the case
in final_review with ``passed = False`` and the reason recorded on the inspection, where the
licensing authority sees it and decides (it may reject citing S11.4).

Who may act is answered by ``policy.py``; the status of an inspection and of a supervision visit
changes only through their declared tables (``workflow.py``), whose guards and effects are bound
here.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from daftar.applications.models import Application
from daftar.applications.services import application_move
from daftar.applications.workflow import Status
from daftar.audit.services import audit_record
from daftar.documents.throttle import upload_throttle
from daftar.documents.validation import UploadRejected, clean_original_name, inspect_upload
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import parse_datetime, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.licences.models import Licence, LicenceStatus
from daftar.notifications.services import notify
from daftar.rules.constants import EQUIPMENT, PREMISES_USES
from daftar.supervision.models import Violation, ViolationSource
from daftar.supervision.services import SUPERVISABLE, violation_record, violation_type_for

from . import messages as msg
from . import policy, sms
from .checklist import FAIL, judge, visit_judge
from .models import Inspection, InspectionPhoto, InspectionStatus, SupervisionVisit
from .workflow import INSPECTION, SUPERVISION_VISIT

PHOTO_TYPES = ("image/jpeg", "image/png")
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_COUNT = 30


def _at_inspection(application: Application) -> None:
    if application.status != Status.SITE_INSPECTION:
        raise ApplicationError(
            msg.NOT_AT_INSPECTION.format(status=application.get_status_display()), code="illegal_state", status=409
        )


def parse_when(raw: Any) -> Any:
    try:
        when = parse_datetime(raw)
    except (ValidationError, TypeError, ValueError):
        raise ApplicationError(msg.WHEN_INVALID, fields={"scheduled_at": [msg.WHEN_INVALID]}) from None
    if when <= timezone.now():
        raise ApplicationError(msg.WHEN_PAST, fields={"scheduled_at": [msg.WHEN_PAST]})
    return when


def inspection_schedule(application: Application, inspector: Any, when: Any) -> Inspection:
    """Schedule a visit by ``inspector``; the applicant gets an SMS with the Jalali date-time."""
    when = parse_when(when)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "municipality", "district")
            .get(pk=application.pk)
        )
        policy.demand(inspector, "inspection.schedule", locked)
        _at_inspection(locked)
        if Inspection.objects.filter(application=locked, status=InspectionStatus.SCHEDULED).exists():
            raise ApplicationError(msg.ALREADY_SCHEDULED, code="already_scheduled", status=409)
        inspection = Inspection.objects.create(application=locked, inspector=inspector, scheduled_at=when)
        notify(
            sms.SCHEDULED.key,
            to=locked.applicant,
            municipality=locked.municipality,
            code=locked.tracking_code or "",
            when=to_jalali(when, with_time=True),
            place=msg.PLACE.format(district=locked.district.name, municipality=locked.municipality.name),
            inspector=f"{inspector.first_name} {inspector.last_name}".strip() or msg.AN_INSPECTOR,
            municipality_name=locked.municipality.name,
        )
        audit_record(
            actor=inspector,
            action="inspection.schedule",
            obj=inspection,
            municipality=locked.municipality,
            data={"application": locked.pk, "scheduled_at": when.isoformat()},
        )
    return inspection


def _photo_name(extension: str) -> str:
    if extension not in ("jpg", "png"):
        raise ValueError(f"unexpected photo extension {extension!r}")
    return f"inspections/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def photo_add(inspection: Inspection, file: Any, actor: Any = None) -> InspectionPhoto:
    """A photo checked by content (JPEG/PNG, ≤ 10 MiB); a refused or failed upload leaves
    neither a row nor a file behind."""
    if actor is not None:
        policy.demand(actor, "inspection.photo_add", inspection)
    if file is None:
        raise ApplicationError(msg.FILE_REQUIRED, fields={"file": [msg.FILE_REQUIRED]})
    upload_throttle(actor)  # before the file is checked: the check is the costly part (issue 17)
    try:
        inspected = inspect_upload(
            file, accepted_types=PHOTO_TYPES, max_bytes=PHOTO_MAX_BYTES, max_pixels=PHOTO_MAX_PIXELS
        )
    except UploadRejected as exc:
        raise ApplicationError(exc.detail, code=exc.code, status=exc.status, fields={"file": [exc.detail]}) from None
    saved: list[str] = []
    try:
        with transaction.atomic():
            locked = Inspection.objects.select_for_update().select_related("application").get(pk=inspection.pk)
            if locked.photos.count() >= PHOTO_MAX_COUNT:
                raise ApplicationError(
                    msg.TOO_MANY_PHOTOS.format(count=persian_digits(PHOTO_MAX_COUNT)), code="too_many", status=409
                )
            name = default_storage.save(_photo_name(inspected.extension), file)
            saved.append(name)
            photo = InspectionPhoto.objects.create(
                inspection=locked,
                file=name,
                original_name=clean_original_name(getattr(file, "name", "") or ""),
                mime=inspected.mime,
                size=inspected.size,
                sha256=inspected.sha256,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit_record(
                actor=actor,
                action="inspection.photo_add",
                obj=photo,
                municipality=locked.application.municipality,
                data={"inspection": locked.pk, "sha256": inspected.sha256},
            )
    except BaseException:
        for name in saved:  # the row did not commit: do not leave its file behind
            default_storage.delete(name)
        raise
    return photo


def _float(raw: Any, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError
    value = float(normalize_text(raw) if isinstance(raw, str) else raw)
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError
    return value


def validate_measurements(data: Any) -> dict[str, Any]:
    """The inspector's measurements, checked and normalised; Persian errors per field."""
    data = data if hasattr(data, "get") else {}
    errors: dict[str, list[str]] = {}
    use = normalize_text(str(data.get("premises_use") or ""))
    if use not in PREMISES_USES:
        errors["premises_use"] = [msg.USE_INVALID]
    area = 0.0
    try:
        area = _float(data.get("measured_area_m2"), 0.01, 100_000)
    except (TypeError, ValueError):
        errors["measured_area_m2"] = [msg.AREA_INVALID]
    equipment = data.get("equipment")
    if equipment is None:
        equipment = []
    if not isinstance(equipment, list) or any(not isinstance(e, str) or e not in EQUIPMENT for e in equipment):
        errors["equipment"] = [msg.EQUIPMENT_INVALID]
        equipment = []
    location = data.get("location") if isinstance(data.get("location"), dict) else {}
    lat = lng = 0.0
    try:
        lat = _float(location.get("lat"), -90, 90)
    except (TypeError, ValueError):
        errors["location.lat"] = [msg.LAT_INVALID]
    try:
        lng = _float(location.get("lng"), -180, 180)
    except (TypeError, ValueError):
        errors["location.lng"] = [msg.LNG_INVALID]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, fields=errors)
    return {
        "premises_use": use,
        "measured_area_m2": area,
        "equipment": sorted(set(equipment)),
        "location": {"lat": lat, "lng": lng},
    }


@INSPECTION.guard("case_at_inspection")
def _case_at_inspection(inspection: Inspection, actor: Any, data: dict[str, Any]) -> None:
    _at_inspection(inspection.application)


@INSPECTION.effect("judge_and_move_case")
def _judge_and_move_case(inspection: Inspection, actor: Any, data: dict[str, Any]) -> None:
    """Every checklist item judged, and the case moved by the workflow (which judges the S11
    conditions itself)."""
    application = inspection.application
    result = judge(application, data)
    inspection.result = result
    inspection.passed = all(item["result"] == "pass" for item in result)
    inspection.recorded_at = timezone.now()
    application_move(application_id=application.pk, action="record_inspection", actor=actor, data=data)


def inspection_record(inspection: Inspection, data: Any, actor: Any) -> Inspection:
    """Judge the measurements item by item, store the result and move the case (see the module
    docstring for the distance item)."""
    measured = validate_measurements(data)
    with transaction.atomic():
        locked = (
            Inspection.objects.select_for_update().select_related("application__call__rule_set").get(pk=inspection.pk)
        )
        INSPECTION.take(locked, "record", actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=measured)
        locked.save(update_fields=["result", "passed", "status", "recorded_at"])
        application = locked.application
        audit_record(
            actor=actor,
            action="inspection.record",
            obj=locked,
            municipality=application.municipality,
            data={
                "application": application.pk,
                "passed": locked.passed,
                "failed": [item["id"] for item in locked.result if item["result"] != "pass"],
            },
        )
    return locked


# --- supervision visits of licensed offices (S11.3, S17, P6) --------------------------------

# A failed visit item of this kind records a supervision violation of the catalogue type with
# this code (the closest of the seeded catalogue, ``supervision/migrations/0002_defaults``):
# working hours not posted → work outside the approved hours; tariff table not posted → its own
# type; an S11.3 equipment item gone → a service offered outside the licence's conditions.
# A changed premises use has no catalogue type: it is recorded on the visit only.
VIOLATION_OF_KIND = {"hours": "outside_hours", "tariff": "tariff_not_posted", "equipment": "unpermitted_service"}


def _visitable(licence: Licence) -> None:
    if licence.status not in SUPERVISABLE:
        status = LicenceStatus(licence.status).label
        raise ApplicationError(msg.VISIT_NOT_SUPERVISABLE.format(status=status), code="illegal_state", status=409)


def _scheduling(licence: Licence, inspector: Any, actor: Any) -> Any:
    """Who schedules: ``actor`` when a supervisor sends ``inspector``, else the inspector (checked)."""
    if actor is None or getattr(actor, "pk", None) == getattr(inspector, "pk", None):
        policy.demand(inspector, "supervision_visit.schedule", licence)
        return inspector
    policy.demand(actor, "supervision_visit.assign", licence)
    if inspector is None:
        raise ApplicationError(
            msg.INSPECTOR_REQUIRED, code="inspector_required", fields={"inspector": [msg.INSPECTOR_REQUIRED]}
        )
    refusal = policy.inspector_refusal(inspector, licence)
    if refusal is not None:
        raise refusal
    return actor


def _schedulable(licence: Licence) -> None:
    _visitable(licence)
    if SupervisionVisit.objects.filter(licence=licence, status=InspectionStatus.SCHEDULED).exists():
        raise ApplicationError(msg.VISIT_ALREADY_SCHEDULED, code="already_scheduled", status=409)


def visit_schedule_check(licence: Licence, inspector: Any, when: Any, *, actor: Any = None) -> Any:
    """What ``visit_schedule`` would refuse, checked without writing (a page's confirmation
    step): the parsed time."""
    parsed = parse_when(when)
    _scheduling(licence, inspector, actor)
    _schedulable(licence)
    return parsed


def visit_schedule(licence: Licence, inspector: Any, when: Any, *, actor: Any = None) -> SupervisionVisit:
    """Schedule a supervision visit; the holder gets an SMS with the Jalali date-time.

    Without ``actor`` the inspector schedules their own visit; with it, a supervisor of the
    licence's municipality sends ``inspector`` (one of its inspectors, not of the office's own
    people: a Persian error on ``inspector`` otherwise), who is told by SMS too."""
    when = parse_when(when)
    with transaction.atomic():
        locked = (
            Licence.objects.select_for_update(of=("self",))
            .select_related("holder", "municipality", "district", "office")
            .get(pk=licence.pk)
        )
        by = _scheduling(locked, inspector, actor)
        assigning = by is not inspector
        _schedulable(locked)
        visit = SupervisionVisit.objects.create(licence=locked, inspector=inspector, scheduled_at=when)
        values: dict[str, Any] = {
            "office": locked.display_name,
            "number": locked.number,
            "when": to_jalali(when, with_time=True),
            "address": _address(locked),
            "municipality_name": locked.municipality.name,
        }
        notify(sms.VISIT.key, to=locked.holder, municipality=locked.municipality, **values)
        if assigning:
            notify(sms.VISIT_ASSIGNED.key, to=inspector, municipality=locked.municipality, **values)
        data = {"licence": locked.number, "scheduled_at": when.isoformat()}
        audit_record(
            actor=by,
            action="supervision_visit.assign" if assigning else "supervision_visit.schedule",
            obj=visit,
            municipality=locked.municipality,
            data={**data, "inspector": inspector.pk} if assigning else data,
        )
    return visit


def _address(licence: Licence) -> str:
    """Where the office is, for the visit's SMS: its address, else its district."""
    office = getattr(licence, "office", None)  # reverse one-to-one: may be missing
    if office is not None and office.address:
        return str(office.address)
    return msg.PLACE.format(district=licence.district.name, municipality=licence.municipality.name)


def _flag(data: Any, name: str, errors: dict[str, list[str]]) -> bool:
    raw = data.get(name)
    if isinstance(raw, bool):
        return raw
    text = normalize_text(str(raw or "")).strip().lower()
    if text in ("true", "1", "yes", "on", "بله"):
        return True
    if text in ("false", "0", "no", "off", "خیر"):
        return False
    errors[name] = [msg.VISIT_FLAG_INVALID]
    return False


def validate_observations(data: Any) -> dict[str, Any]:
    """The inspector's observations at a licensed office, checked; Persian errors per field."""
    data = data if hasattr(data, "get") else {}
    errors: dict[str, list[str]] = {}
    use = normalize_text(str(data.get("premises_use") or ""))
    if use not in PREMISES_USES:
        errors["premises_use"] = [msg.USE_INVALID]
    equipment = data.get("equipment")
    if equipment is None:
        equipment = []
    if not isinstance(equipment, list) or any(not isinstance(e, str) or e not in EQUIPMENT for e in equipment):
        errors["equipment"] = [msg.EQUIPMENT_INVALID]
        equipment = []
    hours = _flag(data, "hours_posted", errors)
    tariff = _flag(data, "tariff_posted", errors)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, fields=errors)
    return {"premises_use": use, "equipment": sorted(set(equipment)), "hours_posted": hours, "tariff_posted": tariff}


def _visit_violations(visit: SupervisionVisit, result: list[dict[str, Any]], actor: Any) -> list[Violation]:
    """A supervision violation per failed item that maps to a catalogue type, citing the visit,
    recorded through ``supervision.services.violation_record`` (row, audit, SMS) as the visit's
    inspector."""
    licence, now = visit.licence, timezone.now()
    observed = min(visit.scheduled_at, now)
    when = to_jalali(observed, with_time=True)
    out = []
    for item in result:
        code = VIOLATION_OF_KIND.get(item["kind"])
        if item["result"] != FAIL or code is None:
            continue
        vtype = violation_type_for(licence, code)
        if vtype is None:  # the catalogue type was deactivated: the failure stays on the visit
            continue
        text = msg.VIOLATION_TEXT.format(visit=visit.pk, when=when, label=item["label"], reason=item["reason"])
        evidence = {
            "kind": "visit",
            "visit": visit.pk,
            "when": observed.isoformat(),
            "items": [{"id": item["id"], "label": item["label"], "reason": item["reason"]}],
        }
        out.append(
            violation_record(
                licence,
                type_code=code,
                description=text,
                observed_at=observed,
                actor=actor,
                source=ViolationSource.INSPECTOR,
                evidence=evidence,
            )
        )
    return out


@SUPERVISION_VISIT.guard("licence_supervisable")
def _licence_supervisable(visit: SupervisionVisit, actor: Any, data: dict[str, Any]) -> None:
    _visitable(visit.licence)


@SUPERVISION_VISIT.effect("judge_and_record_violations")
def _judge_and_record_violations(visit: SupervisionVisit, actor: Any, data: dict[str, Any]) -> None:
    """Every checklist item judged, and a supervision violation recorded for each failed item
    that maps to a catalogue type (``VIOLATION_OF_KIND``)."""
    result = visit_judge(visit.licence, data)
    visit.result = result
    visit.passed = all(item["result"] != FAIL for item in result)
    visit.recorded_at = timezone.now()
    data["violations"] = _visit_violations(visit, result, actor)


def visit_record(visit: SupervisionVisit, data: Any, actor: Any) -> SupervisionVisit:
    """Judge every item, store the result and record a supervision violation for each failed
    item that maps to a catalogue type (``VIOLATION_OF_KIND``)."""
    observed = validate_observations(data)
    with transaction.atomic():
        locked = (
            SupervisionVisit.objects.select_for_update(of=("self",))
            .select_related("licence__application__call__rule_set", "licence__holder", "licence__municipality")
            .get(pk=visit.pk)
        )
        licence = locked.licence
        SUPERVISION_VISIT.take(
            locked, "record", actor=actor, may=policy.may_move, refuse=policy.refuse_move, data=observed
        )
        locked.save(update_fields=["result", "passed", "status", "recorded_at"])
        violations: list[Violation] = observed["violations"]
        audit_record(
            actor=actor,
            action="supervision_visit.record",
            obj=locked,
            municipality=licence.municipality,
            data={
                "licence": licence.number,
                "passed": locked.passed,
                "failed": [item["id"] for item in locked.result if item["result"] == FAIL],
                "violations": [v.pk for v in violations],
            },
        )
    return locked
