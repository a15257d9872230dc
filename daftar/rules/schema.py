"""Checking rule data before it can judge anyone: each kind of check states which facts it
reads and which parameters it needs. Used by the fixture loader, the admin's condition form
and ``rule_set_publish``, so a published version is always well formed."""

from __future__ import annotations

from typing import Any

from shapely.geometry import shape

from .constants import (
    BOOLEAN_FACTS,
    DEGREE_FIELDS,
    DEGREE_LEVELS,
    EQUIPMENT,
    Check,
    ConditionGroup,
    Verification,
)
from .facts import CHOICE_FACTS, KNOWN, NUMBER_FACTS


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def condition_errors(row: dict[str, Any]) -> list[str]:
    """Persian problems with one condition's data (empty when it is well formed)."""
    errors: list[str] = []
    facts, params, check = row.get("facts"), row.get("parameters"), row.get("check")
    if not isinstance(facts, list) or not facts or not all(isinstance(f, str) and f in KNOWN for f in facts):
        return ["«داده‌های لازم» باید فهرستی از نام داده‌های شناخته‌شده باشد."]
    if not isinstance(params, dict):
        return ["«پارامترها» باید یک شیء JSON باشد."]
    if row.get("group") not in ConditionGroup.values:
        errors.append("گروه شرط نامعتبر است.")
    if row.get("verified_by") not in Verification.values:
        errors.append("روش احراز نامعتبر است.")
    one = len(facts) == 1

    def need(ok: bool, message: str) -> None:
        if not ok:
            errors.append(message)

    if check == Check.EQUALS:
        need(one and isinstance(params.get("value"), str), "«برابر با» یک داده و پارامتر value (متن) می‌خواهد.")
    elif check in (Check.IS_TRUE, Check.IS_FALSE, Check.ALL_TRUE, Check.ALL_FALSE):
        need(all(f in BOOLEAN_FACTS for f in facts), "این سنجش فقط داده‌های بله/خیر را می‌پذیرد.")
    elif check == Check.DEGREE:
        need(facts == ["degree_level", "degree_field"], "سنجش مدرک داده‌های degree_level و degree_field را می‌خواهد.")
        need(params.get("min_level") in DEGREE_LEVELS, "min_level باید یکی از مقاطع تحصیلی باشد.")
        fields = params.get("fields")
        need(
            isinstance(fields, list) and bool(fields) and all(f in DEGREE_FIELDS for f in fields),
            "fields باید فهرستی از رشته‌های شناخته‌شده باشد.",
        )
    elif check == Check.MIN_NUMBER:
        need(one and facts[0] in NUMBER_FACTS, "«دست‌کم» یک دادهٔ عددی می‌خواهد.")
        need(_is_number(params.get("min")) and params["min"] >= 0, "min باید عددی نامنفی باشد.")
    elif check == Check.NUMBER_RANGE:
        need(one and facts[0] in NUMBER_FACTS, "«در بازه» یک دادهٔ عددی می‌خواهد.")
        low, high = params.get("min"), params.get("max")
        ordered = _is_number(low) and _is_number(high) and float(low) <= float(high)  # type: ignore[arg-type]
        need(ordered, "min و max باید عدد باشند و min ≤ max.")
    elif check == Check.ONE_OF:
        vocabulary = CHOICE_FACTS.get(facts[0], {}) if one else {}
        values = params.get("values")
        need(bool(vocabulary), "«یکی از» یک دادهٔ گزینه‌ای می‌خواهد.")
        need(
            isinstance(values, list) and bool(values) and all(v in vocabulary for v in values),
            "values باید فهرستی از گزینه‌های همان داده باشد.",
        )
    elif check == Check.CONTAINS_ALL:
        items = params.get("items")
        need(facts == ["equipment"], "«همه را داشته باشد» دادهٔ equipment را می‌خواهد.")
        need(
            isinstance(items, list) and bool(items) and all(i in EQUIPMENT for i in items),
            "items باید فهرستی از تجهیزات شناخته‌شده باشد.",
        )
    elif check == Check.IN_ZONE:
        need(facts == ["location"], "«درون محدوده» دادهٔ location را می‌خواهد.")
        errors.extend(_zone_errors(params.get("zones")))
    else:
        errors.append("نوع سنجش ناشناخته است.")
    return errors


def _zone_errors(zones: Any) -> list[str]:
    message = "zones باید یک FeatureCollection از چندضلعی‌ها (GeoJSON) باشد."
    if not isinstance(zones, dict) or not isinstance(zones.get("features"), list) or not zones["features"]:
        return [message]
    try:
        for feature in zones["features"]:
            geometry = shape(feature["geometry"])
            if geometry.geom_type not in {"Polygon", "MultiPolygon"} or not geometry.is_valid:
                return [message]
    except (KeyError, TypeError, ValueError, AttributeError):
        return [message]
    return []
