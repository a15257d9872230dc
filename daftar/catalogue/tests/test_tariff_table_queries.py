"""The tariff table and the council resolution shown beside it cost two queries, whatever the
number of services (the public tariffs page and every office page read each line's revision)."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.catalogue.models import Tariff, TariffRevision
from daftar.catalogue.tariffs import tariff_table

from .factories import TODAY, make_city, set_tariffs

pytestmark = pytest.mark.django_db


def test_each_lines_revision_comes_with_the_table(django_assert_num_queries: Any) -> None:
    city, _ = make_city()
    set_tariffs(city)
    revision = TariffRevision.objects.create(
        municipality=city, percent=0, effective_from=TODAY, resolution="مصوبهٔ نمونه"
    )
    Tariff.objects.filter(municipality=city).update(revision=revision)
    with django_assert_num_queries(2):
        lines = tariff_table(city.pk, TODAY)
        resolutions = {line.tariff.revision.resolution for line in lines if line.tariff}
    assert resolutions == {"مصوبهٔ نمونه"} and sum(1 for line in lines if line.tariff) >= 3
