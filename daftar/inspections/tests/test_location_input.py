"""The inspector's form takes numbers as the map picker writes them: text boxes with the decimal
keyboard (a ``type=number`` box empties itself on Persian digits), read in any digits with «٫»
or «/» as the decimal separator; the scheduling box of the visits list has the Jalali picker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from daftar.inspections.forms import ResultForm
from daftar.inspections.models import Inspection
from daftar.inspections.services import inspection_schedule

from .helpers import MEASURED, case_at_inspection, inspector

pytestmark = pytest.mark.django_db


def test_numbers_are_text_boxes_with_the_decimal_keyboard() -> None:
    html = ResultForm().as_div()
    assert 'type="number"' not in html
    for name in ("lat", "lng", "measured_area_m2"):
        assert f'type="text" name="{name}"' in html
    assert html.count('inputmode="decimal"') == 3


@pytest.mark.parametrize(
    ("lat", "lng", "area", "expected"),
    [
        ("۳۵٫۷۴۵", "۵۱٫۵۵۳", "۷۲٫۵", (35.745, 51.553, 72.5)),  # as the map writes them
        ("35.745", "51.553", "72", (35.745, 51.553, 72.0)),
        ("٣٥/٧٤٥", "51/553", "۷۲", (35.745, 51.553, 72.0)),  # Arabic-Indic digits, «/» as separator
        ("\u200e\u2212۳۵٫۵", "۵۱", "۷۲", (-35.5, 51.0, 72.0)),  # a minus sign as our pages write it
    ],
)
def test_coordinates_and_area_in_any_digits(lat: str, lng: str, area: str, expected: tuple[float, ...]) -> None:
    form = ResultForm({"premises_use": "commercial", "measured_area_m2": area, "lat": lat, "lng": lng})
    assert form.is_valid(), form.errors
    data = form.measurements()
    assert (data["location"]["lat"], data["location"]["lng"], data["measured_area_m2"]) == expected


def test_out_of_range_and_words_are_refused() -> None:
    form = ResultForm({"premises_use": "commercial", "measured_area_m2": "۷۲", "lat": "۹۵", "lng": "شرق"})
    assert not form.is_valid()
    assert set(form.errors) == {"lat", "lng"}


def test_the_page_records_persian_digits(tehran_rules: object) -> None:
    inspection = inspection_schedule(case_at_inspection(), inspector(), timezone.now() + dt.timedelta(hours=2))
    page = Client()
    page.force_login(inspector())
    html = page.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'name="lat"' in html and 'type="number"' not in html
    form = {
        "premises_use": "commercial",
        "measured_area_m2": "۷۲",
        "equipment": MEASURED["equipment"],
        "lat": "۳۵٫۷۴۵",
        "lng": "۵۱٫۵۵۳",
    }
    assert page.post(f"/inspections/{inspection.pk}/", form).status_code == 302
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.passed is True


def test_the_scheduling_box_has_the_jalali_picker(tehran_rules: object) -> None:
    case_at_inspection()
    page = Client()
    page.force_login(inspector())
    html = page.get("/inspections/").content.decode()
    assert 'name="scheduled_at"' in html
    assert 'data-jalali="datetime"' in html and 'inputmode="numeric"' in html and 'autocomplete="off"' in html
