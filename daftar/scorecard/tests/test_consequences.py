"""The lowest band's consequence (issue 22 §2; decision 0052 §6): to whom the SMS goes and what
the supervisor is told of it, a consequence left waiting on an older period, two runs at once,
offices deactivated and reactivated, and a daily run that survives one municipality failing."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daftar.audit.models import AuditEntry
from daftar.catalogue.tests.factories import make_city, municipal
from daftar.municipalities.models import Municipality
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import OfficeStaffFactory
from daftar.scorecard import messages as msg
from daftar.scorecard.models import Scorecard, ScorecardSettings
from daftar.scorecard.rules import settings_initial
from daftar.scorecard.selectors import ranking
from daftar.scorecard.services import consequences_apply, scorecards_compute, scorecards_compute_due

from .helpers import H1, TODAY, licensed_office, office_in, services

pytestmark = pytest.mark.django_db
BANDS = [
    {"code": "top", "label": "برتر", "min": 90},
    {"code": "ok", "label": "پذیرفتنی", "min": 75},
    {"code": "low", "label": "پایین", "min": 0},
]
H2_1404 = "1404-H2"
IN_1404_H2 = TODAY.replace(year=2025, month=11)  # 1404/08/…


def _low_bands(municipality: Any, **changes: Any) -> ScorecardSettings:
    return ScorecardSettings.objects.create(
        municipality=municipality, **{**settings_initial(), "bands": BANDS, **changes}
    )


def _sms() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="scorecard_lowest_band").order_by("pk"))


def test_an_office_without_a_licence_texts_its_managers_and_the_message_says_so(make_licence: Any) -> None:
    licensed = licensed_office(make_licence)
    tehran, district = licensed.municipality, licensed.district
    _low_bands(tehran)
    unlicensed = office_in(tehran, district, name="دفتر بی‌مجوز")
    managers = [OfficeStaffFactory.create(office=unlicensed, role=StaffRole.MANAGER).user for _ in range(2)]
    OfficeStaffFactory.create(office=unlicensed, role=StaffRole.CLERK)  # a clerk is not told
    services(unlicensed, 10, outside=10)  # hours 0: 66.7, the lowest band

    done = scorecards_compute(municipality=tehran, period=H1, today=TODAY)
    assert [row.office_id for row in done.visits] == [unlicensed.pk]
    assert sorted(m.to for m in _sms()) == sorted(u.mobile for u in managers)
    assert done.texted == 1
    assert done.message.endswith(msg.COMPUTED_VISITS.format(visits="۱") + msg.COMPUTED_TEXTED_ALL)


def test_nobody_to_text_is_not_reported_as_texted(make_licence: Any) -> None:
    licensed = licensed_office(make_licence)
    tehran, district = licensed.municipality, licensed.district
    _low_bands(tehran)
    nobody = office_in(tehran, district, name="دفتر بی‌مدیر")  # no licence and no manager
    services(nobody, 10, outside=10)

    done = scorecards_compute(municipality=tehran, period=H1, today=TODAY)
    assert [row.office_id for row in done.visits] == [nobody.pk] and done.texted == 0
    assert not _sms()
    assert "پیامک شد" not in done.message and done.message.endswith(msg.COMPUTED_TEXTED_NONE)
    assert AuditEntry.objects.get(action="scorecard.visit_required").data["texted"] is False

    other = office_in(tehran, district, name="دفتر با مدیر")
    OfficeStaffFactory.create(office=other, role=StaffRole.MANAGER)
    services(other, 10, outside=10)
    again = scorecards_compute(municipality=tehran, period=H1, today=TODAY)
    assert [row.office_id for row in again.visits] == [other.pk]
    assert again.message.endswith(msg.COMPUTED_TEXTED_ALL)


def test_the_daily_run_applies_a_consequence_left_waiting_on_an_older_period(make_licence: Any) -> None:
    own = licensed_office(make_licence, name="دفتر ناظر")
    _low_bands(own.municipality)
    services(own, 10, outside=10, day=IN_1404_H2)
    supervisor = municipal(own.municipality, "supervisor")
    OfficeStaffFactory.create(office=own, user=supervisor, role=StaffRole.CLERK)
    done = scorecards_compute(municipality=own.municipality, period=H2_1404, actor=supervisor, today=TODAY)
    assert done.visits == []  # their own office: left for the system
    waiting = Scorecard.objects.get(office=own, period=H2_1404)
    assert waiting.visit_required and waiting.consequence_at is None

    # the daily run of TODAY computes 1405-H1 (the period that has just ended) and takes the
    # older period's consequence too
    assert scorecards_compute_due(today=TODAY) == 1
    waiting.refresh_from_db()
    assert waiting.consequence_at is not None and waiting.consequence_by is None
    [sms] = _sms()
    assert "نیمهٔ دوم ۱۴۰۴" in sms.text
    scorecards_compute_due(today=TODAY)
    assert len(_sms()) == 1  # once


def test_applying_takes_the_municipality_lock_as_the_computation_does(make_licence: Any) -> None:
    """A computation reads which consequences were taken and replaces the rows under the
    municipality's lock; a run applying them must wait for that lock, or a computation could
    replace a row it is acting on, lose ``consequence_at`` and text the holder twice."""
    office = licensed_office(make_licence)
    services(office, 5)
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY, consequences=False)
    with CaptureQueriesContext(connection) as queries:
        consequences_apply(municipality=office.municipality, period=H1)
    sqls = [q["sql"] for q in queries.captured_queries]
    table = Municipality._meta.db_table
    lock = next((i for i, sql in enumerate(sqls) if "FOR UPDATE" in sql and f'FROM "{table}"' in sql), None)
    assert lock is not None, "consequences_apply does not lock the municipality row"
    assert lock < next(i for i, sql in enumerate(sqls) if f'"{Scorecard._meta.db_table}"' in sql)


def test_a_deactivated_office_keeps_its_consequence_and_loses_its_standing(make_licence: Any) -> None:
    weak = licensed_office(make_licence, name="دفتر ضعیف")
    fine = licensed_office(make_licence, name="دفتر خوب")
    _low_bands(weak.municipality)
    services(weak, 10, outside=10)
    services(fine, 10)
    scorecards_compute(municipality=weak.municipality, period=H1, today=TODAY)
    taken = Scorecard.objects.get(office=weak).consequence_at
    assert taken is not None and len(_sms()) == 1
    weak.refresh_from_db()
    assert weak.standing_rank == 2

    Office.objects.filter(pk=weak.pk).update(active=False)
    scorecards_compute(municipality=weak.municipality, period=H1, today=TODAY)
    kept = Scorecard.objects.get(office=weak)
    assert kept.consequence_at == taken and kept.rank is None  # kept, no longer ranked
    assert Scorecard.objects.get(office=fine).rank == 1 and kept.ranked == 1
    weak.refresh_from_db()
    assert weak.standing_rank is None and weak.standing_period == ""  # not ranked in the published period

    Office.objects.filter(pk=weak.pk).update(active=True)
    done = scorecards_compute(municipality=weak.municipality, period=H1, today=TODAY)
    assert done.visits == [] and len(_sms()) == 1  # never twice for one period
    assert Scorecard.objects.get(office=weak).consequence_at == taken


def test_a_deactivated_office_without_a_consequence_is_dropped(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    gone = licensed_office(make_licence)
    for o in (office, gone):
        services(o, 5)
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    Office.objects.filter(pk=gone.pk).update(active=False)
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    assert list(Scorecard.objects.values_list("office_id", flat=True)) == [office.pk]


def test_the_daily_run_goes_on_when_one_municipality_fails(make_licence: Any, caplog: Any) -> None:
    broken = licensed_office(make_licence)
    services(broken, 5)
    # a row the admin form would refuse (bands of one), written past it
    _low_bands(broken.municipality, bands=BANDS[:1])
    elsewhere, district = make_city()
    fine = office_in(elsewhere, district)
    services(fine, 5)
    assert broken.municipality.pk < elsewhere.pk  # the broken one comes first
    with caplog.at_level(logging.ERROR, logger="daftar.scorecard.services"):
        assert scorecards_compute_due(today=TODAY) == 1
    assert Scorecard.objects.get(office=fine).rank == 1
    assert not Scorecard.objects.filter(office=broken).exists()
    assert f"municipality={broken.municipality.pk}" in caplog.text


def test_unranked_offices_are_listed_last(make_licence: Any) -> None:
    ranked = licensed_office(make_licence, name="ی دفتر با خدمت")
    idle = office_in(ranked.municipality, ranked.district, name="الف دفتر بی خدمت")  # first by name
    services(ranked, 5)
    scorecards_compute(municipality=ranked.municipality, period=H1, today=TODAY)
    rows = ranking(ranked.municipality, H1)
    assert [row.office_id for row in rows] == [ranked.pk, idle.pk]
    assert "NULLS LAST" in str(rows.query)  # SQLite and others sort NULL first unless told
