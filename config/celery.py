"""The Celery application. In the embedded default tasks run eagerly (see settings)."""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("daftar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's log lines carry the request id (and task id) from the headers django-structlog
# added when the request queued it (issue 20; daftar/runtime/logging_middleware.py).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _django_logging(**kwargs: Any) -> None:
    """The worker and beat log through Django's LOGGING (JSON lines in production) instead of
    Celery's own set-up (connecting this signal tells Celery to leave logging alone)."""
    from django.conf import settings  # the settings are read once Celery has loaded them

    logging.config.dictConfig(settings.LOGGING)
