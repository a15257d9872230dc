"""What a case is judged on, and the verdict kept on it (S9–S11, S15.2, P4).

``case_facts`` gathers the facts: those the applicant declared (validated by the rules, less
the ones the profile holds, S15.2), the profile's, what outside bodies answered (the inquiries:
a failed criminal-record inquiry makes S9.2 fail) and what the assessments settled (training
courses S10.3, the exam and the interview S10.4, the inspector's measurements S11).
``case_evaluate`` judges them by the rule-set version of the case's call, live. The verdict
kept on the case, with its score by the scoring table in force at the first submission (P4),
is refreshed whenever a draft changes or a move may change it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from daftar.inquiries import services as inquiries
from daftar.kernel import events
from daftar.rules.evaluator import Evaluation, evaluate
from daftar.rules.facts import validate_facts
from daftar.rules.models import ScoringTable
from daftar.rules.scoring import score
from daftar.rules.selectors import compiled, scoring_table_in_force

from ..events import CaseFactsWanted
from ..models import Application

# Facts that come from the applicant's profile, not from the form.
PROFILE_FACTS = ("nationality", "person_type")


def case_facts(application: Application) -> dict[str, Any]:
    """What the case is judged on: declared facts, the profile, then what outside bodies and
    the assessments settled (each later source overrides the earlier one)."""
    user = application.applicant
    facts: dict[str, Any] = dict(application.facts)
    if user.nationality:
        facts["nationality"] = user.nationality
    if user.person_type:
        facts["person_type"] = user.person_type
    if application.pk is not None:
        facts.update(inquiries.inquiry_facts(application))
        for settled in events.emit(CaseFactsWanted(application)):  # e.g. training courses (S10.3)
            facts.update(settled)
    assessed = application.assessment or {}
    if "exam" in assessed:
        facts["exam_score"] = assessed["exam"]["score"]
        facts["exam_passed"] = assessed["exam"]["passed"]
    if "interview" in assessed:
        facts["interview_passed"] = assessed["interview"]["passed"]
    if "inspection" in assessed:
        facts.update(assessed["inspection"]["facts"])
    return facts


def case_evaluate(application: Application) -> Evaluation:
    return evaluate(compiled(application.call.rule_set), case_facts(application))


def _refresh_verdict(application: Application) -> Evaluation:
    evaluation = case_evaluate(application)
    application.eligible = evaluation.eligible
    application.results = [{"id": c.id, "result": c.result, "reason": c.reason} for c in evaluation.conditions]
    # a case is scored by the table in force at its first submission, so every case in one
    # ranking is scored alike even if the table changes meanwhile
    kept = (application.score or {}).get("table")
    table = ScoringTable.objects.filter(pk=kept).first() if kept else None
    if table is None and kept is None and hasattr(application.call, "scoring_table_cached"):
        table = application.call.scoring_table_cached  # casecache.call_for_new_case: today's table
    elif table is None:
        table = scoring_table_in_force(application.call.licence_type, application.municipality)
    if table is not None:
        points = score(table.points, case_facts(application))
        application.score_total = Decimal(str(round(points.total, 2)))
        application.score = {
            "table": table.pk,
            "version": table.version,
            "example_figures": table.is_example,
            "breakdown": [{"item": i.item, "label": i.label, "points": i.points} for i in points.breakdown],
        }
    return evaluation


def _validated_facts(raw: Any) -> dict[str, Any]:
    facts = validate_facts(raw if raw is not None else {})
    for name in PROFILE_FACTS:  # the profile is the source of these (S15.2)
        facts.pop(name, None)
    return facts
