"""The satisfaction measure never lets the office work out who rated (issue 22 §1: "the office
never sees who rated"; decision 0052): what the office's page and the API show of it is the same
for two offices whose citizens rated differently wherever the difference lies only in a small
group: a source (walk-in or appointment) with fewer than ``FEEDBACK_MIN_GROUP`` ratings, or a
month the feedback page withholds. No count below the minimum is shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from daftar.catalogue.tests.factories import client_for
from daftar.feedback.models import Source
from daftar.feedback.selectors import office_satisfaction
from daftar.scorecard.models import Scorecard
from daftar.scorecard.services import scorecards_compute

from .helpers import H1, IN_H1, TODAY, licensed_office, ratings, services

pytestmark = pytest.mark.django_db

MONTH_3 = dt.date(2026, 6, 10)  # 1405/03/20, another month of H1


def _satisfaction(office: Any) -> dict[str, Any]:
    row = Scorecard.objects.get(office=office, period=H1)
    return next(m for m in row.measures if m["code"] == "satisfaction")


def _api(office: Any) -> dict[str, Any]:
    body = client_for(office.licence.holder).get(f"/api/v1/offices/{office.pk}/scorecard").json()
    return next(m for m in body["scorecard"]["measures"] if m["code"] == "satisfaction")


def _shown(m: dict[str, Any]) -> dict[str, Any]:
    """What a person of the office can read of the measure (page and API)."""
    return {key: m[key] for key in ("score", "raw", "reason", "counted")}


def _two_offices(make_licence: Any) -> tuple[Any, Any]:
    first = licensed_office(make_licence, name="دفتر نخست")
    second = licensed_office(make_licence, name="دفتر دوم")
    for office in (first, second):
        services(office, 10)
    return first, second


def test_a_single_appointment_rating_beside_ten_walk_in_ones_is_not_given_away(make_licence: Any) -> None:
    """Walk-in: ten ratings with a mean of 4.0, and one appointment rating. Shown apart, the
    overall mean and the walk-in mean would give the appointment's rating (45 − 40 = 5). Two
    offices whose single appointment citizen rated 5 and 4 (the walk-in ones making up the
    difference) must read exactly the same."""
    five, four = _two_offices(make_licence)
    ratings(five, [4] * 10, Source.SERVICE)
    ratings(five, [5], Source.APPOINTMENT)
    ratings(four, [4] * 9 + [5], Source.SERVICE)
    ratings(four, [4], Source.APPOINTMENT)
    scorecards_compute(municipality=five.municipality, period=H1, today=TODAY)

    shown = _shown(_satisfaction(five))
    assert shown == _shown(_satisfaction(four))
    assert _shown(_api(five)) == _shown(_api(four))
    raw = shown["raw"]
    assert raw["ratings"] == 11 and raw["mean"] == 4.09 and shown["score"] == 77.3
    assert raw["service_ratings"] is raw["service_mean"] is None
    assert raw["appointment_ratings"] is raw["appointment_mean"] is None
    assert not re.search(r"(?<![۰-۹])(۱|۱۰) نظر", shown["reason"])  # neither source's count
    assert "جداگانه گفته می‌شود اگر هر یک دست‌کم ۳ نظر داشته باشد" in shown["reason"]


def test_the_sources_are_shown_apart_when_each_reaches_the_minimum(make_licence: Any) -> None:
    office = licensed_office(make_licence)
    services(office, 10)
    ratings(office, [4] * 5, Source.SERVICE)
    ratings(office, [5, 5, 2], Source.APPOINTMENT)
    scorecards_compute(municipality=office.municipality, period=H1, today=TODAY)
    raw = _satisfaction(office)["raw"]
    assert (raw["service_ratings"], raw["service_mean"]) == (5, 4.0)
    assert (raw["appointment_ratings"], raw["appointment_mean"]) == (3, 4.0)


def test_a_month_the_feedback_page_withholds_does_not_count(make_licence: Any) -> None:
    """Month 2 has two ratings (withheld on the feedback page), month 3 five. Counted over the
    half-year, the scorecard's count and mean less the page's month 3 would give month 2's two
    ratings; so only the months the page shows count, and two offices whose withheld month
    differs read the same."""
    low, high = _two_offices(make_licence)
    ratings(low, [1, 1], day=IN_H1)
    ratings(high, [5, 5], day=IN_H1)
    for office in (low, high):
        ratings(office, [4, 4, 4, 3, 5], day=MONTH_3)
    scorecards_compute(municipality=low.municipality, period=H1, today=TODAY)

    assert _shown(_satisfaction(low)) == _shown(_satisfaction(high))
    raw = _satisfaction(low)["raw"]
    page = office_satisfaction(low, today=TODAY)
    shown_months = [m for m in page.months if m.shown]
    assert [(m.year, m.month) for m in shown_months] == [(1405, 3)]
    assert raw["ratings"] == page.shown_count == 5
    assert raw["mean"] == 4.0 and page.average == 4.0
    assert raw["months_counted"] == 1


def test_no_month_with_enough_ratings_is_no_score_and_says_no_count(make_licence: Any) -> None:
    sparse, none = _two_offices(make_licence)
    ratings(sparse, [5, 5], day=IN_H1)
    ratings(sparse, [1], day=MONTH_3)
    scorecards_compute(municipality=sparse.municipality, period=H1, today=TODAY)
    shown = _shown(_satisfaction(sparse))
    assert shown == _shown(_satisfaction(none))  # a few ratings read as none at all
    assert shown["score"] is None and shown["raw"]["ratings"] is None
    assert not re.search(r"(?<![۰-۹])[۱۲] نظر", shown["reason"])
