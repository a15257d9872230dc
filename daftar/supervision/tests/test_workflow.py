"""The declared tables of violations and notices (``workflow.VIOLATION``, ``workflow.NOTICE``)
through the real API: every move a table does not allow from a state is refused (409) and
changes nothing, and the notice answers offer the moves the table and the policy allow now."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from daftar.accounts.models import User
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.licences.models import Licence, LicenceEvent
from daftar.notifications.models import OutboxMessage
from daftar.supervision import messages as msg
from daftar.supervision.models import Decision, Notice, Violation
from daftar.supervision.services import decision_make, notice_issue, violation_record
from daftar.supervision.workflow import NOTICE, VIOLATION, NoticeStatus, ViolationStatus

pytestmark = pytest.mark.django_db

AUTHORITY = "09120000005"
SUPERVISOR = "09120000006"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"
ANSWER = "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."
NOTICE_ILLEGAL = [(state, m.action) for state, m in NOTICE.illegal()]


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def later(notice: Notice) -> Any:
    return time_machine.travel(notice.response_due + dt.timedelta(minutes=1), tick=False)


def fingerprint(licence: Licence) -> tuple[Any, ...]:
    return (
        list(Licence.objects.filter(pk=licence.pk).values()),
        list(Notice.objects.order_by("pk").values()),
        list(Violation.objects.order_by("pk").values()),
        Decision.objects.count(),
        LicenceEvent.objects.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def open_notice(licence: Licence, code: str = "outside_hours") -> Notice:
    violation_record(licence, type_code=code, description=REASON, actor=user(SUPERVISOR))
    return notice_issue(licence, actor=user(SUPERVISOR))


def take(notice: Notice, action: str) -> Any:
    """The move through its endpoint, by the person who takes it."""
    if action == "respond":
        return client_for(notice.licence.holder).post(f"/api/v1/notices/{notice.pk}/response", {"text": ANSWER})
    return client_for(user(AUTHORITY)).post(f"/api/v1/notices/{notice.pk}/decision", {"reason": REASON})


def test_the_tables_refuse_something_from_every_final_state():
    assert NOTICE_ILLEGAL == [(NoticeStatus.DECIDED, "respond"), (NoticeStatus.DECIDED, "decide")]
    assert [(s, m.action) for s, m in VIOLATION.illegal()] == [(ViolationStatus.DECIDED, "decide")]


@pytest.mark.parametrize(("state", "action"), NOTICE_ILLEGAL, ids=[f"{s}-{a}" for s, a in NOTICE_ILLEGAL])
def test_every_illegal_notice_move_through_the_api_is_refused_and_changes_nothing(make_licence, state, action):
    licence = make_licence()
    notice = open_notice(licence)
    with later(notice):
        decision_make(notice, actor=user(AUTHORITY), reason=REASON)
    assert Notice.objects.get(pk=notice.pk).status == state
    before = fingerprint(licence)
    response = take(notice, action)
    assert response.status_code == 409, response.content
    assert (response.json()["code"], response.json()["detail"]) == ("notice_closed", msg.NOTICE_CLOSED)
    assert fingerprint(licence) == before


def test_a_decision_citing_a_violation_already_decided_is_refused_whole(make_licence):
    """The violation's own table refuses ``decide`` from ``decided``: the notice's decision that
    cites it (here a suspension) is rolled back whole: no licence move, no decision, no SMS."""
    licence = make_licence()
    notice = open_notice(licence, "overcharging")  # grave: the proposal is a suspension
    # test set-up: the cited violation as if another decision had decided it (a declared target)
    Violation.objects.filter(notices=notice).update(status=ViolationStatus.DECIDED)
    before = fingerprint(licence)
    with later(notice):
        response = take(notice, "decide")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == VIOLATION.illegal_code
    assert fingerprint(licence) == before


def test_the_notice_answers_offer_the_moves_the_table_and_policy_allow(make_licence):
    licence = make_licence()
    violation_record(licence, type_code="outside_hours", description=REASON, actor=user(SUPERVISOR))
    by_authority = client_for(user(AUTHORITY)).post(f"/api/v1/licences/{licence.number}/notices", {}, format="json")
    assert by_authority.status_code == 201 and by_authority.json()["actions"] == ["decide"]
    notice = Notice.objects.get(pk=by_authority.json()["id"])
    responded = take(notice, "respond")
    assert responded.status_code == 200 and responded.json()["actions"] == ["respond"]  # guards are not run
    assert take(notice, "decide").status_code == 201

    other = make_licence()
    violation_record(other, type_code="outside_hours", description=REASON, actor=user(SUPERVISOR))
    by_supervisor = client_for(user(SUPERVISOR)).post(f"/api/v1/licences/{other.number}/notices", {}, format="json")
    assert by_supervisor.status_code == 201 and by_supervisor.json()["actions"] == []  # issues, does not decide
