"""The map picker's data (issue 19 §5; docs/decisions/0035-map-picker.md).

- :func:`map_data`: what the map draws for a rule set — the permitted zones of its ``in_zone``
  conditions (the GeoJSON copied into the version), the boundaries around the municipality
  (the counties of its province from ``data/``, OpenStreetMap, ODbL), the borders of its
  districts where ``data/`` has them (the demo's are illustrative, and say so), the bounds to
  show and the municipality's own tile server if one is set. Published versions never change,
  so this is cached per version.
- :func:`point_check`: whether a point is inside the zones, in the evaluator's own words, and
  how far the nearest office is (asked of the offices app above, ``events.NearestOfficeWanted``).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from shapely.geometry import Point, shape
from shapely.ops import polylabel

from daftar.kernel.errors import ApplicationError
from daftar.kernel.events import emit
from daftar.kernel.normalize import normalize_text, persian_digits, persian_number
from daftar.municipalities.models import Municipality

from . import messages as msg
from .events import NearestOffice, NearestOfficeWanted
from .models import RuleSet
from .selectors import compiled

DATA = Path(__file__).resolve().parent / "data"
EARTH_RADIUS_M = 6_371_000.0
# The boundaries drawn around a municipality, by its province's Persian name (../shared/data
# has Tehran province's counties; a province without a file gets the zones alone).
BOUNDARY_FILES = {"تهران": "tehran_province_counties.geojson"}
# District borders, by the municipality's slug; a feature is matched to a district by its
# ``number``. The demo's 22 districts of Tehran have no real borders in any data we hold: their
# file is Tehran County cut into 22 pieces (scripts/illustrative_districts.py), drawn only for
# districts flagged ``illustrative`` and named «… (نمایشی)». A district without a feature is not
# drawn.
DISTRICT_FILES = {"tehran": "tehran_districts_illustrative.geojson"}
ILLUSTRATIVE = "نمایشی"
ATTRIBUTION = "© مشارکت‌کنندگان OpenStreetMap"
MAP_CACHE_SECONDS = 24 * 3600


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Metres along the Earth's surface between two points (a sphere is close enough here)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlng = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def distance_text(metres: float) -> str:
    """``850`` → «۸۵۰ متر», ``12345`` → «۱۲٫۳ کیلومتر» (Persian digits, Persian units)."""
    if metres < 1000:
        return f"{persian_digits(int(round(metres / 10) * 10))} متر"
    return f"{persian_number(round(metres / 1000, 1), 1)} کیلومتر"


def parse_coordinate(raw: Any, *, name: str, low: float, high: float, out_of_range: str) -> float:
    """A typed coordinate in Persian or Latin digits («۳۵٫۷۴۵», "35.745"); 400 otherwise."""
    label = "عرض جغرافیایی" if name == "lat" else "طول جغرافیایی"
    text = normalize_text(str(raw or "")).replace("٫", ".").replace("/", ".")
    if not text:
        message = msg.MAP_COORDINATE_MISSING.format(label=label)
        raise ApplicationError(message, fields={name: [message]})
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        message = msg.MAP_COORDINATE_NUMBER.format(label=label)
        raise ApplicationError(message, fields={name: [message]})
    if not low <= value <= high:
        raise ApplicationError(out_of_range, fields={name: [out_of_range]})
    return value


@lru_cache(maxsize=8)
def _boundary_file(name: str) -> dict[str, Any]:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    features = [
        {"type": "Feature", "properties": {"name": f["properties"].get("name_fa", "")}, "geometry": f["geometry"]}
        for f in data.get("features", [])
    ]
    return {"type": "FeatureCollection", "features": features}


def _label_at(geometry: dict[str, Any]) -> list[float]:
    """Where a district's number is written: well inside its largest part, ``[lat, lng]``."""
    area = shape(geometry)
    largest = max(getattr(area, "geoms", [area]), key=lambda part: part.area)
    point = polylabel(largest, tolerance=0.0005)
    return [round(point.y, 5), round(point.x, 5)]


@lru_cache(maxsize=8)
def _district_file(name: str) -> dict[int, dict[str, Any]]:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    return {int(f["properties"]["number"]): f for f in data.get("features", [])}


def _districts(municipality: Municipality) -> dict[str, Any]:
    """The borders of the municipality's districts that ``DISTRICT_FILES`` has, by number. An
    illustrative border is drawn only for a district flagged illustrative (never as the border
    of a real one), and its name says it is illustrative."""
    features: list[dict[str, Any]] = []
    name = DISTRICT_FILES.get(municipality.slug)
    if name:
        borders = _district_file(name)
        for district in municipality.districts.order_by("number"):
            feature = borders.get(district.number)
            if feature is None:
                continue
            illustrative = bool(feature["properties"].get("illustrative"))
            if illustrative and not district.illustrative:
                continue
            label = f"{district.name} ({ILLUSTRATIVE})" if illustrative else district.name
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "name": label,
                        "number": district.number,
                        "label": persian_digits(district.number),
                        "label_at": _label_at(feature["geometry"]),
                        "illustrative": illustrative,
                    },
                    "geometry": feature["geometry"],
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _zones(rule_set: RuleSet) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for parameters in rule_set.conditions.filter(check_type="in_zone").values_list("parameters", flat=True):
        for feature in (parameters or {}).get("zones", {}).get("features", []):
            properties = feature.get("properties") or {}
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": properties.get("name_fa", "")},
                    "geometry": feature["geometry"],
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _bounds(*collections: dict[str, Any]) -> list[list[float]] | None:
    shapes = [shape(f["geometry"]) for c in collections for f in c["features"]]
    if not shapes:
        return None
    minx = min(s.bounds[0] for s in shapes)
    miny = min(s.bounds[1] for s in shapes)
    maxx = max(s.bounds[2] for s in shapes)
    maxy = max(s.bounds[3] for s in shapes)
    return [[miny, minx], [maxy, maxx]]


def map_data(rule_set: RuleSet) -> dict[str, Any]:
    """What the map draws for ``rule_set``; cached per version (a published one never changes)."""
    key = f"rules:map:v2:{rule_set.pk}:{rule_set.version}:{rule_set.created_at.timestamp()}:{int(rule_set.published)}"
    data = cache.get(key) if rule_set.published else None
    if data is None:
        zones = _zones(rule_set)
        municipality = rule_set.municipality
        boundary_file = BOUNDARY_FILES.get(municipality.province.name_fa)
        boundaries = _boundary_file(boundary_file) if boundary_file else {"type": "FeatureCollection", "features": []}
        data = {
            "place": municipality.city or municipality.name,
            "version": rule_set.version,
            "zones": zones,
            "boundaries": boundaries,
            "districts": _districts(municipality),
            "bounds": _bounds(zones) or _bounds(boundaries),
            "attribution": ATTRIBUTION,
        }
        if rule_set.published:
            cache.set(key, data, MAP_CACHE_SECONDS)
    # the tile server is a setting, not part of the version: read on every answer
    return {**data, "tile_url": settings.MAP_TILE_URL}


def point_check(rule_set: RuleSet, lat: float, lng: float) -> dict[str, Any]:
    """Inside the permitted zones or not (``None`` when the version has no zone condition), in
    words, with the distance to the nearest office of the municipality."""
    rules = compiled(rule_set)
    zone_conditions = [c for c in rules.conditions if c.check == "in_zone"]
    point = Point(lng, lat)
    inside: bool | None = None
    if zone_conditions:
        inside = all(any(zone.covers(point) for zone in c.zones) for c in zone_conditions)
        status = (msg.MAP_INSIDE if inside else msg.MAP_OUTSIDE).format(place=rules.place)
    else:
        status = msg.MAP_NO_ZONE.format(place=rules.place)
    answers = [a for a in emit(NearestOfficeWanted(rule_set.municipality_id, lat, lng)) if a is not None]
    nearest: NearestOffice | None = min(answers, key=lambda a: a.metres) if answers else None
    body: dict[str, Any] = {"inside": inside, "status": status, "nearest_office": None}
    if nearest is not None:
        distance = distance_text(nearest.metres)
        body["nearest_office"] = {"name": nearest.name, "metres": round(nearest.metres), "distance": distance}
        body["status"] = f"{status} {msg.MAP_NEAREST.format(name=nearest.name, distance=distance)}"
    return body
