"""A notice about a licence that is already suspended proposes the rung above suspension: the
licence's lifecycle cannot suspend a suspended licence, so a suspension proposal could never be
decided and would block every later notice (P5's ladder: warning → suspension → revocation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daftar.accounts.models import User
from daftar.licences.models import LicenceStatus
from daftar.supervision.services import ladder_proposal, notice_issue, violation_record

pytestmark = pytest.mark.django_db

SUPERVISOR = "09120000006"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"


def test_a_suspended_licence_is_proposed_the_rung_above_suspension(make_licence):
    until = timezone.localdate() + dt.timedelta(days=20)
    licence = make_licence(status=LicenceStatus.SUSPENDED, suspended_until=until)
    supervisor = User.objects.get(mobile=SUPERVISOR)
    grave = violation_record(licence, type_code="overcharging", description=REASON, actor=supervisor)
    proposal = ladder_proposal(licence, [grave])
    assert proposal.beyond_suspension and proposal.step.outcome == "revocation"
    assert notice_issue(licence, actor=supervisor).proposed_outcome == "revocation"


def test_an_active_licence_keeps_the_ladder(make_licence):
    licence = make_licence()
    supervisor = User.objects.get(mobile=SUPERVISOR)
    violation = violation_record(licence, type_code="outside_hours", description=REASON, actor=supervisor)
    proposal = ladder_proposal(licence, [violation])
    assert not proposal.beyond_suspension and proposal.step.outcome == "warning"
