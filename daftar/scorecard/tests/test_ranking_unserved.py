"""The supervisor's ranking hides the offices that served no one in the period (they have no
rank: «بی خدمت در دوره») unless asked, with a link to show them all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from daftar.catalogue.tests.factories import municipal
from daftar.scorecard.models import Scorecard
from daftar.scorecard.services import scorecards_compute

from .helpers import H1, TODAY, licensed_office, report, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(make_licence: Any) -> Any:
    served = licensed_office(make_licence, name="دفتر خدمات پرکار")
    other = licensed_office(make_licence, name="دفتر خدمات دوم")
    idle = licensed_office(make_licence, name="دفتر خدمات بی‌کار")
    services(served, 40)
    services(other, 40, outside=4)
    report(served, sent=dt.date(2026, 9, 1))
    scorecards_compute(municipality=served.municipality, period=H1, today=TODAY)
    assert Scorecard.objects.get(office=idle, period=H1).rank is None
    return served, other, idle


def _ranking(office: Any, query: str = "") -> str:
    client = Client()
    client.force_login(municipal(office.municipality, "supervisor"))
    response = client.get(f"/desk/scorecards/?municipality={office.municipality.slug}&period={H1}{query}")
    assert response.status_code == 200
    return response.content.decode()


def _table(page: str) -> str:
    return page.split('id="ranking"')[1].split("</table>")[0]


def test_an_office_without_service_is_hidden_until_asked(computed: Any) -> None:
    served, other, idle = computed
    page = _ranking(served)
    table = _table(page)
    assert f'data-office="{served.pk}"' in table and f'data-office="{other.pk}"' in table
    assert f'data-office="{idle.pk}"' not in table and "بی خدمت در دوره" not in table
    assert 'data-hidden-unserved="1"' in page
    assert f"period={H1}&amp;all=1#table-title" in page and "نمایش همه" in page
    every = _ranking(served, "&all=1")
    table = _table(every)
    assert f'data-office="{idle.pk}"' in table and "بی خدمت در دوره" in table
    assert table.index(f'data-office="{other.pk}"') < table.index(f'data-office="{idle.pk}"')  # the unranked last
    assert "پنهان کردن دفترهای بی خدمت" in every
    assert f"period={H1}&amp;all=1" in every.split('id="periods"')[1].split("</nav>")[0]  # kept across periods


def test_when_no_office_served_the_page_says_so(make_licence: Any) -> None:
    idle = licensed_office(make_licence)
    scorecards_compute(municipality=idle.municipality, period=H1, today=TODAY)
    page = _ranking(idle)
    assert 'id="no-ranked"' in page and 'data-hidden-unserved="1"' in page
    assert f'data-office="{idle.pk}"' in _table(_ranking(idle, "&all=1"))
