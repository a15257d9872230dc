"""Ranking a municipality's offices, storing and publishing the period, and the lowest band's
consequence (issue 22 §2): ties share a rank, another municipality is never ranked with this
one, recomputing replaces the rows, the consequence comes once and never from a supervisor on
their own office, the work costs the same queries for 2 offices as for 10."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daftar.audit.models import AuditEntry
from daftar.catalogue.tests.factories import make_city, municipal
from daftar.kernel.errors import ApplicationError
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office, StaffRole
from daftar.offices.selectors import office_public_detail, public_office
from daftar.offices.tests.factories import OfficeStaffFactory
from daftar.scorecard import messages as msg
from daftar.scorecard.measures import gather
from daftar.scorecard.models import Scorecard, ScorecardSettings
from daftar.scorecard.periods import parse
from daftar.scorecard.rules import settings_initial
from daftar.scorecard.services import ranks, scorecards_compute, scorecards_compute_due

from .helpers import H1, TODAY, licensed_office, office_in, report, services

pytestmark = pytest.mark.django_db
BANDS = [
    {"code": "top", "label": "برتر", "min": 90},
    {"code": "ok", "label": "پذیرفتنی", "min": 75},
    {"code": "low", "label": "پایین", "min": 0},
]


def _settings(municipality: Any, **changes: Any) -> ScorecardSettings:
    return ScorecardSettings.objects.create(municipality=municipality, **{**settings_initial(), **changes})


def test_competition_ranking_shares_ties_and_skips() -> None:
    assert ranks({1: 85.0, 2: 80.0, 3: 80.0, 4: 70.0, 5: None}) == {1: 1, 2: 2, 3: 2, 4: 4}


def test_offices_are_ranked_within_their_municipality_only_and_ties_share_a_rank(make_licence: Any) -> None:
    first = licensed_office(make_licence)
    tehran, district = first.municipality, first.district
    a, b, c = (office_in(tehran, district, name=n) for n in ("دفتر الف", "دفتر ب", "دفتر ج"))
    for office in (a, b):
        services(office, 20)
    services(c, 20, outside=1)  # 5% outside hours: hours 50
    services(first, 20, outside=2)
    elsewhere, other_district = make_city()
    foreign = office_in(elsewhere, other_district)
    services(foreign, 20)

    scorecards_compute(municipality=tehran, period=H1, today=TODAY)
    rows = {row.office_id: row for row in Scorecard.objects.filter(period=H1)}
    assert foreign.pk not in rows  # another municipality is computed on its own
    assert rows[a.pk].rank == rows[b.pk].rank == 1 and float(rows[a.pk].total) == 100.0
    assert rows[c.pk].rank == 3
    assert rows[first.pk].rank == 4
    assert {row.ranked for row in rows.values()} == {4}
    assert rows[c.pk].band_label == "خوب"  # (100×20 + 50×15 + 100×10) / 45 = 83.3

    scorecards_compute(municipality=elsewhere, period=H1, today=TODAY)
    own = Scorecard.objects.get(office=foreign)
    assert (own.rank, own.ranked) == (1, 1)
    assert Scorecard.objects.get(office=a).rank == 1  # Tehran's rows untouched


def test_the_standing_is_published_on_the_office_and_in_its_public_api(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 10)
    report(office, sent=dt.date(2026, 9, 1))
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    office.refresh_from_db()
    assert (office.standing_rank, office.standing_band, office.standing_period) == (1, "excellent", H1)
    assert office.standing_band_label == "ممتاز" and float(office.standing_score or 0) == 100.0
    body = office_public_detail(public_office(office.pk))
    assert body["standing"] == {
        "rank": 1,
        "ranked": 1,
        "band": "excellent",
        "band_label": "ممتاز",
        "score": 100.0,
        "period": H1,
        "period_label": "نیمهٔ نخست ۱۴۰۵",
    }
    # an older period computed later does not replace the published, newer one
    scorecards_compute(municipality=office.municipality, period="1404-H2", today=TODAY)
    office.refresh_from_db()
    assert office.standing_period == H1


def test_recomputing_replaces_the_period_and_the_consequence_comes_once(make_licence: Any) -> None:
    office = licensed_office(make_licence, name="دفتر کم‌امتیاز")
    fine = licensed_office(make_licence)
    _settings(office.municipality, bands=BANDS)
    services(office, 10, outside=10)  # hours 0, reports missing
    services(fine, 10)
    report(fine, sent=dt.date(2026, 9, 1))

    done = scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    assert [row.office_id for row in done.visits] == [office.pk]
    row = Scorecard.objects.get(office=office)
    assert row.visit_required and row.consequence_at is not None and row.band == "low"
    [sms] = OutboxMessage.objects.filter(kind="scorecard_lowest_band")
    assert sms.to == office.licence.holder.mobile
    assert "دفتر کم‌امتیاز" in sms.text and "نیمهٔ نخست ۱۴۰۵" in sms.text and "«پایین»" in sms.text
    assert AuditEntry.objects.filter(action="scorecard.visit_required").count() == 1
    assert not Scorecard.objects.get(office=fine).visit_required

    again = scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    assert again.visits == []
    assert Scorecard.objects.filter(period=H1).count() == 2  # replaced, not added
    assert Scorecard.objects.get(office=office).consequence_at == row.consequence_at
    assert OutboxMessage.objects.filter(kind="scorecard_lowest_band").count() == 1
    assert AuditEntry.objects.filter(action="scorecard.compute").count() == 2


def test_no_consequence_when_the_municipality_turned_it_off(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    _settings(office.municipality, bands=BANDS, lowest_band_visit=False)
    services(office, 10, outside=10)
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    assert not Scorecard.objects.get(office=office).visit_required
    assert not OutboxMessage.objects.filter(kind="scorecard_lowest_band").exists()


def test_a_supervisor_never_triggers_the_consequence_for_their_own_office(make_licence: Any) -> None:
    own = licensed_office(make_licence)
    other = licensed_office(make_licence)
    _settings(own.municipality, bands=BANDS)
    for office in (own, other):
        services(office, 10, outside=10)
    supervisor = municipal(own.municipality, "supervisor")
    OfficeStaffFactory.create(office=own, user=supervisor, role=StaffRole.CLERK)

    done = scorecards_compute(municipality=own.municipality, period=H1, actor=supervisor, today=TODAY)
    assert [row.office_id for row in done.visits] == [other.pk]
    assert Scorecard.objects.get(office=own).consequence_at is None
    entry = AuditEntry.objects.get(action="scorecard.visit_required")
    assert entry.actor_id == supervisor.pk
    # the system's daily run takes the one left
    scorecards_compute_due(today=TODAY)
    left = Scorecard.objects.get(office=own)
    assert left.consequence_at is not None and left.consequence_by is None
    assert OutboxMessage.objects.filter(kind="scorecard_lowest_band").count() == 2


def test_the_daily_run_computes_the_period_that_just_ended_once(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 5)
    assert scorecards_compute_due(today=TODAY) == 1
    assert Scorecard.objects.filter(office=office, period=H1).exists()
    assert scorecards_compute_due(today=TODAY) == 0
    assert AuditEntry.objects.filter(action="scorecard.compute").count() == 1


def test_a_period_not_ended_is_refused_and_changes_nothing(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    with pytest.raises(ApplicationError) as refused:
        scorecards_compute(municipality=office.municipality, period="1405-H2", today=TODAY)
    assert refused.value.message == msg.PERIOD_NOT_ENDED and refused.value.status_code == 409
    with pytest.raises(ApplicationError) as bad:
        scorecards_compute(municipality=office.municipality, period="1405-H3", today=TODAY)
    assert bad.value.message == msg.PERIOD_INVALID
    assert not Scorecard.objects.exists()


def test_the_command_computes_a_municipality(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 3, day=dt.date(2025, 10, 1))  # 1404/07/09: in 1404-H2
    out = StringIO()
    call_command("scorecards_compute", municipality=office.municipality.slug, period="1404-2", stdout=out)
    assert "کارنامهٔ نیمهٔ دوم ۱۴۰۴" in out.getvalue()
    assert Scorecard.objects.get(office=office, period="1404-H2").rank == 1


def _world(n: int, make_licence: Any) -> Any:
    """``n`` offices of one municipality, each with a bit of everything."""
    first = licensed_office(make_licence)
    offices = [first] + [licensed_office(make_licence) for _ in range(n - 1)]
    for office in offices:
        services(office, 2, outside=1)
        report(office, sent=dt.date(2026, 9, 1))
    return first.municipality


@pytest.mark.parametrize("sizes", [(2, 10)])
def test_the_queries_do_not_grow_with_the_number_of_offices(make_licence: Any, sizes: tuple[int, int]) -> None:
    small, large = sizes
    municipality = _world(small, make_licence)
    rules_row = _settings(municipality, lowest_band_visit=False)
    offices = list(Office.objects.filter(municipality=municipality).select_related("licence"))
    with CaptureQueriesContext(connection) as few:
        gather(offices, municipality.pk, parse(H1))
    with CaptureQueriesContext(connection) as compute_few:
        scorecards_compute(municipality=municipality, period=H1, today=TODAY)
    for _ in range(large - small):
        office = licensed_office(make_licence)
        services(office, 2, outside=1)
    offices = list(Office.objects.filter(municipality=municipality).select_related("licence"))
    assert len(offices) == large and rules_row.pk
    with CaptureQueriesContext(connection) as many:
        gather(offices, municipality.pk, parse(H1))
    with CaptureQueriesContext(connection) as compute_many:
        scorecards_compute(municipality=municipality, period=H1, today=TODAY)
    assert len(many) == len(few) <= 8
    assert len(compute_many) == len(compute_few)
