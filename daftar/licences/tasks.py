"""Celery tasks of licences: the hourly sweep of suspensions and expiries (``lifecycle``)."""

from __future__ import annotations

from celery import shared_task

from .moves import licences_sweep


@shared_task(name="daftar.licences.tasks.sweep_licences", ignore_result=True)
def sweep_licences() -> dict[str, int]:
    return licences_sweep()
