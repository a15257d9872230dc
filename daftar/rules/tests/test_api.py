"""Catalogue and eligibility through the REST API (API.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from daftar.accounts.tests.factories import UserFactory
from daftar.rules import messages as msg
from daftar.rules.models import Condition, EligibilityCheck
from daftar.rules.services import rule_set_new_version, rule_set_publish
from daftar.rules.tests.helpers import GOOD

pytestmark = pytest.mark.django_db
CODE = "e-city-office"


@pytest.mark.parametrize(
    "query",
    [
        "دفتر خدمات الكترونيك",  # Arabic ي/ك
        "خدمات شهر",  # words out of order, partial
        "ال‌کترونیک",  # ZWNJ inside a word
        "ال کترونیک",  # a space inside a word
        "الكترونيكِ",  # a diacritic
        "  دفتر   ",
        "e city office",
        "الکترون",  # partial word
    ],
)
def test_search_forgives_persian_variants(api, tehran_rules, query):
    response = api.get("/api/v1/licence-types", {"search": query})
    assert response.status_code == 200
    assert [t["code"] for t in response.json()] == [CODE], query


def test_search_with_no_hits_is_an_empty_list(api, tehran_rules):
    response = api.get("/api/v1/licence-types", {"search": "گواهینامهٔ رانندگی"})
    assert response.status_code == 200 and response.json() == []


def test_licence_type_with_conditions_and_documents(api, tehran_rules):
    body = api.get(f"/api/v1/licence-types/{CODE}", {"municipality": "tehran"}).json()
    assert body["title"] == "دفتر خدمات الکترونیک شهر" and body["kind"] == "approval"
    ids = [c["id"] for c in body["conditions"]]
    assert ids[:5] == ["S9.1", "S9.2", "S9.3", "S9.4", "S9.5"] and ids[-1] == "S11.4"
    area = next(c for c in body["conditions"] if c["id"] == "S11.2")
    assert area["group"] == "location" and area["parameters"]["min"] == 60 and area["citation"]
    assert area["verified_by"] == "inspection" and area["document_type"] == "premises_deed"
    docs = {d["type"]: d for d in body["documents"]}
    assert set(docs) == {
        "national_card",
        "health_certificate",
        "no_criminal_record",
        "application_form",
        "degree",
        "experience_certificate",
        "training_certificates",
        "exam_certificate",
        "premises_deed",
        "location_sketch",
        "premises_photos",
        "equipment_list",
    }
    assert docs["exam_certificate"]["stage"] == "exam"  # S12.7: produced at the exam stage
    assert docs["national_card"]["group"] == "identity" and docs["national_card"]["required"] is True
    assert "application/pdf" in docs["degree"]["accepted_types"] and docs["degree"]["max_bytes"] > 0
    assert body["rule_set"]["version"] == 1 and body["rule_set"]["municipality"] == "tehran"


def test_unknown_licence_type_or_municipality_is_404(api, tehran_rules):
    assert api.get("/api/v1/licence-types/no-such-licence").status_code == 404
    response = api.get(f"/api/v1/licence-types/{CODE}", {"municipality": "atlantis"})
    assert response.status_code == 404 and response.json()["detail"] == msg.MUNICIPALITY_UNKNOWN
    response = api.post(
        "/api/v1/eligibility", {"licence_type": "nope", "municipality": "tehran", "facts": {}}, format="json"
    )
    assert response.status_code == 404 and response.json()["detail"] == msg.LICENCE_TYPE_UNKNOWN
    response = api.post(
        "/api/v1/eligibility", {"licence_type": CODE, "municipality": "atlantis", "facts": {}}, format="json"
    )
    assert response.status_code == 404


def test_eligibility_explains_each_condition(api, tehran_rules):
    facts = {**GOOD, "premises_area_m2": "۵۹٫۹"}  # a string is not a number: see below
    response = api.post(
        "/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran", "facts": facts}, format="json"
    )
    assert response.status_code == 400
    facts["premises_area_m2"] = 59.9
    response = api.post(
        "/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran", "facts": facts}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False
    s112 = next(c for c in body["conditions"] if c["id"] == "S11.2")
    assert s112 == {
        "id": "S11.2",
        "result": "fail",
        "reason": "مساحت مفید محل شما ۵۹٫۹ متر مربع است؛ دست‌کم ۶۰ متر مربع در تهران لازم است.",
    }
    assert body["rule_set"]["version"] == 1
    assert body["score"]["example_figures"] is True and body["score"]["total"] > 0


def test_eligibility_of_unknowns_is_null(api, tehran_rules):
    response = api.post(
        "/api/v1/eligibility",
        {"licence_type": CODE, "municipality": "tehran", "facts": {"nationality": "IR"}},
        format="json",
    )
    assert response.json()["eligible"] is None


@pytest.mark.parametrize(
    ("facts", "field", "message_part"),
    [
        ({"premises_area_m2": -5}, "facts.premises_area_m2", "باید بزرگ‌تر از صفر"),
        ({"premises_area_m2": 0}, "facts.premises_area_m2", "باید بزرگ‌تر از صفر"),
        ({"premises_area_m2": "زیاد"}, "facts.premises_area_m2", "باید عدد باشد"),
        ({"experience_years": -1}, "facts.experience_years", "نمی‌تواند منفی باشد"),
        ({"experience_years": "سه"}, "facts.experience_years", "سابقهٔ کار"),
        ({"experience_years": True}, "facts.experience_years", "باید عدد باشد"),
        ({"degree_level": "phd"}, "facts.degree_level", "مقطع تحصیلی"),
        ({"degree_field": "astrology"}, "facts.degree_field", "رشتهٔ تحصیلی"),
        ({"premises_use": "garden"}, "facts.premises_use", "کاربری محل"),
        ({"equipment": ["fax"]}, "facts.equipment", "تجهیزات"),
        ({"equipment": "computers"}, "facts.equipment", "تجهیزات"),
        ({"location": {"lat": 95, "lng": 51}}, "facts.location", "عرض جغرافیایی باید بین"),
        ({"location": {"lat": 35, "lng": 181}}, "facts.location", "طول جغرافیایی باید بین"),
        ({"location": {"lat": 35}}, "facts.location", "موقعیت محل"),
        ({"location": [35, 51]}, "facts.location", "موقعیت محل"),
        ({"nationality": "XX"}, "facts.nationality", "تابعیت"),
        ({"has_criminal_record": "no"}, "facts.has_criminal_record", "بله یا خیر"),
        ({"favourite_colour": "blue"}, "facts.favourite_colour", "شناخته نیست"),
    ],
)
def test_bad_facts_are_a_400_naming_the_field(api, tehran_rules, facts, field, message_part):
    response = api.post(
        "/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran", "facts": facts}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"] and message_part in body["fields"][field][0]
    assert message_part in body["detail"]


@pytest.mark.parametrize("facts", [[], "x", 3, None])
def test_facts_that_are_not_an_object_are_a_400(api, tehran_rules, facts):
    response = api.post(
        "/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran", "facts": facts}, format="json"
    )
    assert response.status_code == 400


def test_a_logged_in_check_keeps_the_version_used(api, tehran_rules):
    user = UserFactory()
    api.force_authenticate(user)
    api.post("/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran", "facts": GOOD}, format="json")
    check = EligibilityCheck.objects.get(user=user)
    assert check.rule_set == tehran_rules and check.eligible is True and len(check.results) == 13
    assert check.scoring_table is not None and check.score is not None  # the table used is kept too
    assert check.score["total"] > 0


def test_a_new_version_changes_new_answers_but_not_the_old_version(api, tehran_rules):
    from daftar.rules.evaluator import evaluate
    from daftar.rules.selectors import compiled

    facts = {**GOOD, "premises_area_m2": 55}
    v1 = compiled(tehran_rules)
    before = evaluate(v1, facts)
    draft = rule_set_new_version(rule_set=tehran_rules, actor=None, effective_from=dt.date(2025, 6, 1))
    Condition.objects.filter(rule_set=draft, cid="S11.2").update(parameters={"min": 50, "municipal": True})
    rule_set_publish(rule_set=draft, actor=None)
    response = api.post(
        "/api/v1/eligibility", {"licence_type": CODE, "municipality": "tehran", "facts": facts}, format="json"
    )
    assert response.json()["rule_set"]["version"] == 2 and response.json()["eligible"] is True
    tehran_rules.refresh_from_db()
    assert evaluate(compiled(tehran_rules), facts) == before  # version 1 still says 55 < 60
    assert before.eligible is False


def test_a_published_version_cannot_be_published_again(tehran_rules):
    from daftar.kernel.errors import ApplicationError

    with pytest.raises(ApplicationError):
        rule_set_publish(rule_set=tehran_rules, actor=None)


def test_schema_lists_the_catalogue_paths(client, tehran_rules):
    import json

    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    for path in ("/api/v1/licence-types", "/api/v1/licence-types/{code}", "/api/v1/eligibility"):
        assert path in schema["paths"]


@pytest.mark.parametrize("query", ["دفترخدمات", "e-city-office", "E-CITY", "الکترونیک‌شهر"])
def test_search_forgives_joined_words_and_finds_the_code_in_any_case(api, tehran_rules, query):
    assert [t["code"] for t in api.get("/api/v1/licence-types", {"search": query}).json()] == [CODE], query
