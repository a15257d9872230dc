"""Supervision in the demo (issue 18 §2): the first demo office gets what the supervisor's desk
shows — an amount above the tariff the ledger refused and reported (a system-detected
overcharge), work recorded after hours (a system-detected outside-hours violation) and a
violation the demo supervisor recorded, all through the real services, yesterday (Tehran).
Nothing is added when the office's licence already has violations (loading twice changes
nothing)."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from daftar.accounts.models import User
from daftar.catalogue.models import Service
from daftar.catalogue.tariffs import tariff_in_force
from daftar.kernel.errors import ApplicationError
from daftar.ledger.services import overcharge_report, transaction_record
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.supervision.models import Violation
from daftar.supervision.services import violation_record

from .data import DEMO_CLERK

SUPERVISOR = "09120000006"
SERVICE = "property_inquiry"
OVER_BY = 50_000  # rials above the tariff (an example figure)
RECORDED = "در بازدید سرزده، جدول تعرفهٔ مصوب در پیشخوان دفتر نصب نشده بود و مراجعان آن را نمی‌دیدند."


def demo_supervision_load(office: Office) -> None:
    licence = office.licence
    if licence is None or Violation.objects.filter(licence=licence).exists():
        return
    clerk = User.objects.filter(mobile=DEMO_CLERK).first()
    supervisor = User.objects.filter(mobile=SUPERVISOR).first()
    service = Service.objects.filter(code=SERVICE).first()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    tariff = tariff_in_force(office.municipality_id, service.pk, yesterday) if service else None
    if clerk is None or supervisor is None or service is None or tariff is None:
        return
    at = dt.datetime.combine(yesterday, dt.time(10, 30), tzinfo=TEHRAN)
    overcharge_report(
        office=office,
        service=service,
        amount=tariff.amount + OVER_BY,
        tariff=tariff,
        moment=at,
        actor=clerk,
        payment_ref="DEMO-OVER-1",
    )
    # after the office's hours: recorded, flagged and reported to supervision (unless a day closed
    # or a suspension in the demo refuses it: then no outside-hours example)
    with contextlib.suppress(ApplicationError):
        transaction_record(
            office=office,
            service=service,
            amount=tariff.amount,
            payment_ref="DEMO-LATE-1",
            performed_at=dt.datetime.combine(yesterday, dt.time(19, 40), tzinfo=TEHRAN).isoformat(),
            actor=clerk,
        )
    violation_record(
        licence,
        type_code="tariff_not_posted",
        description=RECORDED,
        observed_at=dt.datetime.combine(yesterday, dt.time(11, 15), tzinfo=TEHRAN),
        actor=supervisor,
    )
