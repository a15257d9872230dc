"""The beat's heartbeat (issue 20): a task the beat schedules every ``HEALTH_BEAT_INTERVAL``
seconds; a worker runs it and writes the time into the cache. Readiness fails when the newest
heartbeat is older than ``HEALTH_BEAT_MAX_AGE``: then either no beat schedules (none started,
or it died) or no worker runs what it schedules."""

from __future__ import annotations

from celery import shared_task

from daftar.ops import heartbeat


@shared_task(name="daftar.ops.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    heartbeat.beat()
