"""The demo's office scorecards (issue 22 §2): Tehran's offices computed for the last ended
period, so that the office manager's scorecard, the supervisor's ranking and the public office
page show real figures whatever the day the demo is loaded.

The demo's history (``offices._history``) covers about three months before today, so from some
weeks after a period ends it no longer reaches back into it, and an office with no service in
the period would not be ranked. Each demo office without a service in the last ended period is
therefore given the services of the period's last four weeks (a few each working day of its
hours, at the tariff), written directly as the rest of the demo's history is; an office the
history already reaches keeps only its own. The other measures read what the demo has
(closures, ratings, reports, violations, tickets): a measure without data is left out.

Recomputing replaces the period's rows, so loading twice changes nothing. The consequences (the
lowest band's «visit needed» and SMS) are left to the system's daily run: loading the demo sends
no SMS."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from daftar.catalogue.models import RevisionStatus, Service, Tariff
from daftar.kernel.jalali import jalali_year_month
from daftar.ledger.models import Transaction
from daftar.municipalities.models import Municipality
from daftar.offices.hours import HoursBook
from daftar.offices.models import Office, StaffRole
from daftar.scorecard.models import Scorecard
from daftar.scorecard.periods import Period, last_ended
from daftar.scorecard.rules import rules_for
from daftar.scorecard.services import scorecards_compute

from .data import DEMO_DAILY, DEMO_OFFICES
from .offices import SERVICE_MIX

SEEDED_DAYS = 28  # the last four weeks of the period


def demo_period(tehran: Municipality, today: dt.date | None = None) -> Period:
    """The period the demo's scorecards are computed for: the last ended one."""
    return last_ended(today or timezone.localdate(), rules_for(tehran.pk).period_months)


def _seed(office: Office, index: int, period: Period) -> int:
    """The services of the period's last four weeks, unless the office recorded one in the
    period already; returns how many were written."""
    if Transaction.objects.filter(office=office, day__gte=period.first, day__lte=period.last).exists():
        return 0
    first = max(period.first, period.last - dt.timedelta(days=SEEDED_DAYS - 1))
    office = Office.objects.prefetch_related("weekly_hours").get(pk=office.pk)
    services = {s.code: s for s in Service.objects.filter(code__in=SERVICE_MIX)}
    codes = [code for code in SERVICE_MIX if code in services]
    tariffs: dict[int, list[Tariff]] = {}
    for tariff in (
        Tariff.objects.filter(municipality_id=office.municipality_id, effective_from__lte=period.last)
        .exclude(revision__status=RevisionStatus.CANCELLED)
        .order_by("effective_from", "pk")
    ):
        tariffs.setdefault(tariff.service_id, []).append(tariff)
    manager = office.staff.filter(role=StaffRole.MANAGER).select_related("user").first()
    rng = random.Random(1405 + index)  # noqa: S311 - demo figures, not secrets
    rows = []
    for hours in HoursBook([office], first, period.last).days(office):
        if not hours.intervals or not codes:
            continue
        start, end = hours.intervals[0]
        minutes = int((end - start).total_seconds() // 60)
        jyear, jmonth = jalali_year_month(hours.day)
        for n in range(rng.randint(*DEMO_DAILY)):
            service = services[rng.choices(codes, [SERVICE_MIX[c] for c in codes])[0]]
            found = [t for t in tariffs.get(service.pk, []) if t.effective_from <= hours.day]
            if not found:
                continue
            tariff = found[-1]  # the latest in force that day
            at = start + dt.timedelta(minutes=rng.randrange(0, max(minutes - 15, 1)))
            rows.append(
                Transaction(
                    office=office,
                    municipality_id=office.municipality_id,
                    district_id=office.district_id,
                    service=service,
                    tariff=tariff,
                    tariff_amount=tariff.amount,
                    amount=tariff.amount,
                    payment_ref=f"DEMO-SC-{office.pk}-{hours.day:%Y%m%d}-{n + 1}",
                    performed_at=at,
                    created_at=at,
                    day=hours.day,
                    jyear=jyear,
                    jmonth=jmonth,
                    recorded_by=manager.user if manager else None,
                )
            )
    Transaction.objects.bulk_create(rows, batch_size=500)
    return len(rows)


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
