"""Bad input to the eligibility check and the catalogue search: numbers past any range, NUL bytes,
endless queries and a missing ``facts`` are a 400 naming the field, or an ordinary answer, never
a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
CODE = "e-city-office"


@pytest.mark.parametrize("name", ["premises_area_m2", "experience_years"])
def test_huge_integers_are_a_400_naming_the_field(api, tehran_rules, name):
    response = api.generic(
        "POST",
        "/api/v1/eligibility",
        f'{{"licence_type": "{CODE}", "municipality": "tehran", "facts": {{"{name}": 1{"0" * 400}}}}}',
        content_type="application/json",
    )
    assert response.status_code == 400 and f"facts.{name}" in response.json()["fields"]


def test_huge_coordinates_and_infinity_are_a_400(api, tehran_rules):
    huge = "1" + "0" * 400
    body = (
        f'{{"licence_type": "{CODE}", "municipality": "tehran", "facts": {{"location": {{"lat": {huge}, "lng": 51}}}}}}'
    )
    response = api.generic("POST", "/api/v1/eligibility", body, content_type="application/json")
    assert response.status_code == 400 and "facts.location" in response.json()["fields"]
    body = f'{{"licence_type": "{CODE}", "municipality": "tehran", "facts": {{"premises_area_m2": 1e400}}}}'
    response = api.generic("POST", "/api/v1/eligibility", body, content_type="application/json")
    assert response.status_code == 400 and "facts.premises_area_m2" in response.json()["fields"]


def test_nul_bytes_and_endless_queries_do_not_break_search(api, client, tehran_rules):
    assert api.get("/api/v1/licence-types", {"search": "دفتر\x00"}).status_code == 200
    assert client.get("/licences/", {"q": "\x00"}).status_code == 200
    # input normalisation drops NUL (daftar.kernel.normalize), so this is Tehran's licence page
    assert api.get(f"/api/v1/licence-types/{CODE}", {"municipality": "teh\x00ran"}).status_code == 200
    long_query = "a " * 3000
    assert api.get("/api/v1/licence-types", {"search": long_query}).status_code == 200
    assert client.get("/licences/", {"q": long_query}).status_code == 200


def test_missing_facts_key_is_a_400(api, tehran_rules):
    response = api.post("/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran"}, format="json")
    assert response.status_code == 400 and "facts" in response.json()["fields"]
