"""Deadlines with consequences (issue 21 §2, P1): reminders in working days to the right people,
once; deemed approval issues one licence naming the law; escalation gives the head 7 working
days; outages extend the running clocks; queues and the applicant's page say what happened."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications import messages as msg
from daftar.applications.consequences import add_working_time, working_overlap
from daftar.applications.deadline_settings import settings_check
from daftar.applications.deadlines import clocks_tick
from daftar.applications.models import Application, DeadlineConsequence, DeadlineSettings, StageClock
from daftar.audit.models import AuditEntry
from daftar.calls.models import Call
from daftar.kernel.errors import ApplicationError
from daftar.licences.models import Licence
from daftar.municipalities.workdays import TEHRAN, WorkCalendar, calendar_for
from daftar.notifications.models import OutboxMessage
from daftar.runtime.models import Outage
from daftar.runtime.outage import outage_heartbeat

from .helpers import client_for, submitted_case, through_review, to_final_review

pytestmark = pytest.mark.django_db

APPLICANT, REVIEWER, AUTHORITY = "09120000001", "09120000002", "09120000005"
LATIN_DIGIT_OUTSIDE_CODES = re.compile(r"(?<![A-Za-z0-9-])[0-9]+(?![A-Za-z0-9-])")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TEHRAN)


@pytest.fixture
def case(tehran_rules):
    """A case submitted on Monday 4 May 2026 (its «submitted» clock running)."""
    Call.objects.update(opens_at=at("2026-01-01", 0), closes_at=at("2026-12-30", 0))
    with time_machine.travel(at("2026-05-04"), tick=False):
        case_id = submitted_case(client_for(User.objects.get(mobile=APPLICANT)))["id"]
    return Application.objects.get(pk=case_id)


def _clock(case: Application) -> StageClock:
    return StageClock.objects.get(application=case, finished_at__isnull=True, paused_at__isnull=True)


def _day_with_left(case: Application, left: int) -> dt.datetime:
    """10:00 of the first day on which ``left`` working days remain before the clock's end."""
    calendar = calendar_for(case.municipality)
    due = _clock(case).due_at
    moment = at("2026-05-04")
    while calendar.working_days_between(moment, due) > left or not calendar.is_working_day(moment.date()):
        moment += dt.timedelta(days=1)
    assert calendar.working_days_between(moment, due) == left
    return moment


def _sms(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def _accounts(messages: list[OutboxMessage]) -> set[tuple[str, int | None]]:
    """(the recipient account's mobile, the municipality) of each message: who it is recorded for."""
    return {(User.objects.get(pk=m.recipient_id).mobile, m.municipality_id) for m in messages if m.recipient_id}


def _persian(text: str, digits: bool = True) -> bool:
    """No Latin digit outside a code (``USJJ-J3QJ-RX``, ``TEH-1405-000001``); Persian ones."""
    return not LATIN_DIGIT_OUTSIDE_CODES.search(text) and (not digits or re.search("[۰-۹]", text) is not None)


def test_reminders_go_to_the_reviewer_at_2_and_1_working_days_then_to_the_head_once_each(case):
    with time_machine.travel(at("2026-05-04", 11), tick=False):
        clocks_tick()
    assert _sms("deadline_reminder") == [] and _sms("deadline_reminder_head") == []  # 3 days left: too early
    with time_machine.travel(_day_with_left(case, 2), tick=False):
        assert clocks_tick()["reminders"] >= 1
        assert clocks_tick()["reminders"] == 0  # once
    first = _sms("deadline_reminder")
    recipients = {m.to for m in first}
    assert REVIEWER in recipients and APPLICANT not in recipients and AUTHORITY not in recipients
    assert _sms("deadline_reminder_head") == []
    assert "۲ روز کاری" in first[0].text and case.tracking_code in first[0].text and _persian(first[0].text)
    assert _accounts(first) == {(m.to, case.municipality_id) for m in first}  # the staff's own accounts
    with time_machine.travel(_day_with_left(case, 1), tick=False):
        clocks_tick()
        clocks_tick()
    assert len(_sms("deadline_reminder")) == 2 * len(first)  # the 1-day reminder, once
    with time_machine.travel(_day_with_left(case, 0), tick=False):
        clocks_tick()
        clocks_tick()
    heads = _sms("deadline_reminder_head")
    assert [m.to for m in heads] == [AUTHORITY]  # the head: the licensing authority, on the last day
    assert "امروز" in heads[0].text and _persian(heads[0].text)
    assert _accounts(heads) == {(AUTHORITY, case.municipality_id)}
    assert len(_sms("deadline_reminder")) == 2 * len(first)  # no 0-day reminder to staff by default


def test_a_municipality_sets_its_own_offsets_and_head_and_bad_ones_are_refused(case):
    authority = User.objects.get(mobile=AUTHORITY)
    checked = settings_check(municipality_id=case.municipality_id, staff_days=[1], head_days=[1], head_id=authority.pk)
    DeadlineSettings.objects.create(municipality=case.municipality, **checked)
    with time_machine.travel(_day_with_left(case, 2), tick=False):
        clocks_tick()
    assert _sms("deadline_reminder") == []  # 2 days before is no longer a reminder day here
    with time_machine.travel(_day_with_left(case, 1), tick=False):
        clocks_tick()
    assert _sms("deadline_reminder") and [m.to for m in _sms("deadline_reminder_head")] == [AUTHORITY]
    with pytest.raises(ApplicationError) as refused:
        settings_check(
            municipality_id=case.municipality_id,
            staff_days=[-1, "2"],
            head_days=[0],
            head_id=User.objects.get(mobile=REVIEWER).pk,
        )
    assert set(refused.value.fields) == {"staff_days", "head"}


def test_escalation_gives_the_head_7_working_days_and_everyone_sees_it(case):
    due = _clock(case).due_at
    late = due + dt.timedelta(hours=11)
    with time_machine.travel(late, tick=False):
        done = clocks_tick()
        assert done["overdue"] == 1 and done["deemed_approval"] == 0
        assert clocks_tick()["overdue"] == 0  # once
        case.refresh_from_db()
        head_clock = _clock(case)
        assert head_clock.party == "head" and head_clock.limit_days == 7
        assert head_clock.due_at == calendar_for(case.municipality).add_working_days(late, 7)
        assert case.due_at == head_clock.due_at and case.overdue and case.escalated_at == late
        assert case.status == "submitted" and not Licence.objects.filter(application=case).exists()
        told = _sms("application_escalated")
        assert [m.to for m in told] == [APPLICANT] and "مرجع بالاتر" in told[0].text and _persian(told[0].text)
        assert [m.to for m in _sms("application_overdue")] == [AUTHORITY]
        assert _accounts([*told, *_sms("application_overdue")]) == {
            (APPLICANT, case.municipality_id),
            (AUTHORITY, case.municipality_id),
        }
        audit = AuditEntry.objects.get(action="application.overdue")
        assert audit.data["consequence"] == "escalation" and audit.actor_id is None

        authority = Client()
        authority.force_login(User.objects.get(mobile=AUTHORITY))
        queue = authority.get("/staff/queue/?status=all").content.decode()
        assert f'data-case="{case.pk}" class="table-danger overdue"' in queue and "ارجاع به مرجع بالاتر" in queue
        api = client_for(User.objects.get(mobile=REVIEWER)).get("/api/v1/applications?overdue=1").json()
        assert [r["id"] for r in api["results"]] == [case.pk]

        applicant = Client()
        applicant.force_login(User.objects.get(mobile=APPLICANT))
        page = applicant.get(f"/applications/{case.pk}/").content.decode()
        assert 'id="deadline-outcome"' in page and "به مرجع بالاتر ارجاع شد" in page


def test_deemed_approval_issues_exactly_one_licence_naming_the_law(case):
    DeadlineConsequence.objects.create(
        municipality=case.municipality,
        licence_type=case.call.licence_type,
        kind=DeadlineConsequence.Kind.DEEMED_APPROVAL,
    )
    # through review, exam, interview and the inspection: the authority's decision is what is late
    with time_machine.travel(at("2026-05-05"), tick=False):
        through_review(case.pk)
        to_final_review(case.pk, exam=80)
    case.refresh_from_db()
    assert case.status == "final_review"
    from daftar.inquiries.models import Inquiry, InquiryStatus  # the bodies have answered (the guard asks)

    assert Inquiry.objects.filter(application=case).update(status=InquiryStatus.PASSED) == 5
    with time_machine.travel(_clock(case).due_at + dt.timedelta(hours=11), tick=False):
        assert clocks_tick()["deemed_approval"] == 1
        assert clocks_tick()["deemed_approval"] == 0
    case.refresh_from_db()
    licence = Licence.objects.get(application=case)  # exactly one
    assert case.status == "licence_issued" and case.licence_number == licence.number
    audit = AuditEntry.objects.get(action="application.deemed_approval")
    assert audit.data["law"] == "قانون تسهیل صدور مجوزهای کسب‌وکار" and audit.actor_id is None
    told = _sms("application_deemed_approval")
    assert [m.to for m in told] == [APPLICANT] and msg.LAW_FACILITATION in told[0].text
    assert _accounts(told) == {(APPLICANT, case.municipality_id)} and licence.number in told[0].text
    assert _persian(told[0].text, digits=False)
    assert not _sms("licence_issued")  # one SMS for the licence: the deemed approval's, naming the law
    applicant = Client()
    applicant.force_login(User.objects.get(mobile=APPLICANT))
    page = applicant.get(f"/applications/{case.pk}/").content.decode()
    assert 'id="deadline-outcome"' in page and "قانون تسهیل صدور مجوزهای کسب‌وکار" in page
    visible = re.sub(r"<[^>]+>", " ", page)  # what a person reads: no ids
    assert "deemed_approval" not in visible and "P1" not in visible and "صدور مجوز به حکم قانون" in visible


def test_a_clock_that_would_run_out_during_an_outage_runs_out_later_by_its_length(case):
    due = _clock(case).due_at  # the end of a working day
    Outage.objects.create(started_at=due - dt.timedelta(hours=5), ended_at=due - dt.timedelta(hours=2), reason="x")
    with time_machine.travel(due + dt.timedelta(minutes=30), tick=False):
        done = clocks_tick()
        assert done["outage_clocks"] == 1 and done["overdue"] == 0
        assert clocks_tick()["outage_clocks"] == 0  # once per outage
    case.refresh_from_db()
    assert _clock(case).due_at == due + dt.timedelta(hours=3) and case.due_at == due + dt.timedelta(hours=3)
    with time_machine.travel(due + dt.timedelta(hours=3, minutes=1), tick=False):
        assert clocks_tick()["overdue"] == 1


def test_a_gap_in_the_sweeps_beat_is_recorded_as_an_outage(db, settings):
    settings.OUTAGE_HEARTBEAT_GAP_MINUTES = 45
    start = at("2026-05-04")
    assert outage_heartbeat("t", start) is None
    assert outage_heartbeat("t", start + dt.timedelta(minutes=15)) is None
    outage = outage_heartbeat("t", start + dt.timedelta(hours=3))
    assert outage is not None
    assert (outage.started_at, outage.ended_at) == (start + dt.timedelta(minutes=15), start + dt.timedelta(hours=3))
    assert Outage.objects.count() == 1


def test_only_working_days_of_an_outage_are_lost_and_are_given_back_on_working_days():
    calendar = WorkCalendar(thursdays_off=True)
    wednesday_night = dt.datetime(2026, 5, 6, 23, 59, 59, 999999, tzinfo=TEHRAN)
    # 3 hours from the end of Wednesday 6 May: Thursday and Friday are off → Saturday 9 May, 03:00 less the 1 µs
    later = add_working_time(calendar, wednesday_night, dt.timedelta(hours=3))
    assert later == at("2026-05-09", 3) - dt.timedelta(microseconds=1)
    # Thursday 7 May 2026 noon to Saturday 9 May noon: Thursday and Friday are off
    assert working_overlap(calendar, at("2026-05-07", 12), at("2026-05-09", 12)) == dt.timedelta(hours=12)
    assert working_overlap(calendar, at("2026-05-09", 8), at("2026-05-09", 11)) == dt.timedelta(hours=3)


def test_the_municipality_administrator_sets_the_deadlines_of_their_own_municipality_only(tehran_rules):
    tehran = tehran_rules.municipality
    admin = Client()
    admin.force_login(User.objects.get(mobile="09120000007"))  # Tehran's municipality administrator
    authority = User.objects.get(mobile=AUTHORITY)
    form = admin.get("/admin/applications/deadlinesettings/add/").content.decode()
    assert authority.display_name in form  # the head is chosen among the licensing authorities
    answer = admin.post(
        "/admin/applications/deadlinesettings/add/",
        {"municipality": tehran.pk, "staff_days": "[3, 1]", "head_days": "[0]", "head": authority.pk},
    )
    assert answer.status_code == 302
    row = DeadlineSettings.objects.get(municipality=tehran)
    assert row.staff_days == [3, 1]
    assert AuditEntry.objects.filter(action="admin_added", object_type__icontains="deadlinesettings").exists()
    refused = admin.post(
        f"/admin/applications/deadlinesettings/{row.pk}/change/",
        {"municipality": tehran.pk, "staff_days": "[-2]", "head_days": "[0]", "head": authority.pk},
    )
    assert refused.status_code == 200 and "از ۰ (روز آخر مهلت) تا ۱۰ روز کاری" in refused.content.decode()
    other = RoleAssignmentFactory(role="municipality_admin").user
    admin.force_login(other)
    assert admin.get(f"/admin/applications/deadlinesettings/{row.pk}/change/").status_code in (302, 404)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with skip_locked: PostgreSQL only")
def test_two_sweeps_at_once_issue_one_licence_and_send_each_reminder_once(case):
    DeadlineConsequence.objects.create(
        municipality=case.municipality,
        licence_type=case.call.licence_type,
        kind=DeadlineConsequence.Kind.DEEMED_APPROVAL,
    )
    # the authority's decision is what is late (deemed approval takes the approval checks)
    with time_machine.travel(at("2026-05-05"), tick=False):
        through_review(case.pk)
        to_final_review(case.pk, exam=80)
    from daftar.inquiries.models import Inquiry, InquiryStatus  # the bodies have answered (the guard asks)

    assert Inquiry.objects.filter(application=case).update(status=InquiryStatus.PASSED) == 5
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep(moment: dt.datetime) -> None:
        try:
            start.wait()
            clocks_tick(moment)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    for moment in (_day_with_left(case, 2), _clock(case).due_at + dt.timedelta(hours=11)):
        threads = [threading.Thread(target=sweep, args=(moment,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert len({m.to for m in _sms("deadline_reminder")}) == len(_sms("deadline_reminder"))  # once per person
    assert Licence.objects.filter(application=case).count() == 1
    assert AuditEntry.objects.filter(action="application.deemed_approval").count() == 1


def test_deemed_approval_never_skips_the_approval_checks(case):
    """A case whose clock runs out before its review, exam and inspection (its conditions not
    shown yet, its inquiries unanswered) is escalated, not issued a licence: deemed approval takes
    the same checks as the authority's own approval (quota, conditions, inquiries)."""
    DeadlineConsequence.objects.create(
        municipality=case.municipality,
        licence_type=case.call.licence_type,
        kind=DeadlineConsequence.Kind.DEEMED_APPROVAL,
    )
    with time_machine.travel(_clock(case).due_at + dt.timedelta(hours=11), tick=False):
        done = clocks_tick()
    assert done["deemed_approval"] == 0
    case.refresh_from_db()
    assert case.status == "submitted" and case.escalated_at is not None
    assert not Licence.objects.filter(application=case).exists()


def test_the_same_outage_recorded_twice_extends_the_clock_once(case):
    """The heartbeat records the gap 12:00–15:00 and an administrator records 13:00–16:00: the
    clock gets back 12:00–16:00 (four hours), not seven."""
    due = _clock(case).due_at  # the end of a working day
    Outage.objects.create(started_at=due - dt.timedelta(hours=6), ended_at=due - dt.timedelta(hours=3), reason="x")
    Outage.objects.create(started_at=due - dt.timedelta(hours=5), ended_at=due - dt.timedelta(hours=2), reason="y")
    with time_machine.travel(due + dt.timedelta(minutes=30), tick=False):
        assert clocks_tick()["outage_clocks"] == 2  # the clock, once per outage row, by what is new
    assert _clock(case).due_at == due + dt.timedelta(hours=4)
