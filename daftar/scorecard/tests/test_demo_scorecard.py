"""The demo ranks its offices whatever the day it is loaded (issue 22 §2): its history covers
about three months before today, which from 2026-12-22 (1405/10/01, ninety-one days after 1405-H1
ended) until 1405-H2 ends no longer reaches the last ended period; the demo then gives its
offices services of that period, so that the manager's scorecard, the supervisor's ranking and
the public office page still have a rank to show."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daftar.demo.data import DEMO_OFFICES
from daftar.ledger.models import Transaction
from daftar.municipalities.models import Municipality
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.scorecard.models import Scorecard
from daftar.scorecard.periods import last_ended

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (dt.date(2026, 12, 7), "1405-H1"),  # the history still reaches 1405/06
        (dt.date(2026, 12, 22), "1405-H1"),  # the first day it does not (1405-H1 ended on 2026-09-22)
        (dt.date(2027, 1, 15), "1405-H1"),
        (dt.date(2027, 3, 25), "1405-H2"),  # 1406/01/05: the next period has just ended
    ],
)
def test_the_demo_offices_are_ranked_in_the_last_ended_period(today: dt.date, period: str) -> None:
    from daftar.demo.services import demo_load

    with time_machine.travel(dt.datetime.combine(today, dt.time(10), tzinfo=TEHRAN), tick=False):
        assert timezone.localdate() == today and last_ended(today).key == period
        demo_load()
        tehran = Municipality.objects.get(slug="tehran")
        offices = list(Office.objects.filter(municipality=tehran, name__in=[row[1] for row in DEMO_OFFICES]))
        assert len(offices) == len(DEMO_OFFICES)
        rows = Scorecard.objects.filter(municipality=tehran, period=period)
        assert {row.office_id for row in rows if row.rank is not None} == {o.pk for o in offices}
        for office in offices:
            office.refresh_from_db()
            assert office.standing_period == period and office.standing_rank is not None
        count = Transaction.objects.count()
        demo_load()  # loading again changes nothing
        assert Transaction.objects.count() == count
        assert Scorecard.objects.filter(municipality=tehran, period=period).count() == len(rows)
