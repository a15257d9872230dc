"""The finder sorted by the published rank (issue 22 §2, §4): the best rank first, the offices
not ranked last; the card carries the standing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from daftar.catalogue.tests.factories import make_city
from daftar.offices.models import Office
from daftar.offices.tests.factories import make_office

pytestmark = pytest.mark.django_db


def test_sorted_by_rank_the_best_comes_first_and_the_unranked_last() -> None:
    municipality, district = make_city()
    first, second, third, unranked = (make_office(municipality, district) for _ in range(4))
    for office, rank in ((first, 2), (second, 1), (third, 3)):
        Office.objects.filter(pk=office.pk).update(
            standing_rank=rank,
            standing_ranked=3,
            standing_band="good",
            standing_band_label="خوب",
            standing_score=80 - rank,
            standing_period="1405-H1",
        )
    body = APIClient().get(f"/api/v1/offices?municipality={municipality.slug}&sort=rank").json()
    assert [card["id"] for card in body["results"]] == [second.pk, first.pk, third.pk, unranked.pk]
    assert body["results"][0]["standing"]["rank"] == 1
    assert body["results"][-1]["standing"] is None
    # another municipality's first is not mixed in between: without a municipality chosen, each
    # municipality's offices come together, by rank
    elsewhere, elsewhere_district = make_city()
    theirs = make_office(elsewhere, elsewhere_district)
    Office.objects.filter(pk=theirs.pk).update(standing_rank=1, standing_ranked=1, standing_period="1405-H1")
    mixed = [card["id"] for card in APIClient().get("/api/v1/offices?sort=rank&page_size=100").json()["results"]]
    places = [mixed.index(o.pk) for o in (second, first, third, unranked)]
    assert places == list(range(places[0], places[0] + 4)), mixed  # together, in rank order
    assert theirs.pk in mixed
