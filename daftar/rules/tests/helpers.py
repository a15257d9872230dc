"""Helpers for the rules tests: the facts of an applicant who meets every condition."""

from __future__ import annotations

from typing import Any

GOOD: dict[str, Any] = {
    "nationality": "IR",
    "person_type": "natural",
    "has_criminal_record": False,
    "has_addiction_certificate": True,
    "health_certified": True,
    "government_employee": False,
    "represents_other_office": False,
    "degree_level": "bachelor",
    "degree_field": "urban_planning",
    "experience_years": 3,
    "training_completed": True,
    "exam_passed": True,
    "interview_passed": True,
    "premises_use": "commercial",
    "premises_area_m2": 60,
    "equipment": ["computers", "high_speed_internet", "signboard", "client_facilities"],
    "location": {"lat": 35.745, "lng": 51.553},
}
