"""Starting, running, retrying and reading inquiries against the simulator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from daftar.audit.models import AuditEntry
from daftar.inquiries import messages as msg
from daftar.inquiries import sms
from daftar.inquiries.adapters import InquiryUnavailable, Outcome, SimulatorAdapter
from daftar.inquiries.breaker import Breaker
from daftar.inquiries.models import Inquiry, InquiryStatus, Kind
from daftar.inquiries.services import (
    inquiries_start,
    inquiry_blockers,
    inquiry_facts,
    inquiry_retry,
    inquiry_run,
)
from daftar.kernel.errors import ApplicationError
from daftar.notifications.backends import LocmemBackend
from daftar.notifications.models import OutboxMessage

from .conftest import national_code, reviewer

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def start(application: Any, capture: Any) -> list[Inquiry]:
    """Start as the submit service would, then let the commit hand the rows over (eager)."""
    with capture(execute=True):
        rows = inquiries_start(application=application)
    return rows


def statuses(application: Any) -> dict[str, str]:
    return dict(Inquiry.objects.filter(application=application).values_list("kind", "status"))


def test_start_runs_every_kind_and_a_clean_code_passes(
    make_application: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application()
    rows = start(app, django_capture_on_commit_callbacks)
    assert [r.kind for r in rows] == [k.value for k in Kind]
    assert set(statuses(app).values()) == {InquiryStatus.PASSED}
    inquiry = Inquiry.objects.get(application=app, kind="identity")
    assert inquiry.attempts == 1 and inquiry.completed_at and inquiry.reference.startswith("SIM-identity-")
    assert AuditEntry.objects.filter(action="inquiry.result").count() == 5
    assert inquiry_blockers(app) == []
    assert inquiry_facts(app) == {
        "has_criminal_record": False,
        "has_addiction_certificate": True,
        "health_certified": True,
    }
    assert not OutboxMessage.objects.filter(kind="inquiry_failed").exists()


def test_start_is_idempotent_and_asks_again_only_errors(
    make_application: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application()
    inquiries_start(application=app)  # not committed: nothing ran
    inquiries_start(application=app)
    assert Inquiry.objects.filter(application=app).count() == 5
    Inquiry.objects.filter(application=app, kind="health").update(status=InquiryStatus.ERROR, attempts=5)
    Inquiry.objects.filter(application=app, kind="degree").update(status=InquiryStatus.FAILED, reason="x")
    start(app, django_capture_on_commit_callbacks)
    assert Inquiry.objects.filter(application=app).count() == 5
    health = Inquiry.objects.get(application=app, kind="health")
    assert (health.status, health.attempts) == (InquiryStatus.PASSED, 1)
    assert statuses(app)["degree"] == InquiryStatus.FAILED  # an answer stands
    requested = AuditEntry.objects.filter(action="inquiry.requested").order_by("seq")
    assert [e.data["kinds"] for e in requested] == [[k.value for k in Kind], ["health"]]


def test_a_failed_inquiry_queues_an_sms_audits_and_blocks(
    make_application: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application(code=national_code("999"))
    start(app, django_capture_on_commit_callbacks)
    inquiry = Inquiry.objects.get(application=app, kind="criminal_record")
    assert inquiry.status == InquiryStatus.FAILED
    assert inquiry.reason == msg.SIM_FAILED["criminal_record"]
    [queued] = OutboxMessage.objects.filter(kind="inquiry_failed")
    assert queued.to == app.applicant.mobile and queued.sensitive  # its text is blanked once sent
    assert (queued.recipient_id, queued.municipality_id) == (app.applicant_id, app.municipality_id)
    [sent] = [s for s in LocmemBackend.outbox if s.to == app.applicant.mobile]
    assert sent.text == sms.FAILED.default.format(label=Kind.CRIMINAL_RECORD.label, code=app.tracking_code)
    assert msg.SIM_FAILED["criminal_record"] not in sent.text  # the reason is read on the case page
    entry = AuditEntry.objects.get(action="inquiry.result", object_id=str(inquiry.pk))
    assert entry.municipality_id == app.municipality_id
    assert entry.data["status"] == "failed" and entry.data["kind"] == "criminal_record"
    assert inquiry_facts(app)["has_criminal_record"] is True
    assert inquiry_blockers(app) == [
        msg.BLOCKER_FAILED.format(label=Kind.CRIMINAL_RECORD.label, reason=msg.SIM_FAILED["criminal_record"])
    ]


def test_timeouts_back_off_then_pass(make_application: Any) -> None:
    app = make_application(code=national_code("990"))
    with time_machine.travel(START, tick=False) as clock:
        [inquiry] = [i for i in inquiries_start(application=app) if i.kind == "identity"]
        first = inquiry_run(inquiry.pk)
        assert (first.status, first.attempts) == (InquiryStatus.PENDING, 1)
        assert first.next_attempt_at == timezone.now() + dt.timedelta(seconds=30)

        clock.shift(10)  # not due yet: untouched
        assert inquiry_run(inquiry.pk).attempts == 1

        clock.shift(20)
        second = inquiry_run(inquiry.pk)
        assert (second.status, second.attempts) == (InquiryStatus.PENDING, 2)
        assert second.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)

        clock.shift(60)
        third = inquiry_run(inquiry.pk)
        assert (third.status, third.attempts, third.next_attempt_at) == (InquiryStatus.PASSED, 3, None)
    assert inquiry_blockers(app) == [msg.BLOCKER_UNANSWERED.format(label=k.label) for k in Kind if k != Kind.IDENTITY]


def test_out_of_attempts_ends_in_error_then_staff_retry(
    make_application: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.INQUIRY_MAX_ATTEMPTS = 2
    app = make_application(code=national_code("990"))
    staff = reviewer()
    with time_machine.travel(START, tick=False) as clock:
        inquiry = inquiries_start(application=app)[0]
        inquiry_run(inquiry.pk)
        clock.shift(30)
        inquiry = inquiry_run(inquiry.pk)
        assert (inquiry.status, inquiry.attempts) == (InquiryStatus.ERROR, 2)
        assert inquiry.reason == msg.GAVE_UP.format(label=Kind.IDENTITY.label)
        assert AuditEntry.objects.filter(action="inquiry.error", object_id=str(inquiry.pk)).exists()
        assert msg.BLOCKER_UNANSWERED.format(label=Kind.IDENTITY.label) in inquiry_blockers(app)
        assert not OutboxMessage.objects.filter(kind="inquiry_failed").exists()  # no answer is not a refusal

        with django_capture_on_commit_callbacks(execute=True):
            again = inquiry_retry(inquiry=inquiry, actor=staff)
    assert (again.status, again.attempts, again.reason) == (InquiryStatus.PENDING, 0, "")
    retried = Inquiry.objects.get(pk=inquiry.pk)  # the simulator's 2 timeouts are used up
    assert (retried.status, retried.attempts) == (InquiryStatus.PASSED, 1)
    entry = AuditEntry.objects.get(action="inquiry.retry")
    assert entry.actor_id == staff.pk and entry.data["previous_attempts"] == 2


def test_retry_is_refused_unless_error(make_application: Any, django_capture_on_commit_callbacks: Any) -> None:
    app = make_application(code=national_code("999"))
    start(app, django_capture_on_commit_callbacks)
    for kind in ("criminal_record", "identity"):  # failed, passed
        with pytest.raises(ApplicationError) as caught:
            inquiry_retry(inquiry=Inquiry.objects.get(application=app, kind=kind), actor=reviewer())
        assert caught.value.status_code == 409 and caught.value.message == msg.RETRY_NOT_ERROR


def test_a_row_leased_past_its_attempts_is_given_up_at_claim(make_application: Any, settings: Any) -> None:
    """A worker died on the last attempt: the sweep finds it due, with no attempts left."""
    app = make_application()
    inquiry = inquiries_start(application=app)[0]
    Inquiry.objects.filter(pk=inquiry.pk).update(attempts=settings.INQUIRY_MAX_ATTEMPTS)
    assert inquiry_run(inquiry.pk).status == InquiryStatus.ERROR


class CountingDown:
    """An adapter whose body is down; counts the calls that reach it."""

    def __init__(self) -> None:
        self.calls = 0

    def check(self, kind: str, person: Any, *, timeout: float) -> Outcome:
        self.calls += 1
        raise InquiryUnavailable("timeout")


def test_the_breaker_stops_calls_to_a_body_that_is_down(make_application: Any, settings: Any, monkeypatch: Any) -> None:
    settings.INQUIRY_BREAKER_THRESHOLD = 2
    settings.INQUIRY_BREAKER_COOLDOWN = 60
    down = CountingDown()
    monkeypatch.setattr("daftar.inquiries.services.get_adapter", lambda: down)
    apps = [make_application() for _ in range(3)]
    ids = [next(i.pk for i in inquiries_start(application=a) if i.kind == "health") for a in apps]
    with time_machine.travel(START, tick=False) as clock:
        for pk in ids:
            assert inquiry_run(pk).status == InquiryStatus.PENDING
        assert down.calls == 2  # the third was refused by the open breaker: nobody was asked
        refused = Inquiry.objects.get(pk=ids[2])
        assert refused.attempts == 0  # so the attempt is given back
        assert refused.next_attempt_at == START + dt.timedelta(seconds=60)  # and it waits out the cool-down
        assert Breaker("inquiry:health").state() == "open"
        assert Breaker("inquiry:identity").state() == "closed"

        clock.shift(61)
        monkeypatch.setattr("daftar.inquiries.services.get_adapter", SimulatorAdapter)
        assert inquiry_run(ids[0]).status == InquiryStatus.PASSED  # the half-open trial
        assert Breaker("inquiry:health").state() == "closed"


def test_an_adapter_bug_counts_as_no_answer(make_application: Any, monkeypatch: Any) -> None:
    class Broken:
        def check(self, kind: str, person: Any, *, timeout: float) -> Outcome:
            raise KeyError("oops")

    monkeypatch.setattr("daftar.inquiries.services.get_adapter", Broken)
    inquiry = inquiries_start(application=make_application())[0]
    result = inquiry_run(inquiry.pk)
    assert (result.status, result.attempts) == (InquiryStatus.PENDING, 1)
    assert result.next_attempt_at is not None


def test_facts_and_blockers_of_a_case_never_asked(make_application: Any) -> None:
    app = make_application()
    assert inquiry_facts(app) == {}
    assert inquiry_blockers(app) == [msg.BLOCKER_UNANSWERED.format(label=k.label) for k in Kind]
