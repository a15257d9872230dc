"""A period is Tehran's days, not UTC's (issue 22 §2): what happens at 23:30 Tehran on the
period's last day (20:00 UTC) and at 00:30 Tehran on its first day (21:00 UTC the day before)
belongs to the period, and the same hours just outside it do not. Ratings are counted by the
Jalali month the citizen rated in (Tehran time), through the real rating path."""

from __future__ import annotations

import datetime as dt
import secrets
from itertools import count
from typing import Any

import pytest
import time_machine

from daftar.catalogue.tests.factories import catalogue_service
from daftar.feedback.models import FeedbackRequest, Source
from daftar.feedback.services import feedback_rate, keyed, link_token
from daftar.municipalities.workdays import TEHRAN
from daftar.scorecard.models import Scorecard
from daftar.scorecard.periods import parse
from daftar.scorecard.services import scorecards_compute
from daftar.supervision.models import Violation, ViolationType

from .helpers import H1, TODAY, licensed_office, services, upheld_complaint

pytestmark = pytest.mark.django_db

FIRST, LAST = parse(H1).first, parse(H1).last  # 1405/01/01 = 2026-03-21, 1405/06/31 = 2026-09-22
_n = count(1)


def tehran(day: dt.date, hour: int, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


INSIDE = [tehran(FIRST, 0), tehran(LAST, 23)]  # 2026-03-20 21:00 UTC, 2026-09-22 20:00 UTC
OUTSIDE = [tehran(FIRST - dt.timedelta(days=1), 23), tehran(LAST + dt.timedelta(days=1), 0)]


def _violation(office: Any, moment: dt.datetime) -> None:
    Violation.objects.create(
        licence=office.licence,
        municipality_id=office.municipality_id,
        violation_type=ViolationType.objects.get(municipality=None, code="tariff_not_posted"),  # minor: 5
        observed_at=moment,
        description="ثبت‌شده برای آزمون مرز دوره",
    )


def _rated_at(office: Any, moment: dt.datetime, rating: int) -> None:
    """A citizen served that day rates through the link at ``moment``."""
    n = next(_n)
    row = FeedbackRequest.objects.create(
        office=office,
        municipality_id=office.municipality_id,
        service=catalogue_service("property_inquiry"),
        source=Source.SERVICE,
        source_key=keyed("source", f"edge-test:{n}"),
        recipient_key=keyed("recipient", f"edge-test:{n}"),
        day=moment.astimezone(TEHRAN).date(),
        nonce=secrets.token_hex(16),
        created_at=moment - dt.timedelta(hours=1),
        expires_at=moment + dt.timedelta(days=8),
    )
    with time_machine.travel(moment, tick=False):
        feedback_rate(token=link_token(row), rating=rating)


def _measures(office: Any) -> dict[str, dict[str, Any]]:
    row = Scorecard.objects.get(office=office, period=H1)
    return {m["code"]: m for m in row.measures}


def test_violations_and_complaints_at_the_edges_of_the_tehran_days(make_licence: Any) -> None:
    # the edges are other UTC days: a filter on UTC dates would get all four wrong
    assert INSIDE[0].astimezone(dt.UTC).date() == FIRST - dt.timedelta(days=1)
    assert OUTSIDE[1].astimezone(dt.UTC).date() == LAST
    office = licensed_office(make_licence)
    services(office, 10)
    for moment in INSIDE + OUTSIDE:
        _violation(office, moment)
    complaint = upheld_complaint(office)
    complaint.answered_at = INSIDE[1]
    complaint.save(update_fields=["answered_at"])
    outside = upheld_complaint(office)
    outside.answered_at = OUTSIDE[1]
    outside.save(update_fields=["answered_at"])

    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    m = _measures(office)
    assert m["violations"]["raw"]["minor"] == 2  # the two inside, not the two outside
    assert m["complaints"]["raw"]["upheld"] == 1


def test_ratings_at_the_edges_count_by_the_tehran_month(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 10)
    for rating in (5, 5, 5):  # 1405/01/01 00:30 Tehran: Farvardin, in H1
        _rated_at(office, INSIDE[0], rating)
    for rating in (3, 3, 3):  # 1405/06/31 23:30 Tehran: Shahrivar, in H1
        _rated_at(office, INSIDE[1], rating)
    for rating in (1, 1, 1):  # 1405/07/01 00:30 Tehran: Mehr, the next period
        _rated_at(office, OUTSIDE[1], rating)
    assert set(FeedbackRequest.objects.values_list("jyear", "jmonth")) == {(1405, 1), (1405, 6), (1405, 7)}

    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    raw = _measures(office)["satisfaction"]["raw"]
    assert raw["ratings"] == 6 and raw["mean"] == 4.0 and raw["months_counted"] == 2
