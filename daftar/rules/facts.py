"""Validation of facts (API.md «Fact names»): types and vocabularies are checked *before*
evaluation, so the evaluator only ever sees well-typed facts. Every error names the field in
Persian. Shared by the API and the self-check form."""

from __future__ import annotations

import math
from typing import Any

from daftar.kernel.countries import ISO_ALPHA2
from daftar.kernel.errors import ApplicationError

from . import messages as msg
from .constants import BOOLEAN_FACTS, DEGREE_FIELDS, DEGREE_LEVELS, EQUIPMENT, FACT_LABELS, PERSON_TYPES, PREMISES_USES

NUMBER_FACTS = {  # name: (strictly positive?, upper bound)
    "age": (False, 150),
    "experience_years": (False, 80),
    "premises_area_m2": (True, 1_000_000),
    "training_hours": (False, 100_000),
    "exam_score": (False, 100),
}
CHOICE_FACTS = {
    "person_type": PERSON_TYPES,
    "degree_level": DEGREE_LEVELS,
    "degree_field": DEGREE_FIELDS,
    "premises_use": PREMISES_USES,
}
KNOWN = {"nationality", "equipment", "location", *BOOLEAN_FACTS, *NUMBER_FACTS, *CHOICE_FACTS}


def _choices(vocabulary: dict[str, str]) -> str:
    return "، ".join(vocabulary)


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _number(name: str, value: Any) -> float | int:
    label = FACT_LABELS[name]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        raise ValueError(msg.FACT_TOO_LARGE.format(label=label))
    if not _finite(value):
        raise ValueError(msg.FACT_NUMBER.format(label=label))
    positive, upper = NUMBER_FACTS[name]
    if positive and value <= 0:
        raise ValueError(msg.FACT_POSITIVE.format(label=label))
    if value < 0:
        raise ValueError(msg.FACT_NEGATIVE.format(label=label))
    if value > upper:
        raise ValueError(msg.FACT_TOO_LARGE.format(label=label))
    return value


def _location(value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or set(value) != {"lat", "lng"}:
        raise ValueError(msg.LOCATION_SHAPE)
    lat, lng = value["lat"], value["lng"]
    for v in (lat, lng):
        if not _finite(v):
            raise ValueError(msg.LOCATION_SHAPE)
    if not -90 <= lat <= 90:
        raise ValueError(msg.LATITUDE_RANGE)
    if not -180 <= lng <= 180:
        raise ValueError(msg.LONGITUDE_RANGE)
    return {"lat": float(lat), "lng": float(lng)}


def _one(name: str, value: Any) -> Any:
    label = FACT_LABELS.get(name, name)
    if name in BOOLEAN_FACTS:
        if not isinstance(value, bool):
            raise ValueError(msg.FACT_BOOLEAN.format(label=label))
        return value
    if name in NUMBER_FACTS:
        return _number(name, value)
    if name in CHOICE_FACTS:
        vocabulary = CHOICE_FACTS[name]
        if not isinstance(value, str) or value not in vocabulary:
            raise ValueError(msg.FACT_CHOICE.format(label=label, choices=_choices(vocabulary)))
        return value
    if name == "nationality":
        if not isinstance(value, str) or value.upper() not in ISO_ALPHA2:
            raise ValueError(msg.FACT_NATIONALITY)
        return value.upper()
    if name == "equipment":
        if not isinstance(value, list) or not all(isinstance(v, str) and v in EQUIPMENT for v in value):
            raise ValueError(msg.FACT_LIST.format(label=label, choices=_choices(EQUIPMENT)))
        return sorted(set(value))
    if name == "location":
        return _location(value)
    raise ValueError(msg.FACT_UNKNOWN.format(name=name))


def validate_facts(raw: Any) -> dict[str, Any]:
    """Return clean facts or raise ``ApplicationError`` (400) naming every bad field.

    ``null`` means "not known" and is dropped, so the condition it feeds is ``unknown``.
    """
    if not isinstance(raw, dict):
        raise ApplicationError(msg.FACTS_NOT_OBJECT, code="invalid", fields={"facts": [msg.FACTS_NOT_OBJECT]})
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in raw.items():
        if value is None:
            continue
        if name not in KNOWN:
            errors[f"facts.{name}"] = [msg.FACT_UNKNOWN.format(name=name)]
            continue
        try:
            clean[name] = _one(name, value)
        except ValueError as exc:
            errors[f"facts.{name}"] = [str(exc)]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first if len(errors) == 1 else "برخی داده‌ها نادرست است.", code="invalid", fields=errors)
    return clean
