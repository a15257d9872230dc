"""The municipality's revenue report hides the rows with no transaction in the range unless
asked, says how many it hides, and the chart follows the table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from daftar.ledger.tests.factories import TODAY, World, build_world, jday, tx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> Iterator[World]:
    with time_machine.travel(TODAY, tick=False):
        yield build_world()


def page(world: World, **params: str) -> str:
    c = Client()
    c.force_login(world.supervisor)
    response = c.get("/reports/revenue/", {"start": "1405/07", "end": "1405/08", **params})
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    body = html.split('id="municipality-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [cell.split(">", 1)[1].split("<", 1)[0] for cell in body.split('<th scope="row"')[1:]]


def chart_labels(html: str) -> list[str]:
    island = html.split('id="municipality-revenue-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(island)["labels"]


def test_all_zero_rows_are_hidden_with_their_count_until_asked(world: World) -> None:
    tx(world.office, "building_permit", jday(1405, 8, 1))  # district 1 works; district 2 is idle
    html = page(world)
    assert rows(html) == ["منطقهٔ ۱"] and chart_labels(html) == ["منطقهٔ ۱"]
    assert "۱ منطقه بی‌هیچ تراکنشی در این بازه پنهان است" in html
    assert "zeros=1" in html and "نمایش ردیف‌های صفر" in html

    shown = page(world, zeros="1")
    assert rows(shown) == ["منطقهٔ ۱", "منطقهٔ ۲"] and chart_labels(shown) == ["منطقهٔ ۱", "منطقهٔ ۲"]
    assert "پنهان کردن ردیف‌های صفر" in shown
    assert 'name="zeros" value="1"' in shown  # the filter form keeps the choice
