"""The demo licensing authority's desk is not empty: cases to approve and issue, a licence to
renew, future bookings at the first demo office and a notice that may be decided now; loading
twice adds none of them twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from daftar.accounts.models import User
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.demo.data import DEMO_OFFICES
from daftar.demo.services import demo_load
from daftar.desk.authority import queue
from daftar.supervision import policy as supervision_policy

pytestmark = pytest.mark.django_db


def test_the_demo_authority_finds_work_on_the_desk():
    demo_load()
    demo_load()
    authority = User.objects.get(mobile="09120000005")
    assert queue.counts(authority) == {"approve": 2, "issue": 1, "renew": 1}
    notices = supervision_policy.awaiting_decision(authority)
    assert notices.count() == 1 and notices.get().response_due < timezone.now()
    live = Appointment.objects.filter(
        office__name=DEMO_OFFICES[0][1], status=AppointmentStatus.BOOKED, start__gt=timezone.now()
    )
    assert live.count() == 6
