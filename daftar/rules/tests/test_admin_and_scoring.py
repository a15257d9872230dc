"""Editing rules in the admin makes a new version; scoring gives a breakdown (P4)."""

from __future__ import annotations

import pytest

from daftar.accounts.constants import Role
from daftar.accounts.services import role_grant
from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.rules.models import Condition, RuleSet
from daftar.rules.scoring import score

pytestmark = pytest.mark.django_db


def test_admin_new_version_then_publish(client, tehran_rules):
    admin = UserFactory()
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=tehran_rules.municipality, actor=None)
    client.force_login(admin)
    page = client.get(f"/admin/rules/ruleset/{tehran_rules.pk}/change/")
    assert page.status_code == 200
    assert 'name="conditions-0-parameters"' not in page.content.decode()  # published: read-only
    client.post("/admin/rules/ruleset/", {"action": "make_new_version", "_selected_action": [tehran_rules.pk]})
    draft = RuleSet.objects.get(version=2)
    assert not draft.published and draft.conditions.count() == 13
    assert 'name="conditions-0-parameters"' in client.get(f"/admin/rules/ruleset/{draft.pk}/change/").content.decode()
    Condition.objects.filter(rule_set=draft, cid="S11.2").update(parameters={"min": 100, "municipal": True})
    client.post("/admin/rules/ruleset/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.published
    assert Condition.objects.get(rule_set=tehran_rules, cid="S11.2").parameters["min"] == 60  # v1 untouched
    assert AuditEntry.objects.filter(action="rule_set_drafted").exists()
    assert AuditEntry.objects.filter(action="rule_set_published", object_id=str(draft.pk)).exists()


def test_staff_of_another_city_do_not_see_tehrans_rules(client, tehran_rules):
    from daftar.municipalities.tests.factories import MunicipalityFactory

    other = MunicipalityFactory(slug="tabriz", name="شهرداری تبریز")
    admin = UserFactory()
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=other, actor=None)
    client.force_login(admin)
    assert "دفتر خدمات الکترونیک شهر" not in client.get("/admin/rules/ruleset/").content.decode()
    response = client.get(f"/admin/rules/ruleset/{tehran_rules.pk}/change/")
    assert response.status_code == 302  # "not found" for the admin


TABLE = {
    "degree_level": {"bachelor": 10, "master": 20, "doctorate": 25},
    "degree_field": {"urban_planning": 5},
    "experience_per_year": 2,
    "experience_cap": 20,
    "training_per_10_hours": 1,
    "training_cap": 10,
    "exam_score_weight": 0.5,
}


def test_score_has_a_breakdown_and_caps():
    result = score(
        TABLE,
        {
            "degree_level": "master",
            "degree_field": "urban_planning",
            "experience_years": 15,
            "training_hours": 45,
            "exam_score": 80,
        },
    )
    assert [(i.item, i.points) for i in result.breakdown] == [
        ("degree_level", 20.0),
        ("degree_field", 5.0),
        ("experience_years", 20),
        ("training_hours", 4.5),
        ("exam_score", 40.0),
    ]
    assert result.total == 89.5


def test_master_outranks_bachelor_and_missing_facts_add_nothing():
    assert score(TABLE, {"degree_level": "master"}).total > score(TABLE, {"degree_level": "bachelor"}).total
    assert score(TABLE, {}).total == 0 and score(TABLE, {"degree_level": "diploma"}).breakdown == ()


def test_a_municipality_admin_adds_a_new_scoring_version_and_bad_tables_are_refused(client, tehran_rules):
    import json

    from daftar.rules.models import ScoringTable

    admin_user = UserFactory()
    role_grant(user=admin_user, role=Role.MUNICIPALITY_ADMIN, municipality=tehran_rules.municipality, actor=None)
    client.force_login(admin_user)
    form = {
        "licence_type": tehran_rules.licence_type_id,
        "municipality": tehran_rules.municipality_id,
        "effective_from": "2025-06-01",
        "is_example": "on",
    }
    bad = client.post("/admin/rules/scoringtable/add/", {**form, "points": json.dumps({"degree_level": {"phd": 5}})})
    assert bad.status_code == 200 and ScoringTable.objects.count() == 1
    good = client.post(
        "/admin/rules/scoringtable/add/", {**form, "points": json.dumps({"degree_level": {"master": 30}})}
    )
    assert good.status_code == 302
    assert list(ScoringTable.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
    first = ScoringTable.objects.get(version=1)
    assert client.get(f"/admin/rules/scoringtable/{first.pk}/change/").status_code == 200  # view only
    assert 'name="points"' not in client.get(f"/admin/rules/scoringtable/{first.pk}/change/").content.decode()
