"""A URLconf for the log and error-report tests: a view that queues a task, one that fails."""

from __future__ import annotations

import logging

import structlog
from celery import shared_task
from django.http import HttpRequest, HttpResponse
from django.urls import path

log = logging.getLogger("daftar.runtime.tests")


@shared_task(name="daftar.runtime.tests.logging_urls.logged_task")
def logged_task(mobile: str) -> str:
    log.info("stdlib line in the task for %s", mobile)
    structlog.get_logger("daftar.runtime.tests").info("task_line", mobile=mobile)
    return "done"


@shared_task(name="daftar.runtime.tests.logging_urls.failing_task")
def failing_task(mobile: str) -> None:
    raise ValueError(f"no office for {mobile}, national code 0499370899, token=s3cr3t-t0ken")


def queue(request: HttpRequest) -> HttpResponse:
    log.info("stdlib line in the view")
    logged_task.delay("09123456789")
    return HttpResponse("queued")


def boom(request: HttpRequest) -> HttpResponse:
    raise ValueError("no office for 09123456789, national code 0499370899, token=s3cr3t-t0ken")


urlpatterns = [path("queue/", queue), path("boom/", boom)]
