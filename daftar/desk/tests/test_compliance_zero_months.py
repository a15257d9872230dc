"""The compliance page hides the months without a violation (a visit) from those two tables
unless asked (``?zeros=1``): twelve rows of zeros buried the month that had one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from daftar.inspections.services import visit_schedule
from daftar.kernel.jalali import jalali_month_label
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.supervision.services import violation_record

from .oversight_helpers import INSPECTOR, SUPERVISOR, client_of, office_of, pinned_csrf, user

pytestmark = pytest.mark.django_db
__all__ = ["pinned_csrf"]  # the fixture, autouse in this module

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=TEHRAN)  # 1405/09/03, mid-month


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(make_licence: Any) -> Office:
    licence = make_licence()
    return office_of(licence, name="دفتر خدمات نمونهٔ کارنامه")


def _page(office: Office, query: str = "") -> str:
    response = client_of(SUPERVISOR).get(f"/desk/supervision/offices/{office.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _rows(page: str, table: str) -> int:
    return page.split(f'id="{table}"')[1].split("</table>")[0].count('<th scope="row"')


def test_only_the_months_with_a_violation_or_a_visit_are_listed(office: Office) -> None:
    assert office.licence is not None
    violation_record(office.licence, type_code="outside_hours", description="کار در ساعت ۲۰", actor=user(SUPERVISOR))
    visit_schedule(office.licence, user(INSPECTOR), NOW + dt.timedelta(hours=3), actor=user(SUPERVISOR))
    page = _page(office)
    assert _rows(page, "violations-table") == 1 and _rows(page, "visits-by-month") == 1
    assert jalali_month_label(1405, 9) in page.split('id="violations-table"')[1].split("</table>")[0]
    assert page.count('data-hidden-zeros="11"') == 2
    assert 'href="?zeros=1#violations-title"' in page and 'href="?zeros=1#visits-title"' in page
    assert _rows(page, "hours-table") == 12  # the hours table keeps its twelve months
    every = _page(office, "?zeros=1")
    assert _rows(every, "violations-table") == 12 and _rows(every, "visits-by-month") == 12
    assert "پنهان کردن ماه‌های صفر" in every and "data-hidden-zeros" not in every


def test_an_office_with_nothing_to_show_says_so(office: Office) -> None:
    page = _page(office)
    assert 'id="violations-table"' not in page and 'id="visits-by-month"' not in page
    assert "در دوازده ماه اخیر تخلفی ثبت نشده است." in page
    assert "در دوازده ماه اخیر بازدیدی زمان‌بندی نشده است." in page
    every = _page(office, "?zeros=1")
    assert _rows(every, "violations-table") == 12 and _rows(every, "visits-by-month") == 12
