"""The demo's office scorecards (issue 22 §2): Tehran's offices computed for the last ended
period, so that the office manager's scorecard, the supervisor's ranking and the public office
page show real figures whatever the day the demo is loaded.

The demo's history (``offices._history``) covers about three months before today, so from some
weeks after a period ends it no longer reaches back into it, and an office with no service in
the period would not be ranked. Each demo office without a service in the last ended period is
therefore given the services of the period's last four weeks (a few each working day of its
hours, at the tariff) and those weeks' share of the month's costs, written directly as the rest
of the demo's history is (so its revenue page shows that month's income beside its costs, not
a month of pure profit); an office the history already reaches keeps only its own. The other
measures read what the demo has (closures, ratings, reports, violations, tickets): a measure
without data is left out.

Recomputing replaces the period's rows, so loading twice changes nothing. The consequences (the
lowest band's «visit needed» and SMS) are left to the system's daily run: loading the demo sends
no SMS."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from daftar.ledger.models import Transaction
from daftar.municipalities.models import Municipality
from daftar.offices.models import Office, StaffRole
from daftar.scorecard.models import Scorecard
from daftar.scorecard.periods import Period, last_ended
from daftar.scorecard.rules import rules_for
from daftar.scorecard.services import scorecards_compute

from .data import DEMO_OFFICES
from .offices import demo_costs, demo_transactions

SEEDED_DAYS = 28  # the last four weeks of the period


def demo_period(tehran: Municipality, today: dt.date | None = None) -> Period:
    """The period the demo's scorecards are computed for: the last ended one."""
    return last_ended(today or timezone.localdate(), rules_for(tehran.pk).period_months)


def _seed(office: Office, index: int, period: Period) -> int:
    """The services of the period's last four weeks and their months' costs, unless the office
    recorded a service in the period already; returns how many services were written."""
    if Transaction.objects.filter(office=office, day__gte=period.first, day__lte=period.last).exists():
        return 0
    first = max(period.first, period.last - dt.timedelta(days=SEEDED_DAYS - 1))
    manager = office.staff.filter(role=StaffRole.MANAGER).select_related("user").first()
    rng = random.Random(1405 + index)  # noqa: S311 - demo figures, not secrets
    written = demo_transactions(
        office, first, period.last, rng=rng, recorder=manager.user if manager else None, ref="DEMO-SC"
    )
    demo_costs(office, index, first, period.last + dt.timedelta(days=1), rng=rng, purchase=False)
    return written


def demo_scorecards_load(tehran: Municipality) -> None:
    period = demo_period(tehran)
    if Scorecard.objects.filter(municipality=tehran, period=period.key).exists():
        return
    names = [row[1] for row in DEMO_OFFICES]
    demo_offices = {office.name: office for office in Office.objects.filter(municipality=tehran, name__in=names)}
    for index, name in enumerate(names):
        office = demo_offices.get(name)
        if office is not None and office.active:
            _seed(office, index, period)
    scorecards_compute(municipality=tehran, period=period, actor=None, consequences=False)
