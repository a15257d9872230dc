"""The menu's table names pages that exist, and shows each role its own group only (issue 18 §4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.desk.navigation import HOLDER, MINE, OFFICES, PUBLIC, STAFF_GROUPS, menu_for

pytestmark = pytest.mark.django_db


def test_every_menu_entry_names_a_page_that_exists():
    entries = [*PUBLIC, *MINE, OFFICES, HOLDER, *(e for g in STAFF_GROUPS for e in g.entries)]
    for entry in entries:
        assert reverse(entry.url_name).startswith("/"), entry


@pytest.mark.parametrize(
    ("mobile", "groups"),
    [
        ("09120000002", {"cases"}),  # reviewer
        ("09120000004", {"cases", "supervision"}),  # inspector
        ("09120000005", {"cases", "authority"}),  # licensing authority
        ("09120000006", {"supervision"}),  # supervisor
        ("09120000007", {"cases", "municipality"}),  # municipality administrator
        ("09120000001", set()),  # an applicant
    ],
)
def test_each_role_sees_its_own_groups(tehran_rules, mobile, groups):
    menu = menu_for(User.objects.get(mobile=mobile))
    assert {g["key"] for g in menu["staff"]} == groups
    assert all(g["links"] for g in menu["staff"])


def test_a_citizen_sees_the_public_links_and_their_own_things_only():
    menu = menu_for(UserFactory())
    assert [link["label"] for link in menu["mine"]] == ["پرونده‌های من", "نوبت‌های من", "شکایت‌های من", "پیامک‌های من"]
    assert menu["staff"] == []
    anonymous = menu_for(None)
    assert anonymous["mine"] == [] and anonymous["staff"] == [] and len(anonymous["public"]) == len(PUBLIC)
