"""The tasks: eager runs do not reschedule themselves; the sweep picks up due rows."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
import time_machine

from daftar.inquiries import tasks
from daftar.inquiries.models import Inquiry, InquiryStatus
from daftar.inquiries.services import inquiries_start

from .conftest import national_code

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def test_eager_run_does_not_recurse_and_the_sweep_retries(
    make_application: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application(code=national_code("990"))
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            inquiries_start(application=app)
        assert set(Inquiry.objects.filter(application=app).values_list("attempts", "status")) == {(1, "pending")}

        assert tasks.sweep_inquiries() == 0  # nothing due yet
        clock.shift(30)
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.sweep_inquiries() == 5
        assert set(Inquiry.objects.filter(application=app).values_list("attempts", "status")) == {(2, "pending")}
        clock.shift(60)
        tasks.sweep_inquiries()
        assert set(Inquiry.objects.filter(application=app).values_list("attempts", "status")) == {(3, "passed")}


def test_sweep_picks_up_a_fresh_row_whose_hand_over_was_lost(make_application: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        inquiries_start(application=make_application())  # never committed: no hand-over
        assert tasks.sweep_inquiries() == 0  # still within the grace period
        clock.shift(61)
        assert tasks.sweep_inquiries() == 5
    assert set(Inquiry.objects.values_list("status", flat=True)) == {InquiryStatus.PASSED}


def test_a_worker_reschedules_its_own_retry(
    make_application: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    scheduled: list[tuple[Any, float]] = []
    monkeypatch.setattr(tasks.run_inquiry, "apply_async", lambda args, countdown: scheduled.append((args, countdown)))
    inquiry = inquiries_start(application=make_application(code=national_code("990")))[0]
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        tasks.run_inquiry(inquiry.pk)
        tasks.run_inquiry(inquiry.pk)  # a duplicate finds it leased: no second schedule
    assert scheduled == [((inquiry.pk,), 30.0)]


def test_a_deleted_row_is_ignored(caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="daftar.inquiries.tasks"):
        tasks.run_inquiry(987654)
    assert "inquiry_gone id=987654" in caplog.text
    assert not Inquiry.objects.exists()
