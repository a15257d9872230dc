"""The supervisors are reminded before a complaint's due time and told when it passed
unanswered, each once (``complaints/reminders.py``); a reopening starts both afresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.complaints.models import Complaint
from daftar.complaints.reminders import complaints_remind
from daftar.complaints.services import complaint_answer, complaint_file, complaint_reopen
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.offices.tests.factories import make_office

pytestmark = pytest.mark.django_db

SUPERVISOR = "09120000006"  # Tehran's demo supervisor
TEXT = "در این دفتر برای استعلام ملک دو برابر تعرفه از من پول گرفتند."
ANSWER = "بررسی رسید پرداخت و تعرفهٔ مصوب نشان داد که دفتر بیش از تعرفه دریافت کرده است."
DUE = dt.datetime(2026, 12, 9, 12, 0, tzinfo=TEHRAN)  # a Wednesday, midday in Tehran


@pytest.fixture
def complaint(make_licence: Any) -> Complaint:
    licence = make_licence()
    office = make_office(licence.municipality, licence.district, licence=licence)
    filed = complaint_file(UserFactory.create(), office=office.pk, ground="overcharge", text=TEXT)
    Complaint.objects.filter(pk=filed.pk).update(due=DUE)
    filed.refresh_from_db()
    return filed


def sent(key: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=key).order_by("pk"))


def test_far_from_due_nobody_is_reminded(complaint: Complaint) -> None:
    assert complaints_remind(DUE - dt.timedelta(days=6)) == 0
    assert not sent("complaint_due_reminder") and not sent("complaint_overdue")


def test_the_supervisors_are_reminded_once_before_the_due_time(complaint: Complaint) -> None:
    elsewhere = RoleAssignmentFactory(municipality=MunicipalityFactory(), role="supervisor", user=UserFactory()).user
    assert complaints_remind(DUE - dt.timedelta(hours=3)) == 1
    assert complaints_remind(DUE - dt.timedelta(hours=2)) == 0  # once
    [message] = sent("complaint_due_reminder")
    supervisor = User.objects.get(mobile=SUPERVISOR)
    assert (message.recipient_id, message.municipality_id) == (supervisor.pk, complaint.municipality_id)
    assert complaint.tracking_code in message.text and "۱۴۰۵/۰۹/۱۸" in message.text
    assert "دریافت مبلغ" in message.text or complaint.ground_label in message.text
    assert not OutboxMessage.objects.filter(recipient=elsewhere).exists()


def test_before_the_hour_nothing_goes(complaint: Complaint) -> None:
    night = dt.datetime(2026, 12, 9, 3, 0, tzinfo=TEHRAN)
    assert complaints_remind(night) == 0 and not sent("complaint_due_reminder")


def test_the_supervisors_are_told_once_when_it_passed_unanswered(complaint: Complaint) -> None:
    assert complaints_remind(DUE + dt.timedelta(hours=1)) == 1
    assert complaints_remind(DUE + dt.timedelta(hours=5)) == 0
    [message] = sent("complaint_overdue")
    assert complaint.tracking_code in message.text and "گذشت" in message.text
    assert not sent("complaint_due_reminder")  # past due: no reminder of a time gone


def test_an_answered_complaint_is_not_chased(complaint: Complaint) -> None:
    complaint_answer(complaint, actor=User.objects.get(mobile=SUPERVISOR), decision="upheld", answer=ANSWER)
    assert complaints_remind(DUE - dt.timedelta(hours=3)) == 0
    assert complaints_remind(DUE + dt.timedelta(hours=1)) == 0


def test_a_reopened_complaint_is_reminded_afresh(complaint: Complaint) -> None:
    assert complaints_remind(DUE + dt.timedelta(hours=1)) == 1
    complaint.refresh_from_db()
    complaint_answer(complaint, actor=User.objects.get(mobile=SUPERVISOR), decision="rejected", answer=ANSWER)
    reopened = complaint_reopen(
        Complaint.objects.get(pk=complaint.pk), actor=complaint.complainant, text="پاسخ قانع‌کننده نبود؛ رسید دارم."
    )
    assert reopened.reminded_at is None and reopened.overdue_told_at is None
    assert complaints_remind(reopened.due + dt.timedelta(hours=10)) == 1  # the next morning
    assert len(sent("complaint_overdue")) == 2


def test_the_beat_runs_it() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["remind-complaints"]
    assert entry["task"] == "daftar.complaints.tasks.remind_complaints"
