"""The verdicts of the assessments and the moves' effects that record them (S10.4, S11).

An exam's or interview's verdict is decided by the assessments app and handed to the case as a
typed command, ``AssessmentVerdict`` (never keys of a request's data); a case moved by one
examiner outside a session asks the assessments app for the municipality's marks. A failed
exam or interview fails S10.4. The inspector's measurements replace the declared premises
facts and are judged by the location conditions (S11).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from daftar.kernel import events
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_number
from daftar.rules.facts import validate_facts
from daftar.rules.selectors import compiled

from .. import messages as msg
from ..events import VerdictWanted
from ..models import Application
from .facts import case_evaluate


def score_value(raw: Any) -> float:
    """A score of 0 to 100 from a request (``ValueError`` otherwise)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError
    try:
        value = float(raw)
    except OverflowError:
        raise ValueError from None
    if not 0 <= value <= 100:
        raise ValueError
    return value


@dataclass(frozen=True)
class AssessmentVerdict:
    """An exam's or interview's verdict, handed by the assessments app to ``application_move`` as
    a typed command of its own (never a key of the request's ``data``, so the API cannot set
    it). ``score`` is the exam's weighted total or the interview panel's mean; ``pass_mark`` and
    ``rule`` are the session's or panel's copy of the municipality's; ``passed`` is decided by
    the assessments app (e.g. "all must pass"); ``scores`` are the panel members' scores."""

    kind: str  # "exam" | "interview"
    score: float
    pass_mark: float
    rule: str
    passed: bool
    scores: tuple[float, ...] = ()


VERDICT_KIND = {"record_exam": "exam", "record_interview": "interview"}


def effect_exam(
    application: Application, data: dict[str, Any], verdict: AssessmentVerdict | None = None
) -> tuple[bool, str]:
    if verdict is None:  # one case moved by an examiner (POST …/transitions): judged by the
        verdict = events.ask(VerdictWanted("exam", application, data))  # municipality's marks
    value, mark, passed = verdict.score, verdict.pass_mark, verdict.passed
    application.assessment = {
        **application.assessment,
        "exam": {"score": value, "pass_mark": mark, "rule": verdict.rule, "passed": passed},
    }
    return passed, "" if passed else msg.EXAM_FAILED.format(score=persian_number(value), mark=persian_number(mark))


def effect_interview(
    application: Application, data: dict[str, Any], verdict: AssessmentVerdict | None = None
) -> tuple[bool, str]:
    if verdict is None:  # one case moved by an examiner (POST …/transitions): judged by the
        verdict = events.ask(VerdictWanted("interview", application, data))  # municipality's marks
    mean, mark, passed = verdict.score, verdict.pass_mark, verdict.passed
    application.assessment = {
        **application.assessment,
        "interview": {
            "scores": list(verdict.scores),
            "mean": mean,
            "pass_mark": mark,
            "rule": verdict.rule,
            "passed": passed,
        },
    }
    return passed, "" if passed else msg.INTERVIEW_FAILED.format(score=persian_number(mean), mark=persian_number(mark))


def effect_inspection(application: Application, data: dict[str, Any]) -> tuple[bool, str]:
    measured = ("premises_use", "measured_area_m2", "equipment", "location")
    missing = [name for name in measured if data.get(name) in (None, "")]
    if missing:  # the inspector's measurements, never the applicant's declaration
        raise ApplicationError(
            msg.INSPECTION_INCOMPLETE, fields={name: [msg.INSPECTION_INCOMPLETE] for name in missing}
        )
    raw = {
        "premises_use": data.get("premises_use"),
        "premises_area_m2": data.get("measured_area_m2"),
        "equipment": data.get("equipment"),
        "location": data.get("location"),
    }
    try:
        facts = validate_facts(raw)
    except ApplicationError as exc:
        exc.fields = {
            k.replace("facts.premises_area_m2", "measured_area_m2").replace("facts.", ""): v
            for k, v in exc.fields.items()
        }
        raise
    application.assessment = {**application.assessment, "inspection": {"facts": facts}}
    evaluation = case_evaluate(application)
    rule_set = compiled(application.call.rule_set)
    location = {c.id for c in rule_set.conditions if c.group == "location"}
    failed = [c for c in evaluation.conditions if c.id in location and c.result != "pass"]
    application.assessment["inspection"]["results"] = [
        {"id": c.id, "result": c.result, "reason": c.reason} for c in evaluation.conditions if c.id in location
    ]
    if failed:
        application.failed_conditions = [c.id for c in failed]
        return False, msg.INSPECTION_FAILED.format(reasons="؛ ".join(c.reason.rstrip(".") for c in failed))
    return True, ""


EFFECTS: dict[str, Callable[[Application, dict[str, Any]], tuple[bool, str]]] = {
    "record_exam": effect_exam,
    "record_interview": effect_interview,
    "record_inspection": effect_inspection,
}

FAILED_CONDITION_OF = {"record_exam": ["S10.4"], "record_interview": ["S10.4"]}
