"""A municipality has one period length (issue 22 §2, P5: six months by default): ``1405-3`` is
its third period; a key of another length is refused in Persian (400), by the computation, the
command, the page and the API alike, so that two overlapping periods are never ranked (nor the
lowest band's consequence taken twice for the same months)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from daftar.catalogue.tests.factories import client_for, municipal
from daftar.kernel.errors import ApplicationError
from daftar.scorecard import messages as msg
from daftar.scorecard.models import Scorecard, ScorecardSettings
from daftar.scorecard.periods import parse
from daftar.scorecard.rules import settings_initial
from daftar.scorecard.services import scorecards_compute, scorecards_compute_due

from .helpers import TODAY, licensed_office, services

pytestmark = pytest.mark.django_db

QUARTERLY = msg.PERIOD_WRONG_LENGTH.format(length=msg.PERIOD_LENGTHS[3])
HALF_YEARLY = msg.PERIOD_WRONG_LENGTH.format(length=msg.PERIOD_LENGTHS[6])
IN_Q2 = dt.date(2026, 7, 1)  # 1405/04/10


def test_quarterly_keys_are_parsed_in_the_municipality_s_length() -> None:
    q3 = parse("۱۴۰۵-۳", 3)
    assert (q3.key, q3.label, q3.first, q3.last) == (
        "1405-Q3",
        "پاییز ۱۴۰۵",
        dt.date(2026, 9, 23),
        dt.date(2026, 12, 21),
    )
    assert parse("1405-Q4", 3).last == dt.date(2027, 3, 20)
    assert parse("1405-1", 12).key == "1405-Y"
    assert parse("1405-2", 6).key == "1405-H2"
    assert parse("1405-2").key == "1405-H2"  # a stored key without a length: six months
    for raw, months, message in (
        ("1405-H1", 3, QUARTERLY),
        ("1405-Y", 3, QUARTERLY),
        ("1405-Q1", 6, HALF_YEARLY),
        ("1405-Y", 6, HALF_YEARLY),
    ):
        with pytest.raises(ApplicationError) as refused:
            parse(raw, months)
        assert refused.value.message == message and refused.value.status_code == 400
    with pytest.raises(ApplicationError) as beyond:
        parse("1405-5", 3)  # four quarters only
    assert beyond.value.message == msg.PERIOD_INVALID


def test_a_six_monthly_municipality_refuses_a_quarter_or_a_year(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 5)
    for key in ("1405-Q1", "1404-Y"):
        with pytest.raises(ApplicationError) as refused:
            scorecards_compute(municipality=office.municipality, period=key, today=TODAY)
        assert refused.value.message == HALF_YEARLY and refused.value.status_code == 400
    with pytest.raises(ApplicationError):
        scorecards_compute(municipality=office.municipality, period=parse("1405-Q1"), today=TODAY)
    with pytest.raises(CommandError, match=HALF_YEARLY):
        call_command("scorecards_compute", municipality=office.municipality.slug, period="1405-Q2")
    assert not Scorecard.objects.exists()


@pytest.fixture
def quarterly(make_licence: Any) -> Any:
    office = licensed_office(make_licence)
    ScorecardSettings.objects.create(municipality=office.municipality, **{**settings_initial(), "period_months": 3})
    services(office, 6, day=IN_Q2)
    return office


def test_a_quarterly_municipality_computes_quarters_and_refuses_half_years(quarterly: Any) -> None:
    office = quarterly
    # the daily run takes the quarter that has just ended (TODAY, 1405/09/03, is in Q3)
    assert scorecards_compute_due(today=TODAY) == 1
    assert list(Scorecard.objects.values_list("period", "rank")) == [("1405-Q2", 1)]
    with pytest.raises(ApplicationError) as refused:
        scorecards_compute(municipality=office.municipality, period="1405-H1", today=TODAY)
    assert refused.value.message == QUARTERLY
    done = scorecards_compute(municipality=office.municipality, period="1405-2", today=TODAY)
    assert done.period.key == "1405-Q2"
    assert list(Scorecard.objects.values_list("period", flat=True)) == ["1405-Q2"]


def test_the_page_and_the_api_read_the_municipality_s_length(quarterly: Any) -> None:
    office = quarterly
    scorecards_compute(municipality=office.municipality, period="1405-Q2", today=TODAY)
    holder = office.licence.holder
    api = client_for(holder)
    assert api.get(f"/api/v1/offices/{office.pk}/scorecard?period=1405-2").json()["scorecard"]["period"] == "1405-Q2"
    refused = api.get(f"/api/v1/offices/{office.pk}/scorecard?period=1405-H1")
    assert refused.status_code == 400 and refused.json()["detail"] == QUARTERLY
    absent = api.get(f"/api/v1/offices/{office.pk}/scorecard?period=1405-3")
    assert absent.status_code == 404 and absent.json()["detail"] == msg.PERIOD_NOT_COMPUTED

    page = Client()
    page.force_login(holder)
    assert page.get(f"/offices/{office.pk}/scorecard/?period=1405-2").status_code == 200
    wrong = page.get(f"/offices/{office.pk}/scorecard/?period=1405-H1")
    assert wrong.status_code == 400 and QUARTERLY in wrong.content.decode()
    desk = Client()
    desk.force_login(municipal(office.municipality, "supervisor"))
    assert desk.get("/desk/scorecards/?period=1405-2").status_code == 200
    assert desk.get("/desk/scorecards/?period=1405-H1").status_code == 400


def test_a_period_computed_before_the_length_changed_can_still_be_read(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 5)
    scorecards_compute(municipality=office.municipality, period="1405-H1", today=TODAY)
    ScorecardSettings.objects.create(municipality=office.municipality, **{**settings_initial(), "period_months": 3})
    body = client_for(office.licence.holder).get(f"/api/v1/offices/{office.pk}/scorecard?period=1405-H1")
    assert body.status_code == 200 and body.json()["scorecard"]["period"] == "1405-H1"
