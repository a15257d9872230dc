"""What a draft rule-set version would change for the open cases (issue 18 §3: "these 7 cases
would now fail S11.2").

Every open case of the draft's municipality and licence type (submitted, not yet decided) is
judged twice on its facts (``services.facts.case_facts``): by the version its call was opened
under, and by the draft. The cases whose verdict on a condition differs are listed under that
condition (by its Persian text: a condition id means nothing to the people who read this).

It lives here, not in the rules app: the case and its facts are this app's, and the rules app
sits below it. It only reads; publishing a version never changes a call already opened (the
call keeps its version, S7), so the preview says whom the new rules *would* treat differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from daftar.kernel.events import emit
from daftar.rules.evaluator import FAIL, PASS, about_applicant, evaluate
from daftar.rules.models import RuleSet
from daftar.rules.selectors import compiled

from .events import CaseFactsPrefetch
from .models import Application
from .services.facts import case_facts
from .workflow import REVIEW_STATES, Status

# Submitted and not decided: in review, or back with the applicant for corrections.
OPEN_STATES = frozenset({*REVIEW_STATES, Status.CORRECTION_REQUESTED})
# A preview judges each case twice; past this many (oldest first) the page says it stopped.
MAX_CASES = 2000


@dataclass(frozen=True)
class CaseRow:
    pk: int
    tracking_code: str
    before: str  # pass, fail or unknown
    after: str
    reason: str  # the draft's reason, in Persian, about the applicant (staff read it)


@dataclass
class ConditionChange:
    """The cases whose verdict on one condition of the draft changes."""

    text: str
    order: int
    now_failing: list[CaseRow] = field(default_factory=list)
    now_passing: list[CaseRow] = field(default_factory=list)
    otherwise: list[CaseRow] = field(default_factory=list)  # to or from "not known yet"

    @property
    def cases(self) -> list[CaseRow]:
        return [*self.now_failing, *self.now_passing, *self.otherwise]


@dataclass(frozen=True)
class RulePreview:
    checked: int  # open cases judged
    truncated: bool  # more open cases than MAX_CASES
    changes: tuple[ConditionChange, ...]  # only conditions with a change, in the draft's order
    affected: int  # distinct cases with any change


def open_cases(rule_set: RuleSet) -> list[Application]:
    return list(
        Application.objects.filter(
            municipality_id=rule_set.municipality_id,
            call__licence_type_id=rule_set.licence_type_id,
            status__in=list(OPEN_STATES),
        )
        .select_related("applicant", "call__rule_set__municipality")
        .prefetch_related("inquiries")
        .order_by("submitted_at", "pk")[: MAX_CASES + 1]
    )


def rule_set_preview(rule_set: RuleSet) -> RulePreview:
    """Judge the open cases by ``rule_set`` and by their own call's version; list the changes."""
    draft = compiled(rule_set)
    cases = open_cases(rule_set)
    truncated = len(cases) > MAX_CASES
    cases = cases[:MAX_CASES]
    changes = {spec.id: ConditionChange(text=spec.text, order=order) for order, spec in enumerate(draft.conditions)}
    affected: set[int] = set()
    emit(CaseFactsPrefetch(cases))  # what other apps settle, for every case in one go
    for case in cases:
        facts = case_facts(case)
        before = {c.id: c.result for c in evaluate(compiled(case.call.rule_set), facts).conditions}
        for result in evaluate(draft, facts).conditions:
            was = before.get(result.id)
            if was == result.result:
                continue
            row = CaseRow(case.pk, case.tracking_code or "", was or "", result.result, about_applicant(result.reason))
            change = changes[result.id]
            if result.result == FAIL:
                change.now_failing.append(row)
            elif result.result == PASS and was == FAIL:
                change.now_passing.append(row)
            else:
                change.otherwise.append(row)
            affected.add(case.pk)
    shown = tuple(c for c in sorted(changes.values(), key=lambda c: c.order) if c.cases)
    return RulePreview(checked=len(cases), truncated=truncated, changes=shown, affected=len(affected))
