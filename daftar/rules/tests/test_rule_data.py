"""Rule data is checked before it is used: a draft whose conditions break the schema cannot be
published (through the service or the admin), a published version cannot be deleted, and the
rows the project ships pass the schema."""

from __future__ import annotations

import pytest

from daftar.kernel.errors import ApplicationError
from daftar.rules.models import Condition, RuleSet
from daftar.rules.schema import condition_errors
from daftar.rules.services import rule_set_new_version, rule_set_publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cid", "parameters"),
    [
        ("S11.2", {"min": "sixty"}),
        ("S11.2", {}),
        ("S10.1", {"min_level": "phd", "fields": ["law"]}),
        ("S11.4", {"zones": {"type": "FeatureCollection", "features": []}}),
        ("S11.1", {"values": ["garden"]}),
    ],
)
def test_a_draft_with_bad_rule_data_cannot_be_published(tehran_rules, cid, parameters):
    draft = rule_set_new_version(rule_set=tehran_rules, actor=None)
    Condition.objects.filter(rule_set=draft, cid=cid).update(parameters=parameters)
    with pytest.raises(ApplicationError) as info:
        rule_set_publish(rule_set=draft, actor=None)
    assert cid in info.value.fields
    draft.refresh_from_db()
    assert not draft.published


def test_the_admin_refuses_bad_condition_data(client, tehran_rules):
    from daftar.accounts.tests.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    draft = rule_set_new_version(rule_set=tehran_rules, actor=root)
    conditions = list(draft.conditions.order_by("order"))
    form = {
        "effective_from": "2025-03-21",
        "note": "",
        "conditions-TOTAL_FORMS": str(len(conditions)),
        "conditions-INITIAL_FORMS": str(len(conditions)),
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "1000",
    }
    import json

    for i, c in enumerate(conditions):
        params = {"min": "sixty"} if c.cid == "S11.2" else c.parameters
        form.update(
            {
                f"conditions-{i}-id": str(c.pk),
                f"conditions-{i}-rule_set": str(draft.pk),
                f"conditions-{i}-cid": c.cid,
                f"conditions-{i}-order": str(c.order),
                f"conditions-{i}-group": c.group,
                f"conditions-{i}-text": c.text,
                f"conditions-{i}-citation": c.citation,
                f"conditions-{i}-facts": json.dumps(c.facts),
                f"conditions-{i}-check_type": c.check_type,
                f"conditions-{i}-parameters": json.dumps(params),
                f"conditions-{i}-verified_by": c.verified_by,
                f"conditions-{i}-document_type": c.document_type,
            }
        )
    response = client.post(f"/admin/rules/ruleset/{draft.pk}/change/", form)
    assert response.status_code == 200 and "min باید عددی نامنفی باشد." in response.content.decode()
    assert Condition.objects.get(rule_set=draft, cid="S11.2").parameters["min"] == 60


def test_published_versions_cannot_be_deleted_in_the_admin(client, tehran_rules):
    from daftar.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/rules/ruleset/{tehran_rules.pk}/delete/").status_code == 403
    client.post(f"/admin/rules/ruleset/{tehran_rules.pk}/delete/", {"post": "yes"})
    assert RuleSet.objects.filter(pk=tehran_rules.pk).exists()


def test_the_fixture_rows_pass_the_schema(tehran_rules):
    for c in tehran_rules.conditions.all():
        row = {
            "cid": c.cid,
            "group": c.group,
            "facts": c.facts,
            "check": c.check_type,
            "parameters": c.parameters,
            "verified_by": c.verified_by,
        }
        assert condition_errors(row) == [], c.cid
