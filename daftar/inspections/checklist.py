"""The inspector's checklist, generated from the location conditions (``group == "location"``)
of the rule-set version of the case's call, never from hard-coded thresholds; plus one item
for the distance to the nearest active office (``settings.INSPECTION_MIN_OFFICE_DISTANCE_M``).

``judge`` turns the inspector's measurements into a pass/fail with a Persian reason per item.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from shapely.geometry import Point

from daftar.applications.models import Application
from daftar.kernel.normalize import persian_number
from daftar.licences.models import Licence, LicenceStatus
from daftar.rules.constants import EQUIPMENT, PREMISES_USES
from daftar.rules.evaluator import ConditionSpec, fa_beside, fa_number
from daftar.rules.selectors import compiled

from . import messages as msg

PASS, FAIL = "pass", "fail"
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Item:
    id: str
    condition: str
    label: str
    kind: str  # use | area | equipment | zone | distance
    threshold: Any

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _metres(value: float) -> str:
    return persian_number(round(value))


def min_office_distance() -> float:
    return float(settings.INSPECTION_MIN_OFFICE_DISTANCE_M)


def _location_conditions(application: Application) -> tuple[list[ConditionSpec], str]:
    rule_set = compiled(application.call.rule_set)
    return [c for c in rule_set.conditions if c.group == "location"], rule_set.place


def checklist(application: Application) -> list[Item]:
    conditions, place = _location_conditions(application)
    items: list[Item] = []
    for c in conditions:
        if c.check == "one_of":
            allowed = list(c.parameters.get("values", []))
            names = " یا ".join(PREMISES_USES.get(v, v) for v in allowed)
            items.append(Item(c.id, c.id, msg.LABEL_USE.format(allowed=names), "use", allowed))
        elif c.check == "min_number":
            minimum = c.parameters["min"]
            items.append(Item(c.id, c.id, msg.LABEL_AREA.format(min=fa_number(minimum)), "area", minimum))
        elif c.check == "contains_all":
            for code in c.parameters.get("items", []):
                label = msg.LABEL_EQUIPMENT.format(item=EQUIPMENT.get(code, code))
                items.append(Item(f"{c.id}:{code}", c.id, label, "equipment", code))
        elif c.check == "in_zone":
            items.append(Item(c.id, c.id, msg.LABEL_ZONE.format(place=place), "zone", None))
    minimum = min_office_distance()
    items.append(Item("distance", "", msg.LABEL_DISTANCE.format(min=_metres(minimum)), "distance", minimum))
    return items


def haversine_m(a: dict[str, float], b: dict[str, float]) -> float:
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlng = lat2 - lat1, math.radians(b["lng"] - a["lng"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def nearest_active_office(
    location: dict[str, float], exclude_application: int | None = None
) -> tuple[str, float] | None:
    """(licence number, metres) of the nearest ACTIVE licence whose premises have coordinates."""
    rows = Licence.objects.filter(status=LicenceStatus.ACTIVE, premises_location__isnull=False)
    if exclude_application is not None:
        rows = rows.exclude(application_id=exclude_application)
    best: tuple[str, float] | None = None
    for number, where in rows.values_list("number", "premises_location"):
        if not isinstance(where, dict):
            continue
        try:
            point = {"lat": float(where["lat"]), "lng": float(where["lng"])}
        except (KeyError, TypeError, ValueError):
            continue
        metres = haversine_m(location, point)
        if best is None or metres < best[1]:
            best = (number, metres)
    return best


def judge(application: Application, measured: dict[str, Any]) -> list[dict[str, Any]]:
    """Each checklist item with the measured value, ``pass``/``fail`` and a Persian reason."""
    conditions = {c.id: c for c in _location_conditions(application)[0]}
    place = compiled(application.call.rule_set).place
    use, area = measured["premises_use"], measured["measured_area_m2"]
    equipment, location = set(measured["equipment"]), measured["location"]
    lat, lng = fa_number(location["lat"], 6), fa_number(location["lng"], 6)
    out = []
    for item in checklist(application):
        value: Any
        if item.kind == "use":
            names = " یا ".join(PREMISES_USES.get(v, v) for v in item.threshold)
            ok, value = use in item.threshold, use
            shown = PREMISES_USES.get(use, use)
            reason = (msg.USE_OK if ok else msg.USE_FAIL).format(use=shown, allowed=names)
        elif item.kind == "area":
            ok, value = area >= item.threshold, area
            text = msg.AREA_OK if ok else msg.AREA_FAIL
            reason = text.format(value=fa_beside(area, item.threshold), min=fa_number(item.threshold))
        elif item.kind == "equipment":
            ok, value = item.threshold in equipment, item.threshold in equipment
            name = EQUIPMENT.get(item.threshold, item.threshold)
            reason = (msg.EQUIPMENT_OK if ok else msg.EQUIPMENT_FAIL).format(item=name)
        elif item.kind == "zone":
            point = Point(location["lng"], location["lat"])
            ok, value = any(zone.covers(point) for zone in conditions[item.id].zones), location
            reason = (msg.ZONE_OK if ok else msg.ZONE_FAIL).format(lat=lat, lng=lng, place=place)
        else:  # distance
            nearest = nearest_active_office(location, exclude_application=application.pk)
            if nearest is None:
                ok, value, reason = True, None, msg.DISTANCE_NONE
            else:
                number, metres = nearest
                ok, value = metres >= item.threshold, round(metres, 1)
                reason = (msg.DISTANCE_OK if ok else msg.DISTANCE_FAIL).format(
                    licence=number, distance=_metres(metres), min=_metres(item.threshold)
                )
        out.append({**item.as_dict(), "measured": value, "result": PASS if ok else FAIL, "reason": reason})
    return out


# --- supervision visits of licensed offices (S11.3, S17, P6) --------------------------------


def _licensed_use(licence: Licence, allowed: list[str]) -> str:
    use = (licence.application.facts or {}).get("premises_use")
    return use if isinstance(use, str) and use else (allowed[0] if allowed else "")


def visit_checklist(licence: Licence) -> list[Item]:
    """Each S11.3 equipment item of the licence's rule-set version still present, the approved
    working hours posted (S17), the tariff table posted (P6) and the premises use unchanged."""
    conditions, _place = _location_conditions(licence.application)
    items: list[Item] = []
    allowed: list[str] = []
    use_condition = ""
    for c in conditions:
        if c.check == "contains_all":
            for code in c.parameters.get("items", []):
                label = msg.LABEL_EQUIPMENT_PRESENT.format(item=EQUIPMENT.get(code, code))
                items.append(Item(f"{c.id}:{code}", c.id, label, "equipment", code))
        elif c.check == "one_of" and not use_condition:
            allowed, use_condition = list(c.parameters.get("values", [])), c.id
    items.append(Item("hours", "S17", msg.LABEL_HOURS, "hours", True))
    items.append(Item("tariff", "P6", msg.LABEL_TARIFF, "tariff", True))
    use = _licensed_use(licence, allowed)
    label = msg.LABEL_USE_UNCHANGED.format(use=PREMISES_USES.get(use, use))
    items.append(Item("use", use_condition, label, "use", use))
    return items


def visit_judge(licence: Licence, observed: dict[str, Any]) -> list[dict[str, Any]]:
    """Each visit item with what was observed, ``pass``/``fail`` and a Persian reason."""
    equipment = set(observed["equipment"])
    out = []
    for item in visit_checklist(licence):
        value: Any
        if item.kind == "equipment":
            ok = value = item.threshold in equipment
            name = EQUIPMENT.get(item.threshold, item.threshold)
            reason = (msg.EQUIPMENT_OK if ok else msg.EQUIPMENT_GONE).format(item=name)
        elif item.kind == "hours":
            ok = value = bool(observed["hours_posted"])
            reason = msg.HOURS_OK if ok else msg.HOURS_FAIL
        elif item.kind == "tariff":
            ok = value = bool(observed["tariff_posted"])
            reason = msg.TARIFF_OK if ok else msg.TARIFF_FAIL
        else:  # use
            value = observed["premises_use"]
            ok = value == item.threshold
            shown = PREMISES_USES.get(value, value)
            allowed = PREMISES_USES.get(item.threshold, item.threshold)
            reason = (msg.USE_UNCHANGED_OK if ok else msg.USE_CHANGED).format(use=shown, allowed=allowed)
        out.append({**item.as_dict(), "measured": value, "result": PASS if ok else FAIL, "reason": reason})
    return out
