"""The map picker's endpoints: the zones and boundaries it draws, and the live check of a point
against the permitted zone with the distance to the nearest office (docs/decisions/0035)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from shapely.geometry import Point, shape

from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from daftar.offices.tests.factories import make_office
from daftar.rules import messages as msg
from daftar.rules.map import _districts, distance_text
from daftar.rules.models import Condition, RuleSet

pytestmark = pytest.mark.django_db
MAP = "/api/v1/licence-types/e-city-office/map"
CHECK = "/api/v1/licence-types/e-city-office/map/check"
INSIDE = {"lat": "35.745", "lng": "51.553"}  # east Tehran, inside Tehran County
OUTSIDE = {"lat": "35.95", "lng": "50.9"}  # Karaj side, outside


def test_map_draws_the_zone_and_the_counties_with_attribution(api, tehran_rules):
    response = api.get(MAP, {"municipality": "tehran"})
    assert response.status_code == 200
    body = response.json()
    assert [f["properties"]["name"] for f in body["zones"]["features"]] == ["شهرستان تهران"]
    names = {f["properties"]["name"] for f in body["boundaries"]["features"]}
    assert {"شهرستان تهران", "شهرستان شمیرانات"} <= names and len(names) == 16
    (south, west), (north, east) = body["bounds"]
    assert 35.4 < south < 35.8 < north < 36 and 51 < west < 51.6 < east < 52
    assert body["attribution"] == "© مشارکت‌کنندگان OpenStreetMap"
    assert body["tile_url"] == ""  # no third-party tiles by default
    assert "max-age" in response["Cache-Control"]


def test_map_is_cached_per_version(api, tehran_rules, django_assert_max_num_queries):
    api.get(MAP, {"municipality": "tehran"})
    with django_assert_max_num_queries(6):  # licence, municipality, version: no conditions read again
        assert api.get(MAP, {"municipality": "tehran"}).status_code == 200


def test_a_municipal_tile_server_is_offered_when_set(api, tehran_rules):
    with override_settings(MAP_TILE_URL="https://tiles.example.ir/{z}/{x}/{y}.png"):
        assert api.get(MAP, {"municipality": "tehran"}).json()["tile_url"].startswith("https://tiles.example.ir/")


def test_tile_host_is_the_only_other_host_images_may_come_from():
    from config.settings.base import tile_source  # a helper of the settings module, not an app

    assert tile_source("") == []
    assert tile_source("https://tiles.example.ir/{z}/{x}/{y}.png") == ["https://tiles.example.ir"]
    assert tile_source("https://{s}.tiles.example.ir/{z}/{x}/{y}.png") == ["https://*.tiles.example.ir"]
    assert tile_source("javascript:alert(1)") == []
    assert tile_source("https://bad host; script-src */x") == []


def test_point_inside_the_zone_with_the_nearest_office(api, tehran_rules):
    tehran = tehran_rules.municipality
    near = make_office(tehran, DistrictFactory.create(municipality=tehran, number=90))
    near.name, near.lat, near.lng = "دفتر نزدیک", 35.7495, 51.553  # ~500 m north
    near.save()
    far = make_office(tehran, near.district)
    far.name, far.lat, far.lng = "دفتر دور", 35.70, 51.40
    far.save()
    response = api.get(CHECK, {"municipality": "tehran", **INSIDE})
    assert response.status_code == 200
    body = response.json()
    assert body["inside"] is True
    assert "درون محدودهٔ مجاز تهران" in body["status"]
    assert body["nearest_office"]["name"] == "دفتر نزدیک"
    assert body["nearest_office"]["distance"] == "۵۰۰ متر"
    assert "«دفتر نزدیک»، ۵۰۰ متر" in body["status"]


def test_point_outside_the_zone_in_persian_digits(api, tehran_rules):
    response = api.get(CHECK, {"municipality": "tehran", "lat": "۳۵٫۹۵", "lng": "۵۰٫۹"})
    assert response.status_code == 200
    body = response.json()
    assert body["inside"] is False
    assert "بیرون از محدوده‌های مجاز تهران" in body["status"]
    assert body["nearest_office"] is None  # no office in this test's Tehran


def test_inactive_offices_are_not_the_nearest(api, tehran_rules):
    tehran = tehran_rules.municipality
    office = make_office(tehran, DistrictFactory.create(municipality=tehran, number=91))
    office.lat, office.lng, office.active = 35.745, 51.553, False
    office.save()
    assert api.get(CHECK, {"municipality": "tehran", **INSIDE}).json()["nearest_office"] is None


def test_distance_reads_in_metres_then_kilometres():
    assert distance_text(84) == "۸۰ متر"
    assert distance_text(12_345) == "۱۲٫۳ کیلومتر"
    assert distance_text(2000) == "۲ کیلومتر"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"lat": "abc", "lng": "51.5"}, "lat", "عرض جغرافیایی باید عدد باشد، مثلاً ۳۵٫۷۴۵."),
        ({"lat": "35.7", "lng": "nan"}, "lng", "طول جغرافیایی باید عدد باشد، مثلاً ۳۵٫۷۴۵."),
        ({"lat": "35.7", "lng": "inf"}, "lng", "طول جغرافیایی باید عدد باشد، مثلاً ۳۵٫۷۴۵."),
        ({"lat": "۹۱", "lng": "51.5"}, "lat", msg.LATITUDE_RANGE),
        ({"lat": "35.7", "lng": "-181"}, "lng", msg.LONGITUDE_RANGE),
        ({"lng": "51.5"}, "lat", "عرض جغرافیایی را بنویسید."),
    ],
)
def test_bad_coordinates_are_a_persian_400(api, tehran_rules, query, field, message):
    response = api.get(CHECK, {"municipality": "tehran", **query})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == message and body["fields"][field] == [message]


@pytest.mark.parametrize("url", [MAP, CHECK])
@pytest.mark.parametrize(
    ("municipality", "message"),
    [
        ("", msg.MAP_MUNICIPALITY_MISSING),
        ("atlantis", msg.MUNICIPALITY_UNKNOWN),
        ("<script>", msg.MUNICIPALITY_UNKNOWN),
    ],
)
def test_unknown_municipality_is_a_persian_400(api, tehran_rules, url, municipality, message):
    response = api.get(url, {"municipality": municipality, **INSIDE})
    assert response.status_code == 400
    assert response.json()["detail"] == message


def test_unknown_licence_is_404(api, tehran_rules):
    assert api.get("/api/v1/licence-types/no-such/map", {"municipality": "tehran"}).status_code == 404


def test_another_municipality_checks_against_its_own_zone(api, tehran_rules):
    other = MunicipalityFactory.create(slug="kish", name="شهرداری کیش", city="کیش")
    square = {
        "type": "Polygon",
        "coordinates": [[[53.9, 26.5], [54.1, 26.5], [54.1, 26.6], [53.9, 26.6], [53.9, 26.5]]],
    }
    rule_set = RuleSet.objects.create(
        licence_type=tehran_rules.licence_type,
        municipality=other,
        version=1,
        effective_from=dt.date(2020, 1, 1),
        published=True,
    )
    Condition.objects.create(
        rule_set=rule_set,
        cid="S11.4",
        group="location",
        text="محدوده",
        citation="",
        facts=["location"],
        check_type="in_zone",
        parameters={
            "zones": {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"name_fa": "جزیرهٔ کیش"}, "geometry": square}],
            }
        },
        verified_by="inspection",
    )
    assert api.get(CHECK, {"municipality": "kish", "lat": "26.55", "lng": "54"}).json()["inside"] is True
    tehran_point = api.get(CHECK, {"municipality": "kish", **INSIDE}).json()
    assert tehran_point["inside"] is False and "بیرون از محدوده‌های مجاز کیش" in tehran_point["status"]
    body = api.get(MAP, {"municipality": "kish"}).json()
    assert [f["properties"]["name"] for f in body["zones"]["features"]] == ["جزیرهٔ کیش"]
    assert api.get(CHECK, {"municipality": "tehran", "lat": "26.55", "lng": "54"}).json()["inside"] is False


def test_the_self_check_page_offers_the_map(client, tehran_rules):
    html = client.get("/licences/e-city-office/check/?municipality=tehran").content.decode()
    assert 'data-check-url="/api/v1/licence-types/e-city-office/map/check?municipality=tehran"' in html
    assert 'aria-label="نقشهٔ انتخاب محل فعالیت"' in html
    assert 'role="status"' in html


def test_the_demo_districts_are_drawn_with_borders_labelled_illustrative(api, tehran_rules):
    features = api.get(MAP, {"municipality": "tehran"}).json()["districts"]["features"]
    assert [f["properties"]["number"] for f in features] == list(range(1, 23))
    first = features[0]["properties"]
    assert first["name"] == "منطقهٔ ۱ (نمایشی)" and first["label"] == "۱" and first["illustrative"] is True
    assert all(f["properties"]["name"].endswith("(نمایشی)") for f in features)
    county = shape(api.get(MAP, {"municipality": "tehran"}).json()["zones"]["features"][0]["geometry"])
    for feature in features:
        area = shape(feature["geometry"])
        lat, lng = feature["properties"]["label_at"]
        assert area.contains(Point(lng, lat))  # the number is written inside its district
        assert area.difference(county).area < 1e-4 * area.area  # inside Tehran County


def test_only_illustrative_districts_with_a_border_in_the_data_are_drawn(api, tehran_rules):
    tehran = tehran_rules.municipality
    tehran.districts.filter(number=5).update(illustrative=False)  # a real district: no made-up border
    DistrictFactory.create(municipality=tehran, number=23, name="منطقهٔ ۲۳", illustrative=True)  # no border
    drawn = api.get(MAP, {"municipality": "tehran"}).json()["districts"]["features"]
    numbers = [f["properties"]["number"] for f in drawn]
    assert 5 not in numbers and 23 not in numbers and len(numbers) == 21
    other = MunicipalityFactory.create(slug="kish", name="شهرداری کیش", city="کیش")
    DistrictFactory.create(municipality=other, number=1, illustrative=True)
    assert _districts(other) == {"type": "FeatureCollection", "features": []}  # no file for it


def test_the_illustrative_borders_are_what_the_script_writes():
    """``scripts/illustrative_districts.py --check``: the committed file is the script's output
    (Tehran County in 22 pieces of about equal area, each labelled illustrative)."""
    root = Path(__file__).resolve().parents[3]
    script = root / "scripts" / "illustrative_districts.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "daftar" / "rules" / "data" / "tehran_districts_illustrative.geojson").read_text())
    assert data["illustrative"] is True and "OpenStreetMap contributors" in data["source"]
    areas = [shape(f["geometry"]).area for f in data["features"]]
    assert len(areas) == 22 and max(areas) / min(areas) < 1.01
