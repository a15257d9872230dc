"""What the assessments app does when the case below it moves (``daftar.kernel.events``).

Registered in ``AssessmentsConfig.ready``; the case never imports this app.
"""

from __future__ import annotations

from typing import Any

from daftar.applications.events import CaseFactsWanted, CaseMoved
from daftar.applications.signals import watch_case_part
from daftar.kernel.events import subscribe

from .exam_certificate import exam_certificate_after_commit
from .models import TrainingCredit


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


def certificate_after_interview(event: CaseMoved) -> None:
    """The exam certificate is drawn once a passed interview commits (S12.7)."""
    if event.action == "record_interview" and event.passed:
        exam_certificate_after_commit(event.application.pk)


def connect() -> None:
    subscribe(CaseFactsWanted, training_facts)
    subscribe(CaseMoved, certificate_after_interview)
    watch_case_part(TrainingCredit)
