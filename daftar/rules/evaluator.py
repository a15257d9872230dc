"""The evaluator: a pure function of (rule-set version, facts) → a verdict per condition.

Each condition is ``pass``, ``fail`` or ``unknown`` with a Persian reason naming the fact and
the threshold; the whole is eligible ``True`` (all pass), ``False`` (any fail) or ``None``
(nothing failed but something is unknown). It never raises on well-typed facts (validated by
``daftar.rules.facts`` beforehand); a missing fact makes its condition ``unknown``. The same
evaluator serves the applicant's self-check and, later, the reviewer's and inspector's
checklists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep

from daftar.kernel.normalize import persian_number

from .constants import DEGREE_FIELDS, DEGREE_LEVELS, DEGREE_RANK, EQUIPMENT, FACT_LABELS, PREMISES_USES

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
COUNTRY_NAMES = {"IR": "ایران", "AF": "افغانستان", "IQ": "عراق", "PK": "پاکستان", "TR": "ترکیه"}


@dataclass(frozen=True)
class ConditionSpec:
    id: str
    group: str
    check: str
    facts: tuple[str, ...]
    parameters: Mapping[str, Any]
    text: str = ""
    citation: str = ""
    verified_by: str = ""
    document_type: str = ""
    zones: tuple[PreparedGeometry, ...] = ()


@dataclass(frozen=True)
class CompiledRuleSet:
    id: int | None
    version: int
    effective_from: dt.date | None
    place: str
    conditions: tuple[ConditionSpec, ...]


@dataclass(frozen=True)
class ConditionResult:
    id: str
    result: str
    reason: str


@dataclass(frozen=True)
class Evaluation:
    eligible: bool | None
    conditions: tuple[ConditionResult, ...] = field(default_factory=tuple)


def fa_number(value: float | int, decimals: int = 2) -> str:
    return persian_number(value, decimals)


def fa_beside(value: float | int, threshold: float | int) -> str:
    """``value`` with enough decimals that it does not *look* equal to ``threshold``:
    59.999 beside 60 is «۵۹٫۹۹۹», never «۶۰» (a reason must not contradict itself)."""
    for decimals in range(2, 10):
        if value == threshold or round(value, decimals) != threshold:
            return persian_number(value, decimals)
    return persian_number(value, 12)


def compile_rule_set(
    *,
    conditions: Sequence[Mapping[str, Any]],
    place: str,
    version: int = 0,
    rule_set_id: int | None = None,
    effective_from: dt.date | None = None,
) -> CompiledRuleSet:
    """Turn condition rows (as dicts) into an immutable structure, zones prepared once."""
    specs = []
    for row in conditions:
        params = dict(row.get("parameters") or {})
        zones: tuple[PreparedGeometry, ...] = ()
        if row["check"] == "in_zone":
            zones = tuple(prep(shape(f["geometry"])) for f in params.get("zones", {}).get("features", []))
        specs.append(
            ConditionSpec(
                id=row["cid"],
                group=row["group"],
                check=row["check"],
                facts=tuple(row.get("facts") or ()),
                parameters=params,
                text=row.get("text", ""),
                citation=row.get("citation", ""),
                verified_by=row.get("verified_by", ""),
                document_type=row.get("document_type", ""),
                zones=zones,
            )
        )
    return CompiledRuleSet(
        id=rule_set_id, version=version, effective_from=effective_from, place=place, conditions=tuple(specs)
    )


def _missing(spec: ConditionSpec, facts: Mapping[str, Any]) -> str | None:
    for name in spec.facts:
        if facts.get(name) is None:
            return f"{FACT_LABELS.get(name, name)} را هنوز ننوشته‌اید؛ با نوشتن آن این شرط سنجیده می‌شود."
    return None


Outcome = tuple[str, str]


def _equals(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    name, expected = spec.facts[0], spec.parameters["value"]
    value = facts[name]
    if name == "nationality":
        if value == expected:
            return PASS, "تابعیت شما ایرانی است."
        return FAIL, f"تابعیت شما {COUNTRY_NAMES.get(value, value)} است؛ تابعیت ایران لازم است."
    label = FACT_LABELS.get(name, name)
    if value == expected:
        return PASS, f"{label} شما با این شرط سازگار است."
    return FAIL, f"{label} شما باید «{expected}» باشد."


BOOLEAN_PHRASES = {  # fact: (said when true, said when false)
    "has_criminal_record": ("سوء پیشینهٔ کیفری مؤثر دارید", "سوء پیشینهٔ کیفری مؤثر ندارید"),
    "has_addiction_certificate": ("گواهی عدم اعتیاد دارید", "گواهی عدم اعتیاد ندارید"),
    "health_certified": ("سلامت جسمی و روانی شما تأیید شده است", "تأیید سلامت جسمی و روانی ندارید"),
    "government_employee": ("کارمند دولت هستید", "کارمند دولت نیستید"),
    "represents_other_office": ("نمایندهٔ دفتر دیگری هستید", "نمایندهٔ دفتر دیگری نیستید"),
    "training_completed": ("دوره‌های آموزشی مصوب را گذرانده‌اید", "دوره‌های آموزشی مصوب را هنوز نگذرانده‌اید"),
    "exam_passed": ("در آزمون تخصصی پذیرفته شده‌اید", "در آزمون تخصصی پذیرفته نشده‌اید"),
    "interview_passed": ("در مصاحبهٔ علمی و فنی پذیرفته شده‌اید", "در مصاحبهٔ علمی و فنی پذیرفته نشده‌اید"),
}


def _phrase(name: str, value: bool) -> str:
    yes, no = BOOLEAN_PHRASES.get(name, (f"{name}: بله", f"{name}: خیر"))
    return yes if value else no


def _boolean(spec: ConditionSpec, facts: Mapping[str, Any], want: bool) -> Outcome:
    for name in spec.facts:
        if bool(facts[name]) is not want:
            return FAIL, _phrase(name, bool(facts[name])) + "."
    return PASS, "؛ ".join(_phrase(name, want) for name in spec.facts) + "."


def _degree(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    level, field_ = facts["degree_level"], facts["degree_field"]
    minimum = spec.parameters["min_level"]
    fields = spec.parameters["fields"]
    if DEGREE_RANK[level] < DEGREE_RANK[minimum]:
        return FAIL, f"مدرک شما {DEGREE_LEVELS[level]} است؛ دست‌کم مدرک {DEGREE_LEVELS[minimum]} لازم است."
    if field_ not in fields:
        return FAIL, f"رشتهٔ شما «{DEGREE_FIELDS[field_]}» است که از رشته‌های مرتبط پذیرفته‌شده نیست."
    return PASS, f"مدرک شما {DEGREE_LEVELS[level]} در رشتهٔ مرتبط {DEGREE_FIELDS[field_]} است."


UNITS = {"experience_years": "سال", "premises_area_m2": "متر مربع", "age": "سال", "training_hours": "ساعت"}


def _min_number(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    name = spec.facts[0]
    value, minimum = facts[name], spec.parameters["min"]
    label, unit = FACT_LABELS.get(name, name), UNITS.get(name, "")
    where = f" در {place}" if spec.parameters.get("municipal") else ""
    shown = f"{label} شما {fa_beside(value, minimum)} {unit} است"
    if value >= minimum:
        return PASS, f"{shown} و دست‌کم {fa_number(minimum)} {unit}{where} لازم است."
    return FAIL, f"{shown}؛ دست‌کم {fa_number(minimum)} {unit}{where} لازم است."


def _number_range(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    name = spec.facts[0]
    value, low, high = facts[name], spec.parameters["min"], spec.parameters["max"]
    label, unit = FACT_LABELS.get(name, name), UNITS.get(name, "")
    shown = fa_beside(value, low if value < low else high)
    if low <= value <= high:
        return PASS, f"{label} شما {shown} {unit} است و باید از {fa_number(low)} تا {fa_number(high)} {unit} باشد."
    return FAIL, f"{label} شما {shown} {unit} است؛ باید از {fa_number(low)} تا {fa_number(high)} {unit} باشد."


def _one_of(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    name = spec.facts[0]
    value, allowed = facts[name], spec.parameters["values"]
    names = " یا ".join(PREMISES_USES.get(v, v) for v in allowed)
    shown = PREMISES_USES.get(value, value)
    if value in allowed:
        return PASS, f"کاربری محل شما {shown} است که پذیرفته است."
    return FAIL, f"کاربری محل شما {shown} است؛ باید {names} باشد."


def _contains_all(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    have = set(facts[spec.facts[0]])
    missing = [item for item in spec.parameters["items"] if item not in have]
    if missing:
        return FAIL, "این تجهیزات را هنوز ندارید: " + "، ".join(EQUIPMENT.get(i, i) for i in missing) + "."
    return PASS, "همهٔ تجهیزات لازم را دارید."


def _in_zone(spec: ConditionSpec, facts: Mapping[str, Any], place: str) -> Outcome:
    location = facts[spec.facts[0]]
    point = Point(location["lng"], location["lat"])
    where = f"({fa_number(location['lat'], 6)}، {fa_number(location['lng'], 6)})"
    if any(zone.covers(point) for zone in spec.zones):
        return PASS, f"محلی که نشان داده‌اید {where} درون محدودهٔ مجاز {place} است."
    return FAIL, f"محلی که نشان داده‌اید {where} بیرون از محدوده‌های مجاز {place} است."


CHECKS: dict[str, Callable[[ConditionSpec, Mapping[str, Any], str], Outcome]] = {
    "equals": _equals,
    "is_true": lambda spec, facts, place: _boolean(spec, facts, True),
    "all_true": lambda spec, facts, place: _boolean(spec, facts, True),
    "is_false": lambda spec, facts, place: _boolean(spec, facts, False),
    "all_false": lambda spec, facts, place: _boolean(spec, facts, False),
    "degree": _degree,
    "min_number": _min_number,
    "number_range": _number_range,
    "one_of": _one_of,
    "contains_all": _contains_all,
    "in_zone": _in_zone,
}


def evaluate(rule_set: CompiledRuleSet, facts: Mapping[str, Any]) -> Evaluation:
    """Judge ``facts`` by ``rule_set``. Pure: no I/O, no clock, no state."""
    results = []
    any_fail = any_unknown = False
    for spec in rule_set.conditions:
        missing = _missing(spec, facts)
        if missing is not None:
            outcome: Outcome = (UNKNOWN, missing)
        else:
            try:
                outcome = CHECKS[spec.check](spec, facts, rule_set.place)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                # Rule data is checked before publishing (schema.py); should a bad row slip
                # through, that one condition is unknown rather than the whole request a 500.
                outcome = (UNKNOWN, "این شرط به سبب دادهٔ نادرست قاعده سنجیده نشد؛ مدیر سامانه باید آن را اصلاح کند.")
        any_fail = any_fail or outcome[0] == FAIL
        any_unknown = any_unknown or outcome[0] == UNKNOWN
        results.append(ConditionResult(spec.id, outcome[0], outcome[1]))
    eligible = False if any_fail else (None if any_unknown else True)
    return Evaluation(eligible=eligible, conditions=tuple(results))


# The reasons above speak to the applicant («مساحت مفید محل شما …», «… ندارید»); staff read the
# same judgement about someone else. ``about_applicant`` words a reason in the third person; the
# table covers every second-person form the checks above write (test_evaluator checks that).
_ABOUT = {  # fact: (said of the applicant when true, when false), beside BOOLEAN_PHRASES
    "has_criminal_record": ("متقاضی سوء پیشینهٔ کیفری مؤثر دارد", "متقاضی سوء پیشینهٔ کیفری مؤثر ندارد"),
    "has_addiction_certificate": ("متقاضی گواهی عدم اعتیاد دارد", "متقاضی گواهی عدم اعتیاد ندارد"),
    "health_certified": ("سلامت جسمی و روانی متقاضی تأیید شده است", "متقاضی تأیید سلامت جسمی و روانی ندارد"),
    "government_employee": ("متقاضی کارمند دولت است", "متقاضی کارمند دولت نیست"),
    "represents_other_office": ("متقاضی نمایندهٔ دفتر دیگری است", "متقاضی نمایندهٔ دفتر دیگری نیست"),
    "training_completed": (
        "متقاضی دوره‌های آموزشی مصوب را گذرانده است",
        "متقاضی دوره‌های آموزشی مصوب را هنوز نگذرانده است",
    ),
    "exam_passed": ("متقاضی در آزمون تخصصی پذیرفته شده است", "متقاضی در آزمون تخصصی پذیرفته نشده است"),
    "interview_passed": (
        "متقاضی در مصاحبهٔ علمی و فنی پذیرفته شده است",
        "متقاضی در مصاحبهٔ علمی و فنی پذیرفته نشده است",
    ),
}
_THIRD_PERSON = (
    *((you, they) for name, pair in BOOLEAN_PHRASES.items() for you, they in zip(pair, _ABOUT[name], strict=True)),
    ("را هنوز ننوشته‌اید؛", "را هنوز ننوشته است؛"),
    ("محلی که نشان داده‌اید", "محلی که متقاضی نشان داده است"),
    ("این تجهیزات را هنوز ندارید", "متقاضی این تجهیزات را هنوز ندارد"),
    ("همهٔ تجهیزات لازم را دارید", "متقاضی همهٔ تجهیزات لازم را دارد"),
    (" شما", " متقاضی"),
)


def about_applicant(reason: str) -> str:
    """``reason`` as staff read it: «مساحت مفید محل متقاضی …», «متقاضی … ندارد»."""
    for you, they in _THIRD_PERSON:
        reason = reason.replace(you, they)
    return reason
