"""The public tariff table is cached per (municipality, day) and invalidated on change (issue
7: public reads cacheable and invalidated on change; P6): a repeated answer costs no query, and
a tariff set, a revision scheduled or cancelled shows in the very next answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from daftar.catalogue.models import Service, Tariff
from daftar.catalogue.revisions import revision_cancel, revision_schedule
from daftar.catalogue.services import tariff_set
from daftar.catalogue.tariffs import VERSION_TTL, tariffs_changed

from .factories import NOW, TODAY, make_city, municipal, set_tariffs

pytestmark = pytest.mark.django_db

NEXT_MONTH = TODAY + dt.timedelta(days=28)


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def city() -> Any:
    municipality, _district = make_city()
    set_tariffs(municipality)
    return municipality


def table(city: Any, on: dt.date | str | None = None) -> Any:
    query = f"?municipality={city.slug}" + (f"&on={on}" if on else "")
    response = APIClient().get(f"/api/v1/tariffs{query}")
    assert response.status_code == 200, response.content
    return response


def amounts(response: Any) -> dict[str, int | None]:
    return {line["service"]: line["amount"] for line in response.json()["tariffs"]}


def test_repeated_answer_is_identical_and_costs_no_query(city, django_assert_num_queries):
    first = table(city)
    with django_assert_num_queries(0):
        again = table(city)
    assert again.content == first.content  # byte-identical to the uncached answer
    assert amounts(again)["building_permit"] == 1_500_000


def test_by_id_and_by_slug_give_the_same_cached_answer(city, django_assert_num_queries):
    by_slug = table(city)
    with django_assert_num_queries(0):
        by_slug_again = table(city)
    by_id = APIClient().get(f"/api/v1/tariffs?municipality={city.pk}")
    assert by_id.content == by_slug.content == by_slug_again.content


def test_a_tariff_set_shows_in_the_very_next_answer(city):
    assert amounts(table(city, NEXT_MONTH.isoformat()))["building_permit"] == 1_500_000
    tariff_set(
        municipality=city,
        service=Service.objects.get(code="building_permit"),
        amount=1_800_000,
        effective_from=NEXT_MONTH.isoformat(),
        actor=municipal(city, "municipality_admin"),
    )
    assert amounts(table(city, NEXT_MONTH.isoformat()))["building_permit"] == 1_800_000
    assert amounts(table(city))["building_permit"] == 1_500_000  # today is unchanged


def test_a_revision_scheduled_then_cancelled_shows_each_time(city):
    admin = municipal(city, "municipality_admin")
    assert amounts(table(city, NEXT_MONTH.isoformat()))["property_inquiry"] == 250_000
    revision = revision_schedule(
        municipality=city, percent="20", rounding_step="10000", effective_from=NEXT_MONTH.isoformat(), actor=admin
    )
    assert amounts(table(city, NEXT_MONTH.isoformat()))["property_inquiry"] == 300_000
    revision_cancel(revision=revision, actor=admin)
    assert amounts(table(city, NEXT_MONTH.isoformat()))["property_inquiry"] == 250_000


def test_another_municipality_keeps_its_cached_answer(city, django_assert_num_queries):
    other, _ = make_city()
    set_tariffs(other, {"building_permit": 900_000})
    table(other)
    Tariff.objects.filter(municipality=city).update(amount=1)  # no signals …
    tariffs_changed(city.pk)  # … hence the explicit call
    assert amounts(table(city))["building_permit"] == 1
    with django_assert_num_queries(0):
        assert amounts(table(other))["building_permit"] == 900_000


def test_a_change_behind_the_signals_back_heals_after_the_version_expires(city, time_machine):
    table(city)
    Tariff.objects.filter(municipality=city).update(amount=7)
    assert amounts(table(city))["building_permit"] == 1_500_000  # still the cached answer
    time_machine.shift(dt.timedelta(seconds=VERSION_TTL + 1))
    cache.delete_many([f"tariffs:v:{city.pk}", "tariffs:v:catalogue"])  # what Redis' TTL does
    assert amounts(table(city))["building_permit"] == 7


def test_bad_inputs_are_not_cached(city):
    assert APIClient().get("/api/v1/tariffs?municipality=nowhere").status_code == 404
    assert APIClient().get("/api/v1/tariffs?municipality=nowhere").status_code == 404
    assert APIClient().get("/api/v1/tariffs").status_code == 400
    assert APIClient().get(f"/api/v1/tariffs?municipality={city.slug}&on=1405/13/40").status_code == 400
    assert APIClient().get(f"/api/v1/tariffs?municipality={city.slug.upper()}").status_code == 200


def test_a_slug_moved_in_another_process_is_followed_at_once(city):
    """Another web process renamed the slug and gave it to a new municipality: this process's
    memo still maps the slug to the old one, and the answer must still be the new one's."""
    from daftar.catalogue import tariffs

    other, _ = make_city()
    set_tariffs(other, {"building_permit": 900_000})
    table(city)  # this process now maps city.slug → city.pk
    old_slug = city.slug
    type(city).objects.filter(pk=city.pk).update(slug=f"{old_slug}-old")  # as another process did …
    type(other).objects.filter(pk=other.pk).update(slug=old_slug)
    tariffs_changed(city.pk)  # … whose signals bumped the versions (not this process's memo)
    tariffs_changed(other.pk)
    assert tariffs._pks  # the stale memo is still here
    response = APIClient().get(f"/api/v1/tariffs?municipality={old_slug}")
    assert response.json()["municipality"]["id"] == other.pk
    assert amounts(response)["building_permit"] == 900_000


def test_a_current_answer_is_sent_as_rendered_before_drf_with_the_same_headers(city, monkeypatch):
    from daftar.catalogue.api import TariffTableView

    first = table(city)
    calls = []
    original = TariffTableView.get

    def counted(self, request):
        calls.append(1)
        return original(self, request)

    monkeypatch.setattr(TariffTableView, "get", counted)
    again = table(city)
    assert calls == []  # the view's handler did not run: the rendered answer went out
    assert again.content == first.content
    for header in ("Content-Type", "Allow", "Vary", "X-Frame-Options", "X-Content-Type-Options"):
        assert again.get(header) == first.get(header), header
    # another day, or a change, takes the full path
    table(city, NEXT_MONTH.isoformat())
    assert calls == [1]
    tariffs_changed(city.pk)
    table(city)
    assert calls == [1, 1]
