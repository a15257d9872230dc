"""A closed office says when it next opens on the booking page and in the public API, as the
finder and the office page do: ``next_opening`` (ISO date-time, Tehran) and
``next_opening_text`` («بسته است؛ فردا ساعت ۸:۰۰ باز می‌شود»), null while it is open or a
sanction stops it; the finder's list costs the same queries however many closed offices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from daftar.accounts.models import User
from daftar.licences.moves import licence_suspend
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.tests.factories import OfficeClosureFactory
from daftar.offices.tests.factories import make_office as licensed_office

pytestmark = pytest.mark.django_db

# Monday 2 Azar 1405; the test offices open Saturday–Wednesday 8:00–14:00
MONDAY_1030 = dt.datetime(2026, 11, 23, 10, 30, tzinfo=TEHRAN)
MONDAY_1500 = dt.datetime(2026, 11, 23, 15, 0, tzinfo=TEHRAN)
TOMORROW = "بسته است؛ فردا ساعت ۸:۰۰ باز می‌شود"


def _card(office_id: int) -> dict[str, Any]:
    body = APIClient().get("/api/v1/offices?page_size=100").json()
    return next(card for card in body["results"] if card["id"] == office_id)


def test_a_closed_office_tells_when_it_next_opens(make_office: Any) -> None:
    office = make_office()
    with time_machine.travel(MONDAY_1500, tick=False):
        card = _card(office.pk)
        detail = APIClient().get(f"/api/v1/offices/{office.pk}").json()
    for body in (card, detail):
        assert body["open_now"] is False
        assert body["next_opening"] == "2026-11-24T08:00:00+03:30"
        assert body["next_opening_text"] == TOMORROW
    # a closure tomorrow moves it to the day after, as the pages say it
    OfficeClosureFactory(office=office, date=dt.date(2026, 11, 24), reason="تعمیرات")
    with time_machine.travel(MONDAY_1500, tick=False):
        assert _card(office.pk)["next_opening"] == "2026-11-25T08:00:00+03:30"
        detail = APIClient().get(f"/api/v1/offices/{office.pk}").json()
        assert detail["next_opening_text"] == "بسته است؛ چهارشنبه ساعت ۸:۰۰ باز می‌شود"
        assert detail["next_opening_text"] in Client().get(f"/offices/{office.pk}/").content.decode()


def test_an_open_office_has_no_next_opening(make_office: Any) -> None:
    office = make_office()
    with time_machine.travel(MONDAY_1030, tick=False):
        card = _card(office.pk)
        detail = APIClient().get(f"/api/v1/offices/{office.pk}").json()
    for body in (card, detail):
        assert body["open_now"] is True
        assert body["next_opening"] is None and body["next_opening_text"] is None


def test_an_office_not_opening_within_a_fortnight_has_none(make_office: Any) -> None:
    office = make_office(hours=[])
    with time_machine.travel(MONDAY_1500, tick=False):
        assert _card(office.pk)["next_opening"] is None
        assert APIClient().get(f"/api/v1/offices/{office.pk}").json()["next_opening_text"] is None


@pytest.mark.parametrize("query", ["", "&sort=wait", "&sort=rank"])
def test_the_list_costs_the_same_queries_for_3_and_30_closed_offices(make_office: Any, query: str) -> None:
    def queries() -> int:
        with time_machine.travel(MONDAY_1500, tick=False), CaptureQueriesContext(connection) as captured:
            response = APIClient().get(f"/api/v1/offices?page_size=100{query}")
        assert response.status_code == 200
        assert all(card["next_opening_text"] == TOMORROW for card in response.json()["results"])
        return len(captured)

    for n in range(3):
        make_office(district=3 + n % 10)
    few = queries()
    for n in range(27):
        make_office(district=3 + n % 10)
    assert queries() == few


def test_the_booking_page_says_when_a_closed_office_opens(make_office: Any) -> None:
    office = make_office()
    with time_machine.travel(MONDAY_1500, tick=False):
        page = Client().get(f"/offices/{office.pk}/book/").content.decode()
        assert f"data-next-opening>{TOMORROW}</p>" in page
        chosen = Client().get(f"/offices/{office.pk}/book/?service=property_inquiry").content.decode()
        assert TOMORROW in chosen
    with time_machine.travel(MONDAY_1030, tick=False):
        assert "باز می‌شود" not in Client().get(f"/offices/{office.pk}/book/").content.decode()


def test_a_stopped_office_is_told_by_its_sanction_not_a_reopening(make_licence: Any) -> None:
    licence = make_licence()
    office = licensed_office(licence.municipality, licence.district, licence=licence)
    with time_machine.travel(MONDAY_1500, tick=False):
        licence_suspend(
            licence,
            until=dt.date(2026, 11, 30),
            reason="دریافت وجه بیش از تعرفه",
            actor=User.objects.get(mobile="09120000005"),
        )
        card = _card(office.pk)
        detail = APIClient().get(f"/api/v1/offices/{office.pk}").json()
        page = Client().get(f"/offices/{office.pk}/book/").content.decode()
    for body in (card, detail):
        assert body["operating"] is False
        assert body["next_opening"] is None and body["next_opening_text"] is None
    assert "data-next-opening" not in page and "data-sanction" in page
