"""What the assessments app does when the case below it moves (``daftar.kernel.events``).

Registered in ``AssessmentsConfig.ready``; the case never imports this app.
"""

from __future__ import annotations

from typing import Any

from daftar.applications import messages as case_msg
from daftar.applications.events import (
    CaseAppointment,
    CaseAppointmentsWanted,
    CaseFactsPrefetch,
    CaseFactsWanted,
    CaseMoved,
    VerdictWanted,
)
from daftar.applications.services import AssessmentVerdict, score_value
from daftar.applications.signals import watch_case_part
from daftar.applications.workflow import Status
from daftar.kernel.errors import ApplicationError
from daftar.kernel.events import subscribe

from . import messages as msg
from .exam_certificate import exam_certificate_after_commit
from .models import ExamSeat, InterviewPanel, PanelRule, PassRule, TrainingCredit, policy_for


def training_facts(event: CaseFactsWanted) -> dict[str, Any]:
    """Courses the municipality recorded settle the applicant's declaration (S10.3)."""
    application = event.application
    hours = application.__dict__.get("training_hours_prefetched")
    if hours is None:  # once per loaded case, however often its facts are asked for
        hours = list(TrainingCredit.objects.filter(application=application).values_list("hours", flat=True))
        application.__dict__["training_hours_prefetched"] = hours
    if not hours:
        return {}
    return {"training_completed": True, "training_hours": sum(hours)}


def training_facts_prefetch(event: CaseFactsPrefetch) -> None:
    """The recorded training hours of many cases in one query (the rule-set preview)."""
    cases = list(event.applications)
    hours: dict[int, list[int]] = {case.pk: [] for case in cases}
    for application_id, value in TrainingCredit.objects.filter(application_id__in=list(hours)).values_list(
        "application_id", "hours"
    ):
        hours[application_id].append(value)
    for case in cases:
        case.__dict__["training_hours_prefetched"] = hours[case.pk]


def certificate_after_interview(event: CaseMoved) -> None:
    """The exam certificate is drawn once a passed interview commits (S12.7)."""
    if event.action == "record_interview" and event.passed:
        exam_certificate_after_commit(event.application.pk)


def single_case_verdict(event: VerdictWanted) -> AssessmentVerdict:
    """One case's exam or interview moved outside a session (POST …/transitions): the request
    gives only the score(s); the mark and the rule are the municipality's, never the request's."""
    rules = policy_for(event.application.municipality_id)
    if event.kind == "exam":
        try:
            value = score_value(event.data.get("score"))
        except (TypeError, ValueError):
            raise ApplicationError(case_msg.SCORE_RANGE, fields={"score": [case_msg.SCORE_RANGE]}) from None
        if rules.exam_pass_rule != PassRule.FIXED:  # a relative mark needs every seat of a session
            raise ApplicationError(msg.EXAM_NEEDS_SESSION, code="exam_needs_session", status=409)
        mark = float(rules.fixed_pass_mark)
        return AssessmentVerdict("exam", value, mark, PassRule.FIXED.value, value >= mark)
    raw = event.data.get("scores")
    try:
        if not isinstance(raw, list) or not 1 <= len(raw) <= 15:
            raise ValueError
        scores = [score_value(s) for s in raw]
    except (TypeError, ValueError):
        raise ApplicationError(case_msg.SCORES_LIST, fields={"scores": [case_msg.SCORES_LIST]}) from None
    mean = round(sum(scores) / len(scores), 2)
    mark = float(rules.interview_pass_mark)
    passed = all(x >= mark for x in scores) if rules.interview_rule == PanelRule.ALL_PASS else mean >= mark
    return AssessmentVerdict("interview", mean, mark, str(rules.interview_rule), passed, tuple(scores))


def case_appointments(event: CaseAppointmentsWanted) -> list[CaseAppointment]:
    """What the applicants are to attend (issue 21 §4): the session of each case in «آزمون»
    seated in one not yet decided, and the interview of each case in «مصاحبه» whose time and
    place are set and whose panel has not decided. One query per kind, none for a kind no case
    is at; the session's title, time and place and the panel's are read with the rows."""
    exam = [a.pk for a in event.applications if a.status == Status.EXAM]
    interview = [a.pk for a in event.applications if a.status == Status.INTERVIEW]
    found: list[CaseAppointment] = []
    if exam:
        seats = ExamSeat.objects.filter(application_id__in=exam, session__decided_at__isnull=True).values_list(
            "application_id", "session__title", "session__starts_at", "session__place"
        )
        found += [CaseAppointment(pk, "exam", title, when, place) for pk, title, when, place in seats]
    if interview:
        panels = InterviewPanel.objects.filter(
            application_id__in=interview, decided_at__isnull=True, starts_at__isnull=False
        ).values_list("application_id", "starts_at", "place")
        found += [CaseAppointment(pk, "interview", "", when, place) for pk, when, place in panels]
    return found


def connect() -> None:
    subscribe(CaseFactsWanted, training_facts)
    subscribe(CaseFactsPrefetch, training_facts_prefetch)
    subscribe(CaseMoved, certificate_after_interview)
    subscribe(VerdictWanted, single_case_verdict)
    subscribe(CaseAppointmentsWanted, case_appointments)
    watch_case_part(TrainingCredit)
    # the exam seat and the interview's time and place show in the case's body (the cached API)
    watch_case_part(ExamSeat)
    watch_case_part(InterviewPanel)
