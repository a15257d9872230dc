"""Applicant scoring (P4): a points table per municipality turns facts into a score with its
breakdown, used to rank applicants when a district's quota is smaller than the approved pool.
The demo table's numbers are examples, not official figures (labelled so in the UI)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .constants import DEGREE_FIELDS, DEGREE_LEVELS


@dataclass(frozen=True)
class ScoreItem:
    item: str
    label: str
    points: float


@dataclass(frozen=True)
class Score:
    total: float
    breakdown: tuple[ScoreItem, ...]


KEYS = {
    "degree_level",
    "degree_field",
    "experience_per_year",
    "experience_cap",
    "training_per_10_hours",
    "training_cap",
    "exam_score_weight",
}


def table_errors(points: Any) -> list[str]:
    """Persian problems with a points table (empty when well formed)."""
    if not isinstance(points, dict):
        return ["جدول امتیاز باید یک شیء JSON باشد."]
    errors = [f"کلید «{k}» شناخته نیست." for k in points if k not in KEYS]
    for key, vocabulary in (("degree_level", DEGREE_LEVELS), ("degree_field", DEGREE_FIELDS)):
        table = points.get(key, {})
        if not isinstance(table, dict) or not all(
            k in vocabulary and isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for k, v in table.items()
        ):
            errors.append(f"«{key}» باید نگاشتی از گزینه‌های شناخته‌شده به امتیاز نامنفی باشد.")
    for key in KEYS - {"degree_level", "degree_field"}:
        if key in points and (
            isinstance(points[key], bool) or not isinstance(points[key], int | float) or points[key] < 0
        ):
            errors.append(f"«{key}» باید عددی نامنفی باشد.")
    return errors


def score(points: Mapping[str, Any], facts: Mapping[str, Any]) -> Score:
    """Pure: the same table and facts always give the same score; missing facts add nothing."""
    items: list[ScoreItem] = []
    level = str(facts.get("degree_level", ""))
    if level in points.get("degree_level", {}):
        items.append(ScoreItem("degree_level", f"مدرک {DEGREE_LEVELS[level]}", float(points["degree_level"][level])))
    field = str(facts.get("degree_field", ""))
    if field in points.get("degree_field", {}):
        items.append(ScoreItem("degree_field", f"رشتهٔ {DEGREE_FIELDS[field]}", float(points["degree_field"][field])))
    years = facts.get("experience_years")
    if years is not None and "experience_per_year" in points:
        value = min(float(years) * points["experience_per_year"], points.get("experience_cap", float("inf")))
        items.append(ScoreItem("experience_years", "سابقهٔ کار", round(value, 2)))
    hours = facts.get("training_hours")
    if hours is not None and "training_per_10_hours" in points:
        value = min(float(hours) / 10 * points["training_per_10_hours"], points.get("training_cap", float("inf")))
        items.append(ScoreItem("training_hours", "دوره‌های آموزشی", round(value, 2)))
    exam = facts.get("exam_score")
    if exam is not None and "exam_score_weight" in points:
        items.append(ScoreItem("exam_score", "نمرهٔ آزمون", round(float(exam) * points["exam_score_weight"], 2)))
    return Score(total=round(sum(i.points for i in items), 2), breakdown=tuple(items))
