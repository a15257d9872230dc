"""Celery tasks of the application case."""

from __future__ import annotations

from celery import shared_task

from .deadlines import clocks_tick


@shared_task(name="daftar.applications.tasks.tick_clocks", ignore_result=True)
def tick_clocks() -> dict[str, int]:
    return clocks_tick()
