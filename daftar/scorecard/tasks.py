"""Celery task of the scorecard (issue 22 §2): once a day, the period that has just ended is
computed for each municipality that has not had it yet (``services.scorecards_compute_due``)."""

from __future__ import annotations

from celery import shared_task

from .services import scorecards_compute_due


@shared_task(name="daftar.scorecard.tasks.compute_scorecards", ignore_result=True)
def compute_scorecards() -> int:
    return scorecards_compute_due()
