"""Demo data: Tehran, 22 districts, one user per role; loading twice duplicates nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from daftar.accounts.constants import Role
from daftar.accounts.models import RoleAssignment, User
from daftar.audit.services import verify_chain
from daftar.municipalities.models import District, Municipality

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_twice_is_the_same(capsys):
    call_command("load_demo")
    first = (User.objects.count(), RoleAssignment.objects.count(), District.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), RoleAssignment.objects.count(), District.objects.count()) == first
    tehran = Municipality.objects.get(slug="tehran")
    assert tehran.province.name_fa == "تهران"
    assert tehran.districts.count() == 22 and all(d.illustrative for d in tehran.districts.all())
    staff_roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert staff_roles == set(Role.values) - {Role.APPLICANT}
    assert "09120000001" in capsys.readouterr().out
    assert verify_chain() is None


def test_provinces_are_loaded_by_migration():
    from daftar.municipalities.models import Province

    assert Province.objects.count() == 31


def test_the_demo_people_hold_their_codes_proven_by_the_ownership_simulator():
    from daftar.demo.data import DEMO_USERS

    call_command("load_demo")
    people = User.objects.filter(mobile__in=[row[0] for row in DEMO_USERS])
    assert len(people) == len(DEMO_USERS)
    assert all(p.national_code_verified and p.ownership_reference.startswith("SIM-mobile_owner-") for p in people)


def test_the_demo_s_licences_get_their_national_ids_from_the_portal_simulator(
    capsys, django_capture_on_commit_callbacks
):
    from daftar.licences.models import Licence

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    licences = Licence.objects.filter(status__in=["active", "suspended"])
    assert licences.exists()
    assert all(licence.national_id for licence in licences)  # the simulator answered (eager tasks)
    assert "national portal" in capsys.readouterr().out
    call_command("load_demo")  # nothing queued twice
    assert "national portal" not in capsys.readouterr().out
